// Coverage page: a bar chart of the share of operating establishments inspected, per unit.
document.addEventListener("DOMContentLoaded", function () {
  const canvas = document.getElementById("coverage-chart");
  const source = document.getElementById("coverage-data");
  if (!canvas || !source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "bar",
    data: {labels: data.labels, datasets: [{label: "Tỷ lệ cơ sở được kiểm tra (%)", data: data.values}]},
    options: {scales: {y: {beginAtZero: true, max: 100}}, plugins: {legend: {display: false}}},
  });
});
