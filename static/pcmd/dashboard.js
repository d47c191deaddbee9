// Dashboards: the indicator's monthly trend (Chart.js) with target and forecast, and the chart/table toggle.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-dash-view]").forEach(function (button) {
    button.addEventListener("click", function () {
      const table = button.dataset.dashView === "table";
      document.getElementById("trend-table-box").classList.toggle("d-none", !table);
      document.getElementById("trend-chart-box").classList.toggle("d-none", table);
      document.querySelectorAll("[data-dash-view]").forEach(function (b) { b.classList.toggle("active", b === button); });
    });
  });
  const canvas = document.getElementById("trend-chart");
  const source = document.getElementById("trend-data");
  if (!canvas || !source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const percent = data.metric === "percent";
  const datasets = [];
  if (!percent) {
    datasets.push({type: "bar", label: "Trong tháng", data: data.monthly, backgroundColor: "rgba(13,110,253,0.35)"});
  }
  datasets.push({type: "line", label: percent ? "Tỷ lệ lũy kế (%)" : "Lũy kế", data: data.cumulative,
                 borderColor: "#0d6efd", spanGaps: false, tension: 0.2});
  if (data.target !== null) {
    datasets.push({type: "line", label: "Chỉ tiêu", data: data.labels.map(function () { return data.target; }),
                   borderColor: "#dc3545", borderDash: [6, 4], pointRadius: 0});
  }
  if (data.forecast) {
    // From the last observed month to December: expected, and the 80% interval at year end.
    let last = -1;
    data.cumulative.forEach(function (v, i) { if (v !== null) last = i; });
    const line = function (end) {
      return data.labels.map(function (_l, i) {
        if (i < last) return null;
        if (i === last) return data.cumulative[last];
        return last < 0 ? null : data.cumulative[last] + (end - data.cumulative[last]) * (i - last) / (11 - last);
      });
    };
    datasets.push({type: "line", label: "Dự báo", data: line(data.forecast.expected), borderColor: "#6c757d",
                   borderDash: [2, 3], pointRadius: 0});
    datasets.push({type: "line", label: "Khoảng dự báo 80% (thấp)", data: line(data.forecast.low),
                   borderColor: "rgba(108,117,125,0.4)", pointRadius: 0, fill: false});
    datasets.push({type: "line", label: "Khoảng dự báo 80% (cao)", data: line(data.forecast.high),
                   borderColor: "rgba(108,117,125,0.4)", backgroundColor: "rgba(108,117,125,0.12)",
                   pointRadius: 0, fill: "-1"});
  }
  new Chart(canvas, {
    data: {labels: data.labels, datasets: datasets},
    options: {scales: {y: percent ? {beginAtZero: true, max: 100} : {beginAtZero: true}},
              plugins: {legend: {position: "bottom"}}},
  });
});
