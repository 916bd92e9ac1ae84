// The status page: polls /status and writes the figures into the page. Text only (textContent), never markup
// from the agent, so nothing a terminal sends can become script here.
"use strict";

const refreshMs = 2000;
const rateWindowSeconds = 10;
let history = [];
let updates = 0;

const $ = (id) => document.getElementById(id);
const number = (n) => (n === undefined || n === null) ? "–" : Number(n).toLocaleString("en-US");
const fixed = (n, digits) => (n === undefined || n === null) ? "–" : Number(n).toFixed(digits);
const set = (id, text) => { $(id).textContent = text; };

function duration(seconds) {
  const s = Math.floor(seconds);
  const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
  return d > 0 ? `${d}d ${h}h` : h > 0 ? `${h}h ${m}m` : m > 0 ? `${m}m ${s % 60}s` : `${s}s`;
}

function bytes(n) {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

function element(tag, text, className) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (className) e.className = className;
  return e;
}

function rows(tableId, items, cells) {
  const body = $(tableId).tBodies[0];
  body.replaceChildren(...items.map((item) => {
    const tr = document.createElement("tr");
    for (const [text, className] of cells(item)) tr.appendChild(element("td", text, className));
    return tr;
  }));
  if (items.length === 0) {
    const tr = document.createElement("tr");
    const td = element("td", "none", "muted");
    td.colSpan = $(tableId).tHead.rows[0].cells.length;
    tr.appendChild(td);
    body.appendChild(tr);
  }
}

function facts(listId, pairs) {
  $(listId).replaceChildren(...pairs.filter(([, v]) => v !== undefined && v !== null)
    .flatMap(([k, v, className]) => [element("dt", k), element("dd", String(v), className)]));
}

// A line over the last minutes, drawn here (no chart library: the page loads nothing but the agent's files). An
// interval without a value (no payment answered) breaks the line rather than drawing a zero.
const svgNs = "http://www.w3.org/2000/svg";
const chartWidth = 300, chartHeight = 60;

function chart(id, charts, value, digits) {
  const points = charts.points;
  const figure = $(id);
  const values = points.map(value);
  const known = values.filter((v) => v !== null && v !== undefined);
  const top = Math.max(...known, 0) || 1;
  const x = (i) => (values.length > 1 ? (i * chartWidth) / (values.length - 1) : chartWidth).toFixed(1);
  const y = (v) => (chartHeight - 2 - ((chartHeight - 4) * v) / top).toFixed(1);
  const lines = [];
  let run = [];
  values.forEach((v, i) => {
    if (v === null || v === undefined) { if (run.length) lines.push(run); run = []; return; }
    run.push(`${x(i)},${y(v)}`);
  });
  if (run.length) lines.push(run);
  const svg = figure.querySelector("svg");
  svg.replaceChildren(...lines.map((line) => {
    const shape = document.createElementNS(svgNs, line.length > 1 ? "polyline" : "circle");
    if (line.length > 1) {
      shape.setAttribute("points", line.join(" "));
    } else {
      const [cx, cy] = line[0].split(",");
      shape.setAttribute("cx", cx); shape.setAttribute("cy", cy); shape.setAttribute("r", "2");
    }
    return shape;
  }));
  figure.dataset.points = String(known.length);
  figure.dataset.top = String(known.length ? Math.max(...known) : 0);
  figure.querySelector(".latest").textContent = known.length ? fixed(known[known.length - 1], digits) : "–";
  const minutes = Math.round((points.length * charts.intervalSeconds) / 60);
  figure.querySelector(".scale").textContent = known.length
    ? `peak ${fixed(Math.max(...known), digits)} · last ${minutes >= 1 ? minutes + " min" : points.length + " points"}`
    : "no data yet";
}

function render(s) {
  const p = s.payments;
  set("version", s.version);
  set("mode", s.mode);
  set("uptime", duration(s.uptimeSeconds));
  const ready = $("readiness");
  ready.textContent = s.ready ? "ready" : "not ready";
  ready.className = "badge " + (s.ready ? "ok" : "bad");
  $("not-ready").hidden = s.ready;
  set("not-ready", s.notReady.join("; "));

  // Throughput over the last ten seconds or so, by the agent's clock: messages handled (scored, rejected,
  // duplicate) per second; shown once the polls span a second.
  const handled = p.scored + p.rejected + p.duplicates;
  history.push({ uptime: s.uptimeSeconds, handled });
  history = history.filter((h) => s.uptimeSeconds - h.uptime <= rateWindowSeconds);
  const first = history[0];
  const span = s.uptimeSeconds - first.uptime;
  set("throughput", span >= 1 ? fixed((handled - first.handled) / span, 1) : "–");
  set("received", number(p.received));
  set("scored", number(p.scored));
  set("rejected", number(p.rejected));
  set("duplicates", number(p.duplicates));
  set("in-flight", number(p.inFlight));
  const alerts = (p.decisions.review || 0) + (p.decisions.decline || 0);
  set("alert-rate", p.scored === 0 ? "–" : `${(100 * alerts / p.scored).toFixed(2)} %`);
  set("latency-p99", s.latencyMs.request ? fixed(s.latencyMs.request.p99, 3) : "–");

  const decisions = Object.entries(p.decisions);
  $("decisions").replaceChildren(...decisions.map(([name, count]) => {
    const bar = element("div", undefined, "bar");
    const track = element("div", undefined, "track");
    const fill = element("div", undefined, "fill " + name);
    fill.style.width = `${p.scored === 0 ? 0 : (100 * count / p.scored)}%`;
    track.appendChild(fill);
    bar.append(element("span", name), track, element("span", number(count), "count"));
    return bar;
  }));

  if (s.charts) {
    chart("chart-throughput", s.charts, (c) => c.throughput, 1);
    chart("chart-p99", s.charts, (c) => c.p99Ms, 3);
    chart("chart-alert-rate", s.charts, (c) => c.alertRate, 2);
  }

  const m = s.model;
  facts("model", m ? [
    ["model", `${m.name} ${m.version}`], ["kind", m.kind], ["provider", m.provider], ["why", m.providerReason],
    ["placement", m.placement], ["review at", m.reviewThreshold], ["decline at", m.declineThreshold],
    ["swaps", m.swaps], ["refused swaps", m.refusedSwaps],
    ["shadow", m.shadow ? `${m.shadow.model}: ${number(m.shadow.rows)} scored, ${(100 * m.shadow.agreement).toFixed(2)} % agree` : undefined],
  ] : [["model", s.mode === "echo" ? "none (echo agent)" : "not loaded"]]);

  set("ingest", `${s.ingest.transport}, ${s.ingest.connected ? "connected" : "not connected"}`);
  $("ingest").className = s.ingest.connected ? "ok" : "bad";
  const c = s.cloud;
  set("cloud-link", c ? (c.connected ? "connected" : "down, buffering") + (s.cloudTarget ? ` (${s.cloudTarget})` : "") : "no cloud configured");
  $("cloud-link").className = c ? (c.connected ? "ok" : "bad") : "muted";
  const f = s.fleet;
  set("fleet-link", f ? `${f.linkUp ? "up" : "down, scoring on local history"}; last profile ${f.profileAgeSeconds === null ? "none yet" : duration(f.profileAgeSeconds) + " ago"}; outbox ${number(f.outbox)}; ${number(f.fetchMisses)} first sights missed` : "no fleet configured");
  $("fleet-link").className = f ? (f.linkUp ? "ok" : "bad") : "muted";
  if (c) {
    const dropped = Object.values(c.dropped).reduce((sum, d) => sum + d.full + d.expired, 0);
    facts("buffer", [
      ["backlog", `${bytes(c.bytes)} of ${bytes(c.maxBytes)}`],
      ["unsent", Object.entries(c.unsent).map(([k, v]) => `${k} ${number(v)}`).join(", ")],
      ["oldest unsent", c.oldestUnsentAgeSeconds === null ? "nothing waits" : duration(c.oldestUnsentAgeSeconds)],
      ["last sync", c.lastSyncAt === null ? "never" : new Date(c.lastSyncAt).toLocaleString()],
      ["sent", Object.entries(c.sent).map(([k, v]) => `${k} ${number(v)}`).join(", ")],
      ["dropped", number(dropped), dropped > 0 ? "bad" : undefined],
      ["send failures", number(c.sendFailures)],
    ]);
  }

  rows("stages", Object.entries(s.latencyMs), ([name, l]) =>
    [[name], [number(l.count), "num"], [fixed(l.p50, 3), "num"], [fixed(l.p90, 3), "num"], [fixed(l.p99, 3), "num"], [fixed(l.max, 3), "num"]]);
  rows("rejection-codes", Object.entries(p.rejections).sort((a, b) => b[1] - a[1]), ([code, count]) => [[code], [number(count), "num"]]);
  rows("recent-rejections", s.recentRejections, (r) =>
    [[new Date(r.at).toLocaleTimeString()], [r.code], [r.store ?? "–"], [r.terminal ?? "–"]]);
  rows("instruments", Object.entries(s.instruments).flatMap(([name, i]) => i.series.map((x) => [name, i, x])), ([name, i, x]) =>
    [[name + (i.unit ? ` (${i.unit})` : "")], [Object.entries(x.tags).map(([k, v]) => `${k}=${v}`).join(", ") || "–"],
     [i.kind === "histogram" ? `${number(x.count)} measured` : fixed(x.value, 4), "num"]]);

  updates++;
  document.body.dataset.updates = String(updates);
  set("updated", new Date().toLocaleTimeString());
}

async function refresh() {
  try {
    const response = await fetch("/status", { cache: "no-store", credentials: "same-origin" });
    if (!response.ok) throw new Error(`status ${response.status}`);
    render(await response.json());
    $("offline").hidden = true;
  } catch {
    $("offline").hidden = false;
  } finally {
    setTimeout(refresh, refreshMs);
  }
}

refresh();
