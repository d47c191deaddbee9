// Doughnut of communes by plan status: <canvas data-coverage="ID"> reads {labels, values} from the JSON script ID.
document.addEventListener("DOMContentLoaded", function () {
  if (typeof Chart === "undefined") { return; }
  document.querySelectorAll("canvas[data-coverage]").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.coverage);
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    new Chart(canvas, {
      type: "doughnut",
      data: {
        labels: data.labels,
        datasets: [{ data: data.values, backgroundColor: ["#198754", "#ffc107", "#dee2e6"] }]
      },
      options: { responsive: true, maintainAspectRatio: false, animation: false,
                 plugins: { legend: { position: "bottom" } } }
    });
  });
});
