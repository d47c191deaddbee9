// Bar charts for the statistics pages: <canvas data-chart="ID"> reads its data from <script id="ID" type="application/json">.
document.addEventListener("DOMContentLoaded", function () {
  if (typeof Chart === "undefined") { return; }
  var palette = ["#0d6efd", "#198754", "#dc3545", "#fd7e14", "#6f42c1", "#20c997"];
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    data.datasets.forEach(function (set, i) { set.backgroundColor = set.backgroundColor || palette[i % palette.length]; });
    new Chart(canvas, {
      type: canvas.dataset.chartType || "bar",
      data: data,
      options: {
        responsive: true, maintainAspectRatio: false,
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { position: "bottom" } }
      }
    });
  });
});
