// The outreach overview chart: activities per month (bars) and people reached (line, right axis).
document.addEventListener("DOMContentLoaded", function () {
  if (typeof Chart === "undefined") { return; }
  var canvas = document.querySelector("canvas[data-outreach-chart]");
  var source = canvas && document.getElementById(canvas.dataset.outreachChart);
  if (!source) { return; }
  var data = JSON.parse(source.textContent);
  data.datasets[0].backgroundColor = "#0d6efd";
  data.datasets[1].borderColor = "#198754";
  data.datasets[1].backgroundColor = "#198754";
  new Chart(canvas, {
    data: data,
    options: {
      responsive: true, maintainAspectRatio: false,
      scales: {
        y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: "Hoạt động" } },
        y1: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false },
              title: { display: true, text: "Người được tiếp cận" } }
      },
      plugins: { legend: { position: "bottom" } }
    }
  });
});
