// Small SVG charts, drawn from data, labelled for screen readers. Each returns a <figure>.
import { h, svg } from "./dom.js";

const WIDTH = 640;

function figure(title, description, drawing, table) {
  return h("figure", { class: "chart" },
    h("figcaption", { text: title }),
    drawing,
    // The same numbers as a table, for screen readers and for copying.
    h("details", { class: "chart-data" }, h("summary", { text: "Show the numbers" }), table),
    description ? h("p", { class: "sr-only", text: description }) : null);
}

function dataTable(rows, headers) {
  return h("table", { class: "compact" },
    h("thead", {}, h("tr", {}, headers.map((header) => h("th", { scope: "col", text: header })))),
    h("tbody", {}, rows.map((row) => h("tr", {}, row.map((cell) => h("td", { text: String(cell) }))))));
}

// Horizontal bars: [{label, value, className?}] (one series) or stacked [{label, parts: [{value, className, name}]}].
export function barChart(title, rows, { unit = "", legend } = {}) {
  const rowHeight = 30;
  const labelWidth = 170;
  const height = rows.length * rowHeight + 8;
  const totals = rows.map((row) => row.parts ? row.parts.reduce((sum, part) => sum + part.value, 0) : row.value);
  const max = Math.max(1, ...totals);
  const plotWidth = WIDTH - labelWidth - 70;
  const drawing = svg("svg", { viewBox: `0 0 ${WIDTH} ${height}`, role: "img", "aria-label": title, class: "bars" },
    rows.map((row, index) => {
      const y = index * rowHeight + 4;
      let x = labelWidth;
      const parts = row.parts || [{ value: row.value, className: row.className, name: row.label }];
      return svg("g", {},
        svg("text", { x: labelWidth - 8, y: y + 17, "text-anchor": "end", class: "label", text: row.label }),
        parts.map((part) => {
          const width = (part.value / max) * plotWidth;
          const rect = svg("rect", { x, y, width: Math.max(width, part.value ? 2 : 0), height: rowHeight - 10, rx: 3,
            class: part.className || "bar" }, svg("title", { text: `${part.name || row.label}: ${part.value}${unit}` }));
          x += width;
          return rect;
        }),
        svg("text", { x: x + 6, y: y + 17, class: "value", text: `${totals[index].toLocaleString()}${unit}` }));
    }));
  const headers = rows[0]?.parts ? ["", ...rows[0].parts.map((part) => part.name)] : ["", "count"];
  const table = dataTable(rows.map((row) => [row.label, ...(row.parts ? row.parts.map((p) => p.value) : [row.value])]), headers);
  const figureElement = figure(title, null, drawing, table);
  if (legend) figureElement.insertBefore(legendList(legend), figureElement.querySelector("details"));
  return figureElement;
}

function legendList(items) {
  return h("ul", { class: "legend" }, items.map(([className, label]) =>
    h("li", {}, h("span", { class: ["swatch", className], "aria-hidden": "true" }), label)));
}

// Columns over time: [{label, value}] with a light axis.
export function columnChart(title, points, { yLabel = "" } = {}) {
  const height = 200;
  const bottom = 28;
  const left = 36;
  const max = Math.max(1, ...points.map((point) => point.value));
  const step = (WIDTH - left - 8) / Math.max(1, points.length);
  const scale = (value) => ((height - bottom - 10) * value) / max;
  const ticks = [0, Math.round(max / 2), max].filter((tick, index, all) => all.indexOf(tick) === index);
  const drawing = svg("svg", { viewBox: `0 0 ${WIDTH} ${height}`, role: "img", "aria-label": title, class: "columns" },
    ticks.map((tick) => {
      const y = height - bottom - scale(tick);
      return svg("g", {}, svg("line", { x1: left, x2: WIDTH, y1: y, y2: y, class: "grid" }),
        svg("text", { x: left - 6, y: y + 4, "text-anchor": "end", class: "tick", text: tick }));
    }),
    points.map((point, index) => {
      const barHeight = scale(point.value);
      const x = left + index * step + 2;
      return svg("g", {},
        svg("rect", { x, y: height - bottom - barHeight, width: Math.max(1, step - 4), height: barHeight, rx: 2, class: "bar" },
          svg("title", { text: `${point.label}: ${point.value}` })),
        index % Math.ceil(points.length / 8) === 0
          ? svg("text", { x: x + step / 2, y: height - 8, "text-anchor": "middle", class: "tick", text: point.short || point.label }) : null);
    }),
    yLabel ? svg("text", { x: 4, y: 12, class: "tick", text: yLabel }) : null);
  return figure(title, null, drawing, dataTable(points.map((point) => [point.label, point.value]), ["", "count"]));
}

// One big number with a caption; `tone` colours it.
export function stat(label, value, { tone, hint } = {}) {
  return h("div", { class: ["stat", tone] }, h("span", { class: "stat-value", text: value }),
    h("span", { class: "stat-label", text: label }), hint ? h("span", { class: "stat-hint", text: hint }) : null);
}
