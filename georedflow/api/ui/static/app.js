// georedflow's monitoring page: connections, recent jobs, and one job's flow drawn live.
// Every data call sends the token in X-Auth-Token; it never goes into a URL, which is
// why the event stream is read with fetch() and not EventSource (which cannot send headers).
"use strict";

const TOKEN_KEY = "georedflow.token";
const SVG_NS = "http://www.w3.org/2000/svg";
const LIST_SECONDS = 3;
const NODE_W = 200, NODE_H = 40, GAP_X = 18, GAP_Y = 30, PAD = 16, MAX_PER_ROW = 6;

// The five colours of the legend; the raw task state stays in data-task-state.
const SHOWN = {
  PENDING: "pending",
  RUNNING: "running",
  REVERTING: "running",
  SUCCESS: "done",
  FAILURE: "failed",
  REVERT_FAILURE: "failed",
  REVERTED: "reverted",
};

let selected = null;  // {id, abort: AbortController}

function $(selector) { return document.querySelector(selector); }

const SVG_TAGS = new Set(["g", "rect", "path", "text", "title", "marker", "defs"]);

function element(tag, attributes = {}, text = "") {
  const made = SVG_TAGS.has(tag) ? document.createElementNS(SVG_NS, tag)
    : document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) made.setAttribute(name, value);
  if (text) made.textContent = text;
  return made;
}

function say(message) { $("#status").textContent = message; }

function headers() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? { "X-Auth-Token": token } : {};
}

class HttpError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

async function call(path, options = {}) {
  const response = await fetch(path, { ...options, headers: headers() });
  if (response.status === 401) throw new HttpError("a valid Keystone token is needed", 401);
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    throw new HttpError(problem.detail || `${path}: HTTP ${response.status}`, response.status);
  }
  return response;
}

async function getJson(path) { return (await call(path)).json(); }

// ---- lists ---------------------------------------------------------------------------

let connectionNames = {};

function fillTable(selector, rows) {
  const body = $(`${selector} tbody`);
  body.replaceChildren(...rows);
}

function connectionRow(c) {
  const row = element("tr", { "data-connection": c.id, "data-state": c.state });
  for (const value of [c.name, c.state, c.scope, c.technology, c.mode]) {
    row.append(element("td", {}, value));
  }
  return row;
}

function jobRow(job) {
  const row = element("tr", { "data-job": job.id, "data-state": job.state });
  if (selected && selected.id === job.id) row.classList.add("selected");
  const cell = element("td");
  cell.append(element("code", {}, job.id.slice(0, 8)));
  const of = job.connection_id ? connectionNames[job.connection_id] || job.connection_id.slice(0, 8)
    : `site ${(job.site_id || "").slice(0, 8)}`;
  const bar = element("div", { class: "bar", title: `${Math.round(job.progress * 100)} %` });
  bar.append(element("span", { style: `width: ${job.progress * 100}%` }));
  const progress = element("td");
  progress.append(bar);
  row.append(cell, element("td", {}, job.kind), element("td", {}, of),
    element("td", {}, job.state), progress);
  row.addEventListener("click", () => select(job.id));
  return row;
}

async function refreshLists() {
  try {
    const [connections, jobs] = await Promise.all([
      getJson("/v1/connections?limit=1000"), getJson("/v1/jobs?limit=1000"),
    ]);
    connectionNames = Object.fromEntries(connections.connections.map((c) => [c.id, c.name]));
    fillTable("#connections", connections.connections.map(connectionRow));
    const recent = jobs.jobs.sort((a, b) => b.created_at.localeCompare(a.created_at)).slice(0, 30);
    fillTable("#jobs", recent.map(jobRow));
    say("");
  } catch (error) {
    say(error.message);
  }
}

// ---- the graph -----------------------------------------------------------------------

// Layers by longest path from a task with no predecessor: a task sits below everything
// it waits for. A wide layer is cut into rows (the local side first), since no edge joins
// two tasks of one layer.
const ROLE_ORDER = { local: 0, remote: 2 };
const roleOf = (task) => task.slice(task.lastIndexOf("-") + 1);

function layers(nodes, edges) {
  const before = new Map(nodes.map((n) => [n.task, []]));
  for (const e of edges) if (before.has(e.to)) before.get(e.to).push(e.from);
  const depth = new Map();
  const visit = (name) => {
    if (!depth.has(name)) {
      depth.set(name, 0);  // a guard should the graph ever hold a cycle
      depth.set(name, Math.max(0, ...before.get(name).filter((p) => before.has(p))
        .map((p) => visit(p) + 1)));
    }
    return depth.get(name);
  };
  const grouped = [];
  for (const n of nodes) (grouped[visit(n.task)] ||= []).push(n);
  const rows = [];
  for (const layer of grouped.filter(Boolean)) {
    layer.sort((a, b) => (ROLE_ORDER[roleOf(a.task)] ?? 1) - (ROLE_ORDER[roleOf(b.task)] ?? 1));
    const size = Math.ceil(layer.length / Math.ceil(layer.length / MAX_PER_ROW));
    for (let i = 0; i < layer.length; i += size) rows.push(layer.slice(i, i + size));
  }
  return rows;
}

function draw(graph) {
  const svg = $("#graph");
  const rows = layers(graph.nodes, graph.edges);
  const widest = Math.max(1, ...rows.map((r) => r.length));
  const width = PAD * 2 + widest * NODE_W + (widest - 1) * GAP_X;
  const height = PAD * 2 + rows.length * NODE_H + Math.max(0, rows.length - 1) * GAP_Y;
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("data-job", graph.job_id);
  const defs = element("defs");
  const marker = element("marker", {
    id: "arrow", viewBox: "0 0 10 10", refX: "10", refY: "5",
    markerWidth: "7", markerHeight: "7", orient: "auto-start-reverse",
  });
  marker.append(element("path", { d: "M 0 0 L 10 5 L 0 10 z", fill: "#98a2b3" }));
  defs.append(marker);

  const at = new Map();
  rows.forEach((row, depth) => {
    const offset = (width - (row.length * NODE_W + (row.length - 1) * GAP_X)) / 2;
    row.forEach((n, i) => at.set(n.task, {
      x: offset + i * (NODE_W + GAP_X), y: PAD + depth * (NODE_H + GAP_Y),
    }));
  });
  const edges = element("g", { class: "edges" });
  for (const e of graph.edges) {
    const a = at.get(e.from), b = at.get(e.to);
    if (!a || !b) continue;
    const x1 = a.x + NODE_W / 2, y1 = a.y + NODE_H, x2 = b.x + NODE_W / 2, y2 = b.y;
    const bend = (y2 - y1) / 2;
    edges.append(element("path", {
      class: "edge", "data-from": e.from, "data-to": e.to,
      d: `M ${x1} ${y1} C ${x1} ${y1 + bend}, ${x2} ${y2 - bend}, ${x2} ${y2}`,
    }));
  }
  const nodes = element("g", { class: "nodes" });
  for (const n of graph.nodes) {
    const { x, y } = at.get(n.task);
    const g = element("g", { class: "node", "data-task": n.task, transform: `translate(${x} ${y})` });
    g.append(element("rect", { width: NODE_W, height: NODE_H, rx: 6 }));
    const role = roleOf(n.task);
    const sided = role in ROLE_ORDER;
    g.append(element("text", { x: 10, y: 17 }, sided ? n.task.slice(0, -role.length - 1) : n.task));
    g.append(element("text", { x: 10, y: 32, class: "site" }, sided ? role : ""));
    g.dataset.role = sided ? role : "";
    g.append(element("title", {}, n.task));
    nodes.append(g);
    setTaskState(n.task, n.state, n.site, g, n.failed);
  }
  svg.replaceChildren(defs, edges, nodes);
}

function setTaskState(task, state, site = null, node = null, failed = false) {
  const g = node || $(`#graph .node[data-task="${CSS.escape(task)}"]`);
  if (!g) return;
  // A task that failed stays red while and after it is undone: its failure is the news.
  if (failed || SHOWN[state] === "failed") g.dataset.failed = "yes";
  if (state === "RUNNING") delete g.dataset.failed;  // a new run
  const undone = state === "REVERTING" || state === "REVERTED";
  g.setAttribute("data-task-state", state);
  g.setAttribute("data-state", undone && g.dataset.failed ? "failed" : SHOWN[state] || "pending");
  // A queued job's tasks have no site yet; the events bring it.
  if (site) g.querySelector("text.site").textContent = [site, g.dataset.role].filter(Boolean).join(" · ");
}

// ---- the event stream ----------------------------------------------------------------

// Reads text/event-stream from a fetch() body: blocks separated by a blank line, each
// with "event:", "data:" (possibly several) and "id:" lines; ":" lines are keep-alives.
async function readEvents(response, onEvent) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n?/g, "\n");
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let kind = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) kind = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      if (data.length) onEvent(kind, JSON.parse(data.join("\n")));
    }
  }
}

function logEvent(text) {
  const list = $("#events");
  list.append(element("li", {}, text));
  list.scrollTop = list.scrollHeight;
}

function summarize(job) {
  $("#job-summary").textContent =
    `${job.kind} · ${job.state} · ${Math.round((job.progress || 0) * 100)} %`;
  $("#job-summary").setAttribute("data-state", job.state);
}

async function watch(jobId, abort) {
  const job = await getJson(`/v1/jobs/${encodeURIComponent(jobId)}`);
  summarize(job);
  draw(await getJson(`/v1/jobs/${encodeURIComponent(jobId)}/graph`));
  const response = await call(`/v1/jobs/${encodeURIComponent(jobId)}/events`, {
    signal: abort.signal,
  });
  let ended = false;
  await readEvents(response, (kind, data) => {
    if (kind === "task") {
      setTaskState(data.task, data.state, data.site, null, Boolean(data.error));
      logEvent(`${(data.at || "").slice(11, 23)}  ${data.task}  ${data.state}${data.error ? ` — ${data.error}` : ""}`);
    } else if (kind === "progress") {
      job.progress = data.progress;
      summarize(job);
    } else if (kind === "job" || kind === "end") {
      Object.assign(job, data);
      summarize(job);
      ended = kind === "end";
      if (ended) logEvent(`job ${data.state}${data.error ? ` — ${data.error.message}` : ""}`);
    }
  });
  return ended;
}

async function select(jobId) {
  if (selected) selected.abort.abort();
  const abort = new AbortController();
  selected = { id: jobId, abort };
  for (const row of document.querySelectorAll("#jobs tbody tr")) {
    row.classList.toggle("selected", row.dataset.job === jobId);
  }
  $("#job-title").textContent = jobId;
  $("#events").replaceChildren();
  // A stream cut before the job's end (a restart, a proxy) is opened again: it replays.
  while (!abort.signal.aborted) {
    try {
      if (await watch(jobId, abort)) {
        refreshLists();
        return;
      }
    } catch (error) {
      if (abort.signal.aborted) return;
      say(error.message);
      if (error.status >= 400 && error.status < 500) {
        // Not this caller's job (or no such job): asking again will not change that.
        $("#graph").replaceChildren();
        $("#job-summary").textContent = "";
        return;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

// ---- start ---------------------------------------------------------------------------

$("#token").value = sessionStorage.getItem(TOKEN_KEY) || "";
$("#token-form").addEventListener("submit", (event) => {
  event.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, $("#token").value.trim());
  refreshLists();
  if (selected) select(selected.id);
});
$("#forget").addEventListener("click", () => {
  sessionStorage.removeItem(TOKEN_KEY);
  $("#token").value = "";
  refreshLists();
});
refreshLists();
setInterval(refreshLists, LIST_SECONDS * 1000);
