// The dashboard: polls /api/snapshot and draws its report and history as tables and plain SVG.
"use strict";

const SVG_NS = "http://www.w3.org/2000/svg";
const COLORS = [
  "#1565c0", "#2e7d32", "#c62828", "#6a1b9a", "#ef6c00", "#00838f", "#5d4037",
  "#ad1457", "#9e9d24", "#283593", "#00897b", "#f9a825", "#546e7a", "#d84315",
];
let prefix = "";

const short = (name) => (prefix && name.startsWith(prefix) ? name.slice(prefix.length) : name);

function fmt(value, digits = 1) {
  if (value === null || value === undefined) return "-";
  return Number(value).toLocaleString("en", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function duration(seconds) {
  if (seconds === null || seconds === undefined) return "-";
  const s = Math.floor(seconds), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
  return h ? `${h}h${String(m).padStart(2, "0")}m` : `${m}m${String(s % 60).padStart(2, "0")}s`;
}

function el(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

// One line per series over time; each polyline carries its data for whoever reads the page.
function lineChart(container, points, values, names) {
  // drawn at the container's own width, so text keeps its shape
  const width = Math.max(300, container.clientWidth), height = 220, left = 48, bottom = 20, top = 8;
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, width, height });
  const times = points.map((p) => p.t);
  const t0 = Math.min(...times), t1 = Math.max(...times, t0 + 1);
  let max = 0;
  for (const p of points) for (const n of names) max = Math.max(max, values(p)[n] || 0);
  const ceiling = max > 0 ? max * 1.1 : 1;
  const x = (t) => left + ((t - t0) / (t1 - t0)) * (width - left - 4);
  const y = (v) => top + (1 - v / ceiling) * (height - top - bottom);
  chart.append(svg("line", { class: "axis", x1: left, y1: y(0), x2: width, y2: y(0) }));
  chart.append(svg("line", { class: "axis", x1: left, y1: top, x2: left, y2: y(0) }));
  chart.append(svg("text", { x: 2, y: top + 10 }, fmt(ceiling)));
  chart.append(svg("text", { x: 2, y: y(0) }, "0"));
  chart.append(svg("text", { x: width - 4, y: height - 4, "text-anchor": "end" }, `last ${Math.round(t1 - t0)} s`));
  const legend = el("div", { class: "legend" });
  names.forEach((name, i) => {
    const color = COLORS[i % COLORS.length];
    const series = points.map((p) => values(p)[name] || 0);
    const line = svg("polyline", {
      stroke: color,
      points: points.map((p, j) => `${x(p.t).toFixed(1)},${y(series[j]).toFixed(1)}`).join(" "),
      "data-series": name,
      "data-points": series.length,
      "data-max": Math.max(0, ...series),
      "data-last": series.length ? series[series.length - 1] : 0,
    });
    chart.append(line);
    const key = el("span", { "data-series": name }, short(name));
    key.style.setProperty("--c", color);
    legend.append(key);
  });
  container.replaceChildren(chart, legend);
}

function fillTable(id, rows, toCells, keyOf) {
  const body = document.querySelector(`#${id} tbody`);
  body.replaceChildren(
    ...rows.map((row) => {
      const tr = el("tr", keyOf(row));
      for (const [field, text, numeric] of toCells(row)) {
        tr.append(el("td", { "data-field": field, class: numeric ? "n" : "" }, text));
      }
      return tr;
    }),
  );
}

function timelineChart(timeline, width) {
  const height = 70, pad = 16;
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, width, height });
  const times = timeline.entries.map((e) => Date.parse(e.stated_at));
  const t0 = Math.min(...times), t1 = Math.max(...times, t0 + 86400000);
  const x = (t) => pad + ((t - t0) / (t1 - t0)) * (width - 2 * pad);
  chart.append(svg("line", { class: "axis", x1: pad, y1: 30, x2: width - pad, y2: 30 }));
  timeline.entries.forEach((entry, i) => {
    const dot = svg("circle", { cx: x(times[i]), cy: 30, r: entry.change ? 8 : 5, class: `dot-${entry.stance}` });
    dot.append(svg("title", {}, `${entry.stated_at} ${entry.speaker} ${entry.cue} (${entry.stance}): ${entry.text}`));
    chart.append(dot);
    if (entry.change) {
      const at = x(times[i]);
      const anchor = at < width / 4 ? "start" : at > (3 * width) / 4 ? "end" : "middle";
      chart.append(svg("text", { x: at, y: 60, "text-anchor": anchor }, `${entry.stated_at} ${entry.stance}`));
    }
  });
  return chart;
}

function drawTimelines(timelines) {
  const box = document.getElementById("timelines");
  if (!timelines.length) {
    box.replaceChildren(el("p", {}, "No stance has changed on any proposition yet."));
    return;
  }
  box.replaceChildren(
    ...timelines.map((t) => {
      const div = el("div", {
        class: "timeline",
        "data-story": t.story_id,
        "data-proposition": t.proposition_id,
        "data-stances": t.stances.join(","),
      });
      div.append(el("strong", {}, `story ${t.story_id.slice(0, 12)} (${t.story_articles} articles): ${t.stances.join(" → ")}`));
      div.append(timelineChart(t, Math.max(300, box.clientWidth)));
      const list = el("ol");
      for (const e of t.entries) {
        const item = el("li", {
          class: `entry stance-${e.stance}`,
          "data-stance": e.stance,
          "data-stated-at": e.stated_at,
          "data-change": String(e.change),
        });
        item.textContent = `${e.stated_at} — ${e.speaker} ${e.cue} (${e.stance}${e.change ? ", stance change" : ""}): ${e.text}`;
        list.append(item);
      }
      div.append(list);
      return div;
    }),
  );
}

function draw(data) {
  prefix = data.prefix;
  const report = data.report;
  const status = document.getElementById("status");
  status.dataset.updated = String(report.taken_at);
  status.dataset.workersAlive = String(report.workers_alive);
  status.textContent =
    `${data.bootstrap}${prefix ? ` prefix ${prefix}` : ""} · ${new Date(report.taken_at * 1000).toLocaleTimeString()}` +
    ` · workers alive ${report.workers_alive}/${report.workers.length}` +
    (report.kafka_error ? ` · Kafka: ${report.kafka_error}` : "");
  status.className = report.kafka_error ? "error" : "";

  const topics = report.topics.map((t) => t.topic);
  const active = topics.filter((name) => data.history.some((p) => (p.produced[name] || 0) > 0));
  lineChart(document.getElementById("throughput"), data.history, (p) => p.produced, active);
  lineChart(document.getElementById("lag"), data.history, (p) => p.lag, report.groups.map((g) => g.group));

  fillTable("topics", report.topics.filter((t) => t.end > 0),
    (t) => [["topic", short(t.topic)], ["end", fmt(t.end, 0), true], ["produced", fmt(t.produced_per_s), true], ["consumed", fmt(t.consumed_per_s), true]],
    (t) => ({ "data-topic": short(t.topic) }));
  fillTable("lag-table", report.groups,
    (g) => [["group", short(g.group)], ["state", g.state.toLowerCase()], ["members", String(g.members), true], ["lag", fmt(g.lag, 0), true]],
    (g) => ({ "data-group": short(g.group) }));
  fillTable("counts", report.counts,
    (c) => [["name", c.name], ["total", fmt(c.total, 0), true], ["per_s", fmt(c.per_s), true]],
    (c) => ({ "data-count": c.name }));
  fillTable("dead-letters", report.results.dead_letters,
    (d) => [["stage", d.stage], ["reason", d.reason], ["count", fmt(d.count, 0), true]],
    (d) => ({ "data-stage": d.stage, "data-reason": d.reason }));
  fillTable("workers", report.workers,
    (w) => [["target", w.target], ["state", w.up ? "alive" : `down: ${w.error || ""}`], ["uptime", duration(w.uptime_s), true]],
    (w) => ({ "data-target": w.target, class: w.up ? "alive" : "down" }));
  drawTimelines(report.results.timelines);
}

async function tick() {
  let interval = 2;
  try {
    const response = await fetch("/api/snapshot", { cache: "no-store" });
    const data = await response.json();
    interval = data.interval_s;
    if (data.report) draw(data);
  } catch (error) {
    const status = document.getElementById("status");
    status.textContent = `the dashboard server does not answer (${error})`;
    status.className = "error";
  }
  setTimeout(tick, interval * 1000);
}

tick();
