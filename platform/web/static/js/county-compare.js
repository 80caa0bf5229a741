/* The county comparison's charts, drawn with the locally served Chart.js. */
(function () {
  if (!window.Chart) { return; }
  var source = document.getElementById("chart-data");
  if (!source) { return; }
  var data = JSON.parse(source.textContent);
  var palette = ["#b71c1c", "#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#5d4037", "#ad1457"];
  var suffix = data.kind === "rate" ? "%" : (data.kind === "days" ? "天" : "");
  var small = window.matchMedia("(max-width: 600px)").matches;
  Chart.defaults.font.size = small ? 11 : 13;
  var bars = data.bars.filter(function (b) { return b.value !== null; });
  window.lxBarChart = new Chart(document.getElementById("bar-chart"), {
    type: "bar",
    data: {
      labels: bars.map(function (b) { return b.name; }),
      datasets: [{ label: data.label, data: bars.map(function (b) { return b.value; }), backgroundColor: "#b71c1c" }]
    },
    options: {
      indexAxis: small ? "y" : "x", responsive: true, maintainAspectRatio: false, animation: false,
      plugins: { legend: { display: false }, tooltip: { callbacks: { label: function (c) { return c.formattedValue + suffix; } } } },
      scales: small ? { x: { beginAtZero: true } } : { y: { beginAtZero: true } }
    }
  });
  window.lxTrendChart = new Chart(document.getElementById("trend-chart"), {
    type: "line",
    data: {
      labels: data.periods,
      datasets: data.lines.map(function (l, i) {
        return { label: l.name, data: l.values, borderColor: palette[i % palette.length],
                 backgroundColor: palette[i % palette.length], spanGaps: false, tension: 0.2 };
      })
    },
    options: {
      responsive: true, maintainAspectRatio: false, animation: false,
      plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
      scales: { y: { beginAtZero: true } }
    }
  });
})();
