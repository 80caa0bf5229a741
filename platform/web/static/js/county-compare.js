/* The county comparison's charts, drawn with the locally served Chart.js.

   Everything drawn comes from the page's #chart-data, computed on the server: each township's
   colour (by its place in the county, the same in both charts and on every period), the axis
   titles, and whether the figure is a rate (then its axis runs 0–100 %). Values are written on
   the bars and at the end of each trend line by the small plugin below (no extra package). */
(function () {
  if (!window.Chart) { return; }
  var source = document.getElementById("chart-data");
  if (!source) { return; }
  var data = JSON.parse(source.textContent);
  var small = window.matchMedia("(max-width: 600px)").matches;
  Chart.defaults.font.size = small ? 11 : 13;
  Chart.defaults.font.family = window.getComputedStyle(document.body).fontFamily;

  function show(value) {
    if (value === null || value === undefined) { return ""; }
    var text = data.percent ? Number(value).toFixed(1) : String(Math.round(value * 100) / 100);
    return text + (data.unit || "");
  }

  function lastIndex(values) {
    for (var i = values.length - 1; i >= 0; i -= 1) {
      if (values[i] !== null && values[i] !== undefined) { return i; }
    }
    return -1;
  }

  // Value labels: each bar's figure above it (beside it when the bars lie down on a phone),
  // and each trend line's latest figure at its end.
  var valueLabels = {
    id: "lxValueLabels",
    afterDatasetsDraw: function (chart, _args, options) {
      if (!options || !options.display) { return; }
      var ctx = chart.ctx;
      var horizontal = chart.options.indexAxis === "y";
      ctx.save();
      ctx.font = "600 " + (small ? 10 : 12) + "px " + Chart.defaults.font.family;
      chart.data.datasets.forEach(function (dataset, i) {
        var meta = chart.getDatasetMeta(i);
        if (meta.hidden) { return; }
        var last = lastIndex(dataset.data);
        meta.data.forEach(function (element, j) {
          var value = dataset.data[j];
          if (value === null || value === undefined) { return; }
          if (options.lastOnly && j !== last) { return; }
          var at = element.tooltipPosition();
          ctx.fillStyle = options.lastOnly ? dataset.borderColor : "#1f2328";
          if (horizontal) {
            ctx.textAlign = "left";
            ctx.textBaseline = "middle";
            ctx.fillText(show(value), at.x + 4, at.y);
          } else if (options.lastOnly) {
            ctx.textAlign = "left";
            ctx.textBaseline = "middle";
            ctx.fillText(show(value), at.x + 6, at.y);
          } else {
            ctx.textAlign = "center";
            ctx.textBaseline = "bottom";
            ctx.fillText(show(value), at.x, at.y - 3);
          }
        });
      });
      ctx.restore();
    }
  };

  function valueAxis() {
    var axis = {
      beginAtZero: true,
      title: { display: true, text: data.axis_title },
      ticks: { callback: function (v) { return data.percent ? v + "%" : v; } }
    };
    if (data.percent) { axis.min = 0; axis.max = 100; }
    return axis;
  }

  function categoryAxis(title, skip) {
    return { title: { display: true, text: title }, ticks: { autoSkip: !!skip } };
  }

  var bars = data.bars.filter(function (b) { return b.value !== null; });
  var horizontal = small;
  var barScales = horizontal
    ? { x: valueAxis(), y: categoryAxis(data.category_title) }
    : { x: categoryAxis(data.category_title), y: valueAxis() };
  window.lxBarChart = new Chart(document.getElementById("bar-chart"), {
    type: "bar",
    data: {
      labels: bars.map(function (b) { return b.name; }),
      datasets: [{
        label: data.label,
        data: bars.map(function (b) { return b.value; }),
        backgroundColor: bars.map(function (b) { return b.colour; }),
        borderColor: bars.map(function (b) { return b.colour; })
      }]
    },
    options: {
      indexAxis: horizontal ? "y" : "x", responsive: true, maintainAspectRatio: false, animation: false,
      layout: { padding: horizontal ? { right: 48 } : { top: 20 } },
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { label: function (c) { return show(c.raw); } } },
        lxValueLabels: { display: true }
      },
      scales: barScales
    },
    plugins: [valueLabels]
  });

  var trendAxis = valueAxis();
  window.lxTrendChart = new Chart(document.getElementById("trend-chart"), {
    type: "line",
    data: {
      labels: data.periods,
      datasets: data.lines.map(function (l) {
        return { label: l.name, data: l.values, borderColor: l.colour, backgroundColor: l.colour,
                 spanGaps: false, tension: 0.2, pointRadius: 3 };
      })
    },
    options: {
      responsive: true, maintainAspectRatio: false, animation: false,
      layout: { padding: { right: 56, top: 12 } },
      plugins: {
        legend: { position: "bottom", labels: { boxWidth: 12 } },
        tooltip: { callbacks: { label: function (c) { return c.dataset.label + "：" + show(c.raw); } } },
        lxValueLabels: { display: true, lastOnly: true }
      },
      scales: { x: categoryAxis(data.period_title, true), y: trendAxis }
    },
    plugins: [valueLabels]
  });
})();
