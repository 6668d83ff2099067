/// The one page `precedent serve` answers at `/`: plain HTML, CSS and JavaScript, nothing
/// fetched from elsewhere. It draws the stream of `/ws` (docs/API.md): the heatmap of resting
/// size on a canvas (one pixel column per bucket, a ring buffer), levels, best quotes, trades, the
/// 5-second features of the nearest level, replay controls and the trigger panel.
enum Page {
    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Precedent</title>
<link rel="icon" href="data:,">
<style>
  body { margin: 0; background: #0d1117; color: #d0d7de; font: 13px/1.4 system-ui, sans-serif; }
  header { display: flex; gap: 12px; align-items: center; padding: 6px 10px; background: #161b22; flex-wrap: wrap; }
  header b { color: #fff; }
  button, select, input { background: #21262d; color: #d0d7de; border: 1px solid #30363d; border-radius: 4px; padding: 3px 8px; font: inherit; }
  button:hover { border-color: #8b949e; cursor: pointer; }
  #main { display: flex; gap: 10px; padding: 10px; }
  #chart { position: relative; width: 980px; height: 520px; }
  #chart canvas { position: absolute; left: 0; top: 0; }
  #side { width: 420px; }
  #lag { color: #f0883e; }
  #err { color: #ff7b72; }
  #livebadge { color: #3fb950; font-weight: bold; }
  #feed { color: #8b949e; }
  #gaplist div { padding: 1px 0; }
  .open { color: #f0883e; }
  .panel { background: #161b22; border: 1px solid #30363d; border-radius: 6px; padding: 8px; margin-bottom: 10px; }
  .panel h3 { margin: 0 0 6px; font-size: 13px; color: #fff; }
  table { border-collapse: collapse; width: 100%; }
  td, th { padding: 2px 4px; text-align: right; white-space: nowrap; }
  th { color: #8b949e; font-weight: normal; }
  td:first-child, th:first-child { text-align: left; }
  .bar { display: inline-block; height: 9px; vertical-align: middle; }
  .bid { background: #2f81f7; } .ask { background: #f85149; }
  .add { background: #3fb950; } .pull { background: #d29922; } .fill { background: #a371f7; }
  #triggers div { cursor: pointer; padding: 2px 4px; border-radius: 3px; }
  #triggers div:hover, #triggers div.sel { background: #21262d; }
  .missing { color: #6e7681; }
  a { color: #58a6ff; }
</style>
</head>
<body>
<header>
  <b id="title">Precedent</b>
  <span id="clock">–</span>
  <span id="livebadge" hidden>● live</span><span id="feed"></span>
  <span class="replay"><button id="play">pause</button></span>
  <label class="replay">speed <select id="speed"><option>1</option><option>2</option><option>5</option><option>10</option><option>20</option><option>50</option><option>100</option></select>×</label>
  <span class="replay"><label>jump to <input id="jump" size="8" placeholder="HH:MM:SS"></label> <button id="go">go</button></span>
  <span class="replay"><button id="next">next trigger</button></span>
  <span id="lag"></span><span id="err"></span>
</header>
<div id="main">
  <div>
    <div id="chart"><canvas id="heat" width="900" height="480"></canvas><canvas id="overlay" width="980" height="520"></canvas></div>
    <div class="panel" id="features"><h3>5-second features of the nearest level</h3><div id="feat" class="missing">no window yet</div></div>
  </div>
  <div id="side">
    <div class="panel"><h3>Triggers</h3><div id="triggers" class="missing">none yet</div></div>
    <div class="panel" id="gaps" hidden><h3>Feed gaps</h3><div id="gaplist"></div></div>
    <div class="panel" id="answer"><h3>Precedents</h3><div id="ans" class="missing">click a trigger</div></div>
  </div>
</div>
<script>
"use strict";
const W = 900, H = 480;                 // heatmap: one pixel column per bucket
const BG = [13, 17, 23];                // background (no resting size)
const GAP = [48, 54, 61];               // no book in that column: missing, not zero
const params = new URLSearchParams(location.search);
const token = params.get("token");
const view = window.precedentView = {
  meta: null, columns: [], levels: {}, triggers: [], gaps: [], lastWindow: null, lo: 0, hi: 0, clip: 1, dropped: 0, frames: 0,
  rowTop(tick) { return Math.floor((this.hi - tick) * H / (this.hi - this.lo + 1)); },
  rowBottom(tick) { return Math.floor((this.hi - tick + 1) * H / (this.hi - this.lo + 1)); },
  colX(i) { return W - this.columns.length + i; },
};
function withToken(path) {
  if (!token) return path;
  return path + (path.includes("?") ? "&" : "?") + "token=" + encodeURIComponent(token);
}
async function api(path, method) {
  const r = await fetch(withToken(path), { method: method || "GET" });
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || ("HTTP " + r.status));
  return body;
}
function localTime(ns) {
  if (!view.meta) return "";
  const d = new Date(Number(BigInt(ns) / 1000000n) + view.meta.utc_offset_s * 1000);
  return d.toISOString().slice(11, 19);
}
function fmt(x, digits) { return x === null || x === undefined ? "–" : Number(x).toFixed(digits); }

// ---- the stream
let ws = null;
function connect() {
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  ws = new WebSocket(withToken(proto + "//" + location.host + "/ws"));
  ws.onmessage = (e) => handle(JSON.parse(e.data));
  ws.onclose = () => { document.getElementById("err").textContent = "disconnected; reconnecting…"; setTimeout(connect, 1000); };
  ws.onopen = () => { document.getElementById("err").textContent = ""; };
}
function reset() {
  view.columns = []; view.levels = {}; view.triggers = []; view.gaps = []; view.lastWindow = null;
  listGaps();
  document.getElementById("triggers").textContent = "none yet";
  document.getElementById("triggers").className = "missing";
  dirty = true;
}
function handle(f) {
  view.frames++;
  switch (f.type) {
    case "reset": reset(); break;
    case "hello":
      reset(); view.meta = f;
      // A live feed has no replay controls.
      for (const el of document.querySelectorAll(".replay")) el.hidden = !!f.live;
      document.getElementById("livebadge").hidden = !f.live;
      document.getElementById("title").textContent = f.symbol + " " + f.contract + " · trade date " + f.date;
      showState(f);
      break;
    case "history": for (const g of f.frames) handle(g); break;
    case "column":
      view.columns.push(f);
      if (view.columns.length > W) view.columns.splice(0, view.columns.length - W);
      dirty = true; break;
    case "level":
      if (f.price !== null) view.levels[f.level_id] = f;
      dirty = true; break;
    case "window": view.lastWindow = f; featuresDirty = true; break;
    case "trigger": view.triggers.push(f); listTriggers(); break;
    case "outcome": {
      const t = view.triggers.find((x) => x.id === f.id);
      if (t) { t.label = f.label; t.outcome = f; listTriggers(); }
      break;
    }
    case "gap": case "notice": {
      // A gap closed replaces the entry of its opening (the same moment noticed).
      const i = f.type === "gap" ? view.gaps.findIndex((g) => g.type === "gap" && g.noticed === f.noticed) : -1;
      if (i >= 0) view.gaps[i] = f; else view.gaps.push(f);
      listGaps();
      break;
    }
    case "state": showState(f); break;
    case "lagging":
      view.dropped = f.dropped_total;
      document.getElementById("lag").textContent = "lagging: " + f.dropped_total + " columns dropped";
      break;
  }
}
function showState(s) {
  document.getElementById("play").textContent = s.playing ? "pause" : "play";
  document.getElementById("speed").value = String(Math.round(s.speed));
  document.getElementById("err").textContent = s.error || "";
  if (s.live && s.records !== undefined) document.getElementById("feed").textContent = s.records + " records · " + s.gaps + (s.gaps === 1 ? " gap" : " gaps");
  view.playing = s.playing;
  view.ended = s.ended;
}

// ---- drawing
let dirty = false, featuresDirty = false;
const heat = document.getElementById("heat").getContext("2d");
const over = document.getElementById("overlay").getContext("2d");
const image = heat.createImageData(W, H);
function percentile(values, p) {
  if (values.length === 0) return 1;
  values.sort((a, b) => a - b);
  return values[Math.min(values.length - 1, Math.floor(p * values.length))];
}
function draw() {
  const cols = view.columns;
  const px = image.data;
  for (let i = 0; i < px.length; i += 4) { px[i] = BG[0]; px[i + 1] = BG[1]; px[i + 2] = BG[2]; px[i + 3] = 255; }
  let lo = Infinity, hi = -Infinity;
  const sizes = [];
  for (const c of cols) {
    if (c.lo === null) continue;
    lo = Math.min(lo, c.lo); hi = Math.max(hi, c.lo + c.bid.length - 1);
    for (let k = 0; k < c.bid.length; k++) { if (c.bid[k] > 0) sizes.push(c.bid[k]); if (c.ask[k] > 0) sizes.push(c.ask[k]); }
  }
  if (lo === Infinity) { heat.putImageData(image, 0, 0); drawOverlay(); return; }
  view.lo = lo; view.hi = hi;
  view.clip = Math.max(1, percentile(sizes, 0.95));   // colour saturates at the visible 95th percentile
  const logClip = Math.log1p(view.clip);
  for (let i = 0; i < cols.length; i++) {
    const c = cols[i], x = view.colX(i);
    if (c.lo === null) { for (let y = 0; y < H; y++) { const o = (y * W + x) * 4; px[o] = GAP[0]; px[o + 1] = GAP[1]; px[o + 2] = GAP[2]; } continue; }
    for (let k = 0; k < c.bid.length; k++) {
      const b = c.bid[k], a = c.ask[k];
      if (b === 0 && a === 0) continue;
      const size = Math.max(b, a);
      const v = 0.3 + 0.7 * Math.min(1, Math.log1p(size) / logClip);
      const rgb = b >= a ? [40 * v, 130 * v + 20, 255 * v] : [255 * v, 80 * v + 10, 60 * v];
      const tick = c.lo + k, y0 = view.rowTop(tick), y1 = view.rowBottom(tick);
      for (let y = Math.max(0, y0); y < Math.min(H, y1); y++) {
        const o = (y * W + x) * 4; px[o] = rgb[0]; px[o + 1] = rgb[1]; px[o + 2] = rgb[2];
      }
    }
  }
  heat.putImageData(image, 0, 0);
  drawOverlay();
}
function yMid(tick) { return (view.rowTop(tick) + view.rowBottom(tick)) / 2; }
function drawOverlay() {
  over.clearRect(0, 0, 980, 520);
  const m = view.meta, cols = view.columns;
  if (!m || view.lo === view.hi && cols.length === 0) return;
  const tickNs = Number(m.tick_nanos);
  // best bid / ask traces and trades
  for (let i = 0; i < cols.length; i++) {
    const c = cols[i], x = view.colX(i);
    if (c.bb !== null) { over.fillStyle = "#9ecbff"; over.fillRect(x, yMid(c.bb) - 0.5, 1, 1.5); }
    if (c.ba !== null) { over.fillStyle = "#ffb199"; over.fillRect(x, yMid(c.ba) - 0.5, 1, 1.5); }
    for (const t of c.trades) {
      if (t[0] < view.lo || t[0] > view.hi) continue;
      over.fillStyle = t[2] === "B" ? "rgba(63,185,80,0.8)" : t[2] === "A" ? "rgba(248,81,73,0.8)" : "rgba(200,200,200,0.8)";
      over.beginPath(); over.arc(x, yMid(t[0]), Math.min(8, 1.5 + Math.sqrt(t[1]) / 2), 0, 2 * Math.PI); over.fill();
    }
  }
  // levels
  over.font = "11px system-ui"; over.lineWidth = 1;
  view.levelLines = [];
  for (const id in view.levels) {
    const l = view.levels[id], tick = Math.floor(Number(l.price) / tickNs);
    if (tick < view.lo || tick > view.hi) continue;
    const y = Math.round(yMid(tick)) + 0.5;
    view.levelLines.push({ id, tick, y });
    over.strokeStyle = "#e3b341"; over.setLineDash([6, 3]);
    over.beginPath(); over.moveTo(0, y); over.lineTo(W, y); over.stroke(); over.setLineDash([]);
    over.fillStyle = "#e3b341"; over.fillText(id, 4, y - 3);
  }
  // axes: prices on the right, times below
  over.fillStyle = "#8b949e";
  const rows = view.hi - view.lo + 1, every = Math.max(1, Math.ceil(rows / 12));
  for (let tick = view.lo; tick <= view.hi; tick++) {
    if (tick % every !== 0) continue;
    over.fillText((tick * tickNs / 1e9).toFixed(Math.max(0, Math.ceil(-Math.log10(tickNs / 1e9)))), W + 6, yMid(tick) + 4);
  }
  for (let i = cols.length - 1; i >= 0; i -= 120) {
    const x = view.colX(i);
    over.fillRect(x, H, 1, 4);
    over.fillText(localTime(cols[i].t), x - 24, H + 16);
  }
  if (cols.length) {
    document.getElementById("clock").textContent = localTime(cols[cols.length - 1].t) + " " + m.time_zone + (view.ended ? " (ended)" : "");
  }
}
function features() {
  const el = document.getElementById("feat"), w = view.lastWindow;
  if (!w || !view.meta) return;
  const cols = view.columns, last = cols[cols.length - 1];
  let best = null;
  for (const r of w.rows) {
    if (r.u_x_mid === null) continue;
    if (!best || Math.abs(r.u_x_mid) < Math.abs(best.u_x_mid)) best = r;
  }
  if (!best) { el.className = "missing"; el.textContent = "no two-sided book in the last window: features missing"; return; }
  const f = best.u_x_mid < 0 ? "u" : "f";   // below the level: approaching up
  const zones = [["beyond_near", "beyond near"], ["beyond_at", "beyond at"], ["approach_at", "approach at"], ["approach_near", "approach near"]];
  let max = 1;
  for (const [z] of zones) for (const s of ["bid", "ask"]) for (const q of ["depth", "added", "pulled", "filled"]) max = Math.max(max, best[f + "_" + z + "_" + s + "_" + q] || 0);
  const bar = (v, cls) => v === null ? "<span class=missing>–</span>" : '<span class="bar ' + cls + '" style="width:' + Math.round(60 * v / max) + 'px"></span> ' + v;
  let html = "<div>" + best.level_id + " " + (best.level_price / 1e9) + " · " + (f === "u" ? "from below" : "from above") + " · mid " + fmt(best[f + "_x_mid"], 1) + " ticks · window " + localTime(best.window_start) + "</div><table><tr><th>zone</th><th>bid depth</th><th>ask depth</th><th>added</th><th>pulled</th><th>filled</th></tr>";
  for (const [z, name] of zones) {
    const g = (s, q) => best[f + "_" + z + "_" + s + "_" + q];
    html += "<tr><td>" + name + "</td><td>" + bar(g("bid", "depth"), "bid") + "</td><td>" + bar(g("ask", "depth"), "ask") + "</td><td>" + bar(g("bid", "added") + g("ask", "added"), "add") + "</td><td>" + bar(g("bid", "pulled") + g("ask", "pulled"), "pull") + "</td><td>" + bar(g("bid", "filled") + g("ask", "filled"), "fill") + "</td></tr>";
  }
  const ofi = best[f + "_ofi"];
  html += "</table><div>order-flow imbalance " + (ofi === null ? "<span class=missing>missing (one-sided book)</span>" : ofi) + " · volume " + best.volume + "</div>";
  el.className = ""; el.innerHTML = html;
}
// The live feed's gap log: each gap from the last record before it to the first after (market
// time), why, and how it was closed; notices (slow reader, unresolved symbols) as they came.
function listGaps() {
  const box = document.getElementById("gaps"), el = document.getElementById("gaplist");
  box.hidden = view.gaps.length === 0;
  el.innerHTML = "";
  for (const g of view.gaps.slice(-20)) {
    const d = document.createElement("div");
    if (g.type === "notice") {
      d.textContent = "notice: " + g.text;
    } else {
      const from = g.from === null ? "start" : localTime(g.from), to = g.to === null ? "…" : localTime(g.to);
      d.textContent = from + " → " + to + " · " + g.reason + " · " + (g.closed_by === "open" ? "open" : "closed by " + g.closed_by)
        + (g.dropped ? " (" + g.dropped + " replayed records dropped)" : "");
      if (g.closed_by === "open") d.className = "open";
    }
    el.appendChild(d);
  }
}
function listTriggers() {
  const el = document.getElementById("triggers");
  el.className = "";
  el.innerHTML = "";
  for (const t of view.triggers) {
    const d = document.createElement("div");
    d.dataset.id = t.id;
    d.textContent = t.time_local.slice(11) + "  " + t.level_id + " " + t.direction + (t.label ? " → " + t.label : "") + (t.answer ? "" : " (no answer)");
    d.onclick = () => { showAnswer(t); for (const x of el.children) x.classList.toggle("sel", x === d); };
    el.appendChild(d);
  }
}
function showAnswer(t) {
  const el = document.getElementById("ans"), a = t.answer;
  el.dataset.id = t.id;
  if (!a) { el.className = "missing"; el.textContent = "no precedents: " + (t.vector_reason || "no index in the lake"); return; }
  el.className = "";
  let html = "<div>" + a.level + " " + a.level_price + " " + a.direction + " at " + a.trigger_time_local + "</div>";
  html += "<div><span id=eligible>" + a.eligible_precedents + "</span> precedents complete before; <span id=neighbours>" + a.neighbours + "</span> nearest (k = " + a.k + ")</div>";
  html += "<table><tr><th>outcome</th><th>n</th><th>share</th><th>95% Wilson</th><th>base rate (n=" + a.base_rate_n + ")</th></tr>";
  for (const o of a.outcomes) {
    html += "<tr data-outcome='" + o.outcome + "'><td>" + o.outcome + "</td><td class=count>" + o.count + "</td><td>" + fmt(o.share, 2) + "</td><td>" + (o.wilson95 ? fmt(o.wilson95[0], 2) + "–" + fmt(o.wilson95[1], 2) : "–") + "</td><td>" + fmt(o.base_rate, 2) + "</td></tr>";
  }
  html += "</table><h3 style='margin-top:8px'>nearest</h3><table><tr><th>date</th><th>time</th><th>dist</th><th>label</th><th>MFE</th><th>MAE</th></tr>";
  for (const n of a.nearest.slice(0, 15)) {
    const q = new URLSearchParams({ symbol: a.symbol, date: n.date, time: n.time.slice(11) });
    if (token) q.set("token", token);
    html += "<tr><td><a href='/?" + q + "'>" + n.date + "</a></td><td>" + n.time.slice(11) + "</td><td>" + fmt(n.distance, 2) + "</td><td>" + n.label + "</td><td>" + n.mfe_ticks + "</td><td>" + n.mae_ticks + "</td></tr>";
  }
  html += "</table>";
  for (const w of a.warnings) html += "<div class=missing>" + w + "</div>";
  el.innerHTML = html;
}

// ---- controls (the replay clock is the server's: every viewer sees the same)
function control(q) { return api("/api/replay?" + new URLSearchParams(q), "POST").catch((e) => { document.getElementById("err").textContent = e.message; }); }
document.getElementById("play").onclick = () => control({ action: view.playing ? "pause" : "play" });
document.getElementById("speed").onchange = (e) => control({ action: "speed", speed: e.target.value });
document.getElementById("go").onclick = () => control({ action: "seek", time: document.getElementById("jump").value });
document.getElementById("next").onclick = () => control({ action: "next_trigger" });

setInterval(() => {
  if (dirty) { dirty = false; draw(); }
  if (featuresDirty) { featuresDirty = false; features(); }
}, 100);
(async () => {
  // A precedent's link opens the view at its own date and time.
  if (params.get("symbol") && params.get("date")) {
    const q = { action: "load", symbol: params.get("symbol"), date: params.get("date") };
    if (params.get("time")) q.time = params.get("time");
    await control(q);
  }
  connect();
})();
</script>
</body>
</html>
"""#
}
