/* The duty record's pages: the print button, and the county's score bands drawn with the
   locally served Chart.js (stacked bars, one per township). */
(function () {
  document.querySelectorAll("[data-print]").forEach(function (el) {
    el.addEventListener("click", function (e) { e.preventDefault(); window.print(); });
  });
  var source = document.getElementById("band-data");
  if (!source || !window.Chart) { return; }
  var data = JSON.parse(source.textContent);
  var colors = ["#b71c1c", "#ef6c00", "#1565c0", "#2e7d32"];
  var small = window.matchMedia("(max-width: 600px)").matches;
  Chart.defaults.font.size = small ? 11 : 13;
  window.lxBandChart = new Chart(document.getElementById("band-chart"), {
    type: "bar",
    data: {
      labels: data.townships,
      datasets: data.bands.map(function (b, i) {
        return { label: b.label, data: b.values, backgroundColor: colors[i % colors.length] };
      })
    },
    options: {
      indexAxis: small ? "y" : "x", responsive: true, maintainAspectRatio: false, animation: false,
      plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
      scales: { x: { stacked: true, beginAtZero: true }, y: { stacked: true, beginAtZero: true } }
    }
  });
})();
