// Forms a clerk fills on a phone (issue 21). Each behaviour only improves a form that works
// without script:
//  - [data-picker]: a checklist or radio list of people gets a search box that filters it as
//    you type (name, pinyin, initials, birth year, village: whatever the item's data-search
//    holds); without script the search box stays hidden and the list is a plain list.
//  - form[data-confirm-change]: a form that changes who is on something (换班) asks before it
//    sends, naming the old and the new person; choosing the person already on it sends nothing.
//  - [data-shown-for]: a field shown only for some values of another field (the station of a
//    case received at a station); hidden, its inputs are disabled so they are not sent.
//  - input[type=date], input[type=time]: the value is said in words under the box
//    ("2026年3月20日（周五）", "09:00", a 24-hour clock), whatever order and clock the browser's
//    own locale draws the box in (a phone set to English shows 03/20/2026 and 9:00 AM). The
//    words come from the script tag's data-date-words and data-weekdays (translated in the page).
(function () {
  "use strict";

  var script = document.currentScript;

  function normalise(text) {
    return (text || "").toLowerCase().replace(/\s+/g, "");
  }

  function setUpPicker(picker) {
    var search = picker.querySelector(".lx-picker-search");
    var items = Array.prototype.slice.call(picker.querySelectorAll("li[data-search]"));
    var none = picker.querySelector(".lx-picker-none");
    var count = picker.querySelector(".lx-picker-count");
    var boxes = picker.querySelectorAll("input[type=checkbox]");
    items.forEach(function (item) {
      item.dataset.key = normalise(item.dataset.search);
    });
    function counted() {
      if (!count || !boxes.length) { return; }
      var n = picker.querySelectorAll("input[type=checkbox]:checked").length;
      count.textContent = count.dataset.template.replace("{n}", n);
      count.hidden = false;
    }
    function filter() {
      var query = normalise(search.value);
      var shown = 0;
      items.forEach(function (item) {
        var input = item.querySelector("input");
        // A chosen item stays in view: filtering never hides what will be sent.
        var keep = !query || item.dataset.key.indexOf(query) !== -1 || (input && input.checked);
        item.hidden = !keep;
        if (keep) { shown += 1; }
      });
      if (none) { none.hidden = shown > 0; }
    }
    if (search && items.length > 5) {
      search.hidden = false;
      search.addEventListener("input", filter);
      // Enter in the search box must not send the form half filled in.
      search.addEventListener("keydown", function (event) {
        if (event.key === "Enter") { event.preventDefault(); }
      });
    }
    picker.addEventListener("change", counted);
    counted();
  }

  function chosenName(form, field) {
    var input = form.querySelector("[name='" + field + "']:checked") ||
      form.querySelector("select[name='" + field + "']");
    if (!input) { return null; }
    if (input.tagName === "SELECT") {
      var option = input.options[input.selectedIndex];
      return option ? { value: option.value, name: option.dataset.name || option.text } : null;
    }
    return { value: input.value, name: input.dataset.name || input.value };
  }

  function setUpConfirm(form) {
    form.addEventListener("submit", function (event) {
      var field = form.dataset.confirmField || "representative_id";
      var chosen = chosenName(form, field);
      if (!chosen) { return; }
      if (chosen.value === form.dataset.currentValue) {
        event.preventDefault();
        var note = form.querySelector(".lx-unchanged");
        if (note) { note.hidden = false; }
        return;
      }
      var question = form.dataset.confirmChange
        .replace("{old}", form.dataset.currentName || "")
        .replace("{new}", chosen.name);
      if (!window.confirm(question)) { event.preventDefault(); }
    });
  }

  function setUpShownFor(block) {
    var form = block.closest("form") || document;
    var control = form.querySelector("[name='" + block.dataset.shownFor + "']");
    if (!control) { return; }
    var values = (block.dataset.values || "").split(/\s+/);
    function update() {
      var on = values.indexOf(control.value) !== -1;
      block.hidden = !on;
      block.querySelectorAll("input, select, textarea").forEach(function (input) {
        input.disabled = !on;
        if (input.dataset.requiredWhenShown !== undefined) { input.required = on; }
      });
    }
    control.addEventListener("change", update);
    update();
  }

  function words(input) {
    var value = input.value;
    if (!value || !script) { return ""; }
    if (input.type === "time") {
      var t = value.split(":");
      return t[0] + ":" + t[1];
    }
    var p = value.split("-");
    var day = new Date(Number(p[0]), Number(p[1]) - 1, Number(p[2]));
    var weekdays = (script.dataset.weekdays || "").split(" ");
    return (script.dataset.dateWords || "{y}-{m}-{d}")
      .replace("{y}", p[0]).replace("{m}", String(Number(p[1])))
      .replace("{d}", String(Number(p[2]))).replace("{w}", weekdays[day.getDay()] || "");
  }

  function setUpWords(input) {
    var note = document.createElement("small");
    note.className = "hint lx-date-words";
    note.setAttribute("aria-hidden", "true");  // the box itself is what is read out
    input.insertAdjacentElement("afterend", note);
    function update() { note.textContent = words(input); }
    input.addEventListener("input", update);
    input.addEventListener("change", update);
    update();
  }

  function start() {
    document.querySelectorAll("input[type=date], input[type=time]").forEach(setUpWords);
    document.querySelectorAll("[data-picker]").forEach(setUpPicker);
    document.querySelectorAll("form[data-confirm-change]").forEach(setUpConfirm);
    document.querySelectorAll("[data-shown-for]").forEach(setUpShownFor);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
