// The access review's bar chart: reads of support records per day (data from the page's json_script).
document.addEventListener("DOMContentLoaded", function () {
  const canvas = document.getElementById("reads-chart");
  const source = document.getElementById("reads-data");
  if (!canvas || !source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "bar",
    data: {labels: data.labels, datasets: [{label: "Lượt truy cập", data: data.counts,
                                            backgroundColor: "rgba(13,110,253,0.45)"}]},
    options: {scales: {y: {beginAtZero: true, ticks: {precision: 0}}}, plugins: {legend: {display: false}}},
  });
});
