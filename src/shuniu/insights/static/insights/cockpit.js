// Draws the cockpit's charts from the json_script data (CSP: no inline scripts). Each bar, point and
// referral arrow links to the list behind it, already filtered; its numbers are also in the table below.
(function () {
  "use strict";
  var source = document.getElementById("insights-charts");
  if (!source || !window.echarts) {
    return;
  }
  var charts = JSON.parse(source.textContent);
  var palette = ["#206bc4", "#f59f00", "#2fb344", "#d63939", "#ae3ec9", "#0ca678", "#4263eb"];
  var instances = [];

  function axisChart(data, stacked) {
    var horizontal = data.categories.length > 6 && data.kind !== "line";
    var category = {
      type: "category",
      data: data.categories,
      axisLabel: horizontal ? { interval: 0, width: 140, overflow: "truncate" } : { hideOverlap: true, rotate: data.categories.length > 6 ? 30 : 0 },
    };
    var value = { type: "value", minInterval: 1 };
    return {
      color: palette,
      tooltip: { trigger: "axis" },
      legend: data.series.length > 1 ? { top: 0 } : undefined,
      grid: { left: 8, right: 16, top: data.series.length > 1 ? 32 : 12, bottom: 8, containLabel: true },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? Object.assign({}, category, { inverse: true }) : value,
      series: data.series.map(function (series) {
        return {
          name: series.name,
          type: data.kind === "line" ? "line" : "bar",
          stack: stacked ? "total" : undefined,
          data: series.data,
          smooth: data.kind === "line",
        };
      }),
    };
  }

  function graphChart(data) {
    return {
      color: palette,
      tooltip: {},
      series: [
        {
          type: "graph",
          layout: "circular",
          roam: false,
          label: { show: true, position: "right" },
          edgeSymbol: ["none", "arrow"],
          edgeSymbolSize: 8,
          data: data.nodes.map(function (name) { return { name: name, symbolSize: 18 }; }),
          links: data.links.map(function (link) {
            return { source: link.source, target: link.target, value: link.value, lineStyle: { width: Math.min(1 + link.value, 8), curveness: 0.2 } };
          }),
        },
      ],
    };
  }

  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var data = charts[element.getAttribute("data-chart")];
    if (!data) {
      return;
    }
    if (data.kind !== "graph" && data.kind !== "line" && data.categories.length > 6) {
      // Horizontal bars: give each row room for its label.
      element.style.height = Math.max(300, 28 * data.categories.length + 60) + "px";
    }
    var chart = window.echarts.init(element);
    // Drawn (animations over): tests and screenshots wait for this instead of sleeping.
    chart.on("finished", function () { element.setAttribute("data-drawn", "true"); });
    chart.setOption(data.kind === "graph" ? graphChart(data) : axisChart(data, data.kind === "stacked"));
    var link = element.getAttribute("data-link");
    var targets = data.targets || [];
    if (link || targets.length) {
      // A bar, point or referral arrow opens the list behind that number, already filtered; the rest
      // of the chart opens the list behind the whole figure.
      chart.on("click", function (params) {
        var target = "";
        var isItem = data.kind === "graph" ? params.dataType === "edge" : params.componentType === "series";
        if (isItem && typeof params.dataIndex === "number") {
          target = targets[params.dataIndex] || "";
        }
        target = target || link;
        if (target) {
          window.location.href = target;
        }
      });
      element.classList.add("insights-chart-link");
    }
    instances.push(chart);
  });
  window.addEventListener("resize", function () {
    instances.forEach(function (chart) { chart.resize(); });
  });
})();
