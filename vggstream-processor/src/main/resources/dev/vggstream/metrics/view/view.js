// The live page: polls /view/state and renders it. Everything from payloads (ids, sources, labels, messages) is
// set as text, never parsed as HTML; images only from data:image/ URLs the server made.
"use strict";

const POLL_MS = 1000;

function text(id, value) {
  document.getElementById(id).textContent = value;
}

function fixed(x, digits) {
  return x === null || x === undefined ? "-" : Number(x).toFixed(digits);
}

function cell(row, value, className) {
  const td = document.createElement("td");
  td.textContent = value === null || value === undefined ? "" : String(value);
  if (className) {
    td.className = className;
  }
  td.title = td.textContent;
  row.appendChild(td);
  return td;
}

function thumbnail(row, url, show) {
  const td = document.createElement("td");
  if (show && typeof url === "string" && url.startsWith("data:image/jpeg;base64,")) {
    const img = document.createElement("img");
    img.src = url;
    img.alt = "";
    td.appendChild(img);
  }
  row.appendChild(td);
}

function clock(iso) {
  return typeof iso === "string" && iso.length >= 19 ? iso.substring(11, 19) : "";
}

function renderResults(state) {
  const body = document.querySelector("#results tbody");
  const rows = state.results.map((r) => {
    const tr = document.createElement("tr");
    tr.className = "result";
    thumbnail(tr, r.thumbnail, state.thumbnails);
    cell(tr, clock(r.time));
    cell(tr, r.source);
    cell(tr, r.id);
    cell(tr, r.label, "label");
    cell(tr, fixed(r.probability, 3), "num");
    cell(tr, fixed(r.latencyMs, 1), "num");
    cell(tr, r.batchSize, "num");
    return tr;
  });
  body.replaceChildren(...rows);
}

function renderDeadLetters(state) {
  const body = document.querySelector("#dead-letters tbody");
  const rows = state.deadLetters.map((d) => {
    const tr = document.createElement("tr");
    tr.className = "dead-letter";
    cell(tr, clock(d.time));
    cell(tr, d.input);
    cell(tr, d.key);
    cell(tr, d.stage);
    cell(tr, d.reason, "reason");
    cell(tr, d.message);
    return tr;
  });
  body.replaceChildren(...rows);
}

function renderHealth(h) {
  const badge = document.getElementById("health");
  const word = h.ready ? "ready" : h.live ? "degraded" : "down";
  badge.className = "badge " + word;
  badge.textContent = (h.ready ? "READY" : h.live ? "NOT READY" : "DOWN") + " (" + h.streams + ")";
}

function render(state) {
  if (state.model) {
    text("model-name", state.model.name);
    text("model-version", state.model.version);
    text("model-device", state.model.device);
  }
  renderHealth(state.health);
  text("throughput", fixed(state.throughput, 1));
  text("batch-size", fixed(state.batchSize, 1));
  text("p50", fixed(state.latencyMs.p50, 1));
  text("p95", fixed(state.latencyMs.p95, 1));
  text("p99", fixed(state.latencyMs.p99, 1));
  text("classified", String(state.classified));
  text("dead-lettered", String(state.deadLettered));
  renderResults(state);
  renderDeadLetters(state);
  text("status", "updated " + new Date().toLocaleTimeString());
}

async function poll() {
  try {
    const response = await fetch("/view/state", { cache: "no-store" });
    if (!response.ok) {
      throw new Error("HTTP " + response.status);
    }
    render(await response.json());
  } catch (e) {
    const badge = document.getElementById("health");
    badge.className = "badge unknown";
    badge.textContent = "unreachable";
    text("status", "cannot reach the processor: " + e.message);
  } finally {
    setTimeout(poll, POLL_MS);
  }
}

poll();
