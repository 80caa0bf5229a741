/* A county job's progress: polls until the refresh or the export is done. */
(function () {
  var box = document.getElementById("job");
  if (!box) { return; }
  var statuses = JSON.parse(box.dataset.statuses);
  function poll() {
    if (box.dataset.status === "done" || box.dataset.status === "failed") { return; }
    fetch(box.dataset.url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (d) {
      box.dataset.status = d.status;
      document.getElementById("job-progress").value = d.percent;
      document.getElementById("job-percent").textContent = d.percent + "%";
      document.getElementById("job-status").textContent = statuses[d.status] || d.status;
      if (d.download_url) {
        document.getElementById("download-link").href = d.download_url;
        document.getElementById("job-download").hidden = false;
      }
      if (d.status === "done" || d.status === "failed") {
        document.getElementById("job-hint").hidden = true;
      } else { setTimeout(poll, 1500); }
    }).catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 800);
})();
