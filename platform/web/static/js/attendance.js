// The check-in roll of a session (issue 21). Without script every part still works: the search
// is a GET form and a tap on 签到 posts the form and comes back to the row. With it:
//  - a tap checks the person in in the background (the form's own fields, CSRF token included,
//    posted with fetch) and the server's new row replaces the old one: no reload, no jump to
//    the top, the next name right where it was;
//  - the roll filters as you type (name, pinyin, initials, birth year, village);
//  - the counts and the quorum follow every 3 seconds and after each check-in.
(function () {
  "use strict";

  var live = document.getElementById("live");
  var table = document.getElementById("reps");
  var search = document.getElementById("roll-q");
  var searchForm = document.getElementById("roll-search");
  var count = document.getElementById("roll-count");
  var none = document.getElementById("roll-none");

  function normalise(text) {
    return (text || "").toLowerCase().replace(/\s+/g, "");
  }

  // --- the counts and the quorum ------------------------------------------------------------
  function show(id, value) {
    var el = document.getElementById(id);
    if (el) { el.textContent = value; }
  }

  function showRoll(roll) {
    if (!roll) { return; }
    var quorum = document.getElementById("quorum");
    show("present", roll.present);
    show("expected", roll.expected);
    show("on-leave", roll.on_leave);
    show("quorum-needed", roll.quorum_needed);
    if (quorum) {
      quorum.classList.toggle("met", roll.quorum_met);
      quorum.textContent = roll.quorum_met ? quorum.dataset.met
        : quorum.dataset.short.replace("{n}", roll.quorum_needed - roll.present);
    }
  }

  function refresh() {
    fetch(live.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(showRoll)
      .catch(function () {});
  }

  if (live) { setInterval(refresh, 3000); }

  if (!table) { return; }

  // --- search as you type --------------------------------------------------------------------
  function rows() {
    return Array.prototype.slice.call(table.tBodies[0].rows);
  }

  function filter() {
    var query = normalise(search ? search.value : "");
    var all = rows();
    var shown = 0;
    all.forEach(function (row) {
      var keep = !query || normalise(row.dataset.search).indexOf(query) !== -1;
      row.hidden = !keep;
      if (keep) { shown += 1; }
    });
    if (count && count.dataset.template) {
      count.textContent = count.dataset.template.replace("{n}", shown).replace("{t}", all.length);
    }
    if (none) { none.hidden = shown > 0; }
  }

  if (search) {
    search.addEventListener("input", filter);
    if (searchForm) {
      searchForm.addEventListener("submit", function (event) {
        event.preventDefault();
        filter();
      });
    }
  }

  // --- check in where you are ------------------------------------------------------------------
  table.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("form-check-in")) { return; }
    event.preventDefault();
    var button = form.querySelector("button");
    if (button) { button.disabled = true; }
    var row = form.closest("tr");
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-Requested-With": "fetch" },
    })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") === -1) { throw new Error("not json"); }
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      })
      .then(function (answer) {
        var data = answer.data;
        if (data.row) {
          var holder = document.createElement("tbody");
          holder.innerHTML = data.row;
          var fresh = holder.rows[0];
          if (fresh && row) {
            fresh.classList.add("lx-flash");
            row.parentNode.replaceChild(fresh, row);
            row = fresh;
            var done = fresh.querySelector(".lx-checkin-done");
            if (done) { done.focus({ preventScroll: true }); }
          }
        }
        showRoll(data.roll);
        if (!answer.ok) {
          if (button && document.body.contains(button)) { button.disabled = false; }
          window.alert(data.message || "");
        }
        filter();
      })
      .catch(function () {
        // Whatever went wrong (offline, a session that expired), the plain form still works.
        form.submit();
      });
  });

  if (search && search.value) { filter(); }
})();
