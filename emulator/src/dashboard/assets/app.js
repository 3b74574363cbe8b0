// Playfield dashboard: fetches the view on screen as JSON and redraws it whenever the
// daemon's stream says something changed (at most a few times a second). No framework, no
// build step: this file is embedded in the daemon as it is.
"use strict";

const $ = (sel, root = document) => root.querySelector(sel);
const esc = (v) => String(v ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
// A long id shortened for a table cell; the whole id stays in the tooltip.
const short = (id, n = 13) => (id ? `<span class="mono" title="${esc(id)}">${esc(id.length > n + 1 ? `${id.slice(0, n)}…` : id)}</span>` : "");
const gsShort = (arn) => (arn ? `<span class="mono" title="${esc(arn)}">${esc(arn.split("/").pop())}</span>` : "");
const badge = (s) => `<span class="badge s-${esc(s)}">${esc(s)}</span>`;
const time = (ms) => (ms ? new Date(ms).toLocaleTimeString([], { hour12: false }) : "");
const ago = (ms, now) => (ms ? `${Math.max(0, Math.round((now - ms) / 1000))} s ago` : "never");
const attrText = (attrs) => Object.entries(attrs || {}).map(([k, v]) => {
  const [t, x] = Object.entries(v)[0] || ["", ""];
  return `${esc(k)}=${esc(t === "SL" ? x.join("|") : t === "SDM" ? JSON.stringify(x) : x)}`;
}).join(", ");

const state = {
  tab: "overview",
  configuration: "",
  status: "",
  ticket: null,
  busy: false,
  again: false,
};

async function api(path, body) {
  const init = body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
  const r = await fetch(path, { credentials: "same-origin", ...init });
  const json = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(json.error || `${r.status} ${r.statusText}`);
  return json;
}

// ---- charts (SVG) ----------------------------------------------------------------------

function barChart(values, labels, { width = 300, height = 90, color = "#2f6fd6" } = {}) {
  const max = Math.max(1, ...values);
  const bw = width / values.length;
  const bars = values.map((v, i) => {
    const h = Math.round((v / max) * (height - 28));
    return `<rect x="${i * bw + 2}" y="${height - 14 - h}" width="${bw - 4}" height="${h}" rx="2" fill="${color}"><title>${esc(labels[i])}: ${v}</title></rect>` +
      (v ? `<text x="${i * bw + bw / 2}" y="${height - 16 - h}" text-anchor="middle">${v}</text>` : "");
  }).join("");
  const ticks = labels.map((l, i) => `<text x="${i * bw + bw / 2}" y="${height - 2}" text-anchor="middle">${esc(l)}</text>`).join("");
  return `<svg width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${bars}${ticks}</svg>`;
}

const OUTCOMES = [["completed", "#2e9d62"], ["cancelled", "#9aa3b2"], ["timed_out", "#d98a1c"], ["failed", "#cf3f3f"]];

function outcomesChart(minutes, { width = 380, height = 110 } = {}) {
  const totals = minutes.map((m) => OUTCOMES.reduce((s, [k]) => s + m[k], 0));
  const max = Math.max(1, ...totals, ...minutes.map((m) => m.started));
  const bw = width / minutes.length;
  let out = "";
  minutes.forEach((m, i) => {
    let y = height - 12;
    for (const [k, c] of OUTCOMES) {
      const h = (m[k] / max) * (height - 16);
      if (h > 0) { y -= h; out += `<rect x="${i * bw + 1}" y="${y}" width="${bw - 2}" height="${h}" fill="${c}"><title>${k}: ${m[k]}</title></rect>`; }
    }
  });
  const line = minutes.map((m, i) => `${i * bw + bw / 2},${height - 12 - (m.started / max) * (height - 16)}`).join(" ");
  out += `<polyline points="${line}" fill="none" stroke="#2f6fd6" stroke-width="1.5"><title>started</title></polyline>`;
  out += `<text x="0" y="${height - 1}">-${minutes.length} min</text><text x="${width}" y="${height - 1}" text-anchor="end">now</text>`;
  return `<svg width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${out}</svg>` +
    `<div class="legend"><span><i style="background:#2f6fd6"></i>started (line)</span>${OUTCOMES.map(([k, c]) => `<span><i style="background:${c}"></i>${k.replace("_", " ")}</span>`).join("")}</div>`;
}

function ttmChart(t) {
  const labels = t.bucketsSeconds.map((b) => `${b}`).concat([`>${t.bucketsSeconds[t.bucketsSeconds.length - 1]}`]);
  return barChart(t.counts, labels, { width: 380, height: 110, color: "#5b8def" }) +
    `<div class="legend"><span>seconds from ticket start to match (upper bound of each bar)</span></div>`;
}

function teamFill(teams) {
  if (!teams.length) return `<div class="empty">no matches yet</div>`;
  const max = Math.max(1, ...teams.map((t) => t.maxSeen));
  return teams.map((t) => `<div class="player">${esc(t.team)} <span class="attrs">${t.averagePlayers.toFixed(1)} players on average</span>
    <div class="bar"><div class="p" style="width:${(t.averagePlayers / max) * 100}%"></div></div></div>`).join("") + `<div class="legend"><span>bar: average players against the most seen on a team (${max})</span></div>`;
}

// ---- views ---------------------------------------------------------------------------

function renderTotals(t) {
  $("#totals").innerHTML = [
    [t.activeTickets, "active tickets"], [t.gameSessions, "game sessions"], [t.playerSessions, "players"],
    [`${t.healthyProcesses}/${t.processes}`, "processes healthy"], [t.fleets, "fleets"],
  ].map(([n, l]) => `<span><b>${esc(n)}</b>${l}</span>`).join("");
}

const MODES = { WithQueue: "WITH_QUEUE", Standalone: "STANDALONE" };

function fillConfigurations(names) {
  const sel = $("#mm-configuration");
  if (sel.options.length !== names.length) {
    sel.innerHTML = names.map((n) => `<option>${esc(n)}</option>`).join("");
    if (!state.configuration) state.configuration = names[0] || "";
    sel.value = state.configuration;
  }
}

function renderOverview(o) {
  renderTotals(o.totals);
  fillConfigurations(o.configurations.map((c) => c.name));
  const t = o.totals;
  const stat = (n, l) => `<div class="stat"><div class="n">${esc(n)}</div><div class="l">${l}</div></div>`;
  const stack = `<div class="card"><h3>Stack</h3><div class="stats">
    ${stat(t.fleets, "fleets")}${stat(t.processes, "processes")}${stat(t.healthyProcesses, "healthy")}
    ${stat(t.gameSessions, "game sessions")}${stat(t.playerSessions, "player sessions")}${stat(t.activeTickets, "active tickets")}</div></div>`;
  if (!o.configurations.length) return stack + `<div class="empty">No matchmaking configuration.</div>`;
  return stack + o.configurations.map((c) => {
    const five = c.minutes.slice(-5);
    const rate = (k) => (five.reduce((s, m) => s + m[k], 0) / 5).toFixed(1);
    const active = ["SEARCHING", "REQUIRES_ACCEPTANCE", "PLACING"].reduce((s, k) => s + c.tickets[k], 0);
    return `<div class="card" data-configuration="${esc(c.name)}">
      <h3>${esc(c.name)} <span class="note">rule set ${esc(c.ruleSet)} · ${esc(MODES[c.mode] || c.mode)}${c.acceptanceRequired ? " · acceptance required" : ""}${c.queues.length ? ` · queue ${esc(c.queues.join(", "))}` : ""}</span></h3>
      <div class="stats">
        ${stat(active, "active tickets")}${stat(c.tickets.SEARCHING, "searching")}${stat(c.tickets.PLACING, "placing")}
        ${stat(c.ticketsStarted, "tickets started")}${stat(c.matches, "matches")}
        ${stat(rate("started"), "started / min")}${stat(rate("completed"), "completed / min")}
        ${stat(rate("cancelled"), "cancelled / min")}${stat(rate("timed_out"), "timed out / min")}${stat(rate("failed"), "failed / min")}
      </div>
      <div class="charts">
        <div><h4>Ticket outcomes, last ${c.minutes.length} minutes</h4>${outcomesChart(c.minutes)}</div>
        <div><h4>Time to match</h4>${ttmChart(c.timeToMatch)}</div>
        <div><h4>Team fill, recent matches</h4>${teamFill(c.teamFill)}</div>
      </div>
    </div>`;
  }).join("");
}

function renderFleets(f, now) {
  if (!f.fleets.length) return `<div class="empty">No fleet.</div>`;
  const proc = (p) => `<tr data-pid="${esc(p.pid)}">
      <td class="mono">${esc(p.pid)}</td><td>${badge(p.status)} ${p.healthy ? "" : badge("unhealthy")}</td>
      <td>${esc(p.port ?? "")}</td><td>${ago(p.lastHeartbeat, now)}</td>
      <td>${esc(p.sdkLanguage ?? "")} ${esc(p.sdkVersion ?? "")}</td>
      <td>${gsShort(p.gameSessionId)}</td>
      <td class="history">${p.history.slice(-4).map((h) => `${time(h.time)} ${esc(h.what)}`).join("<br>")}</td>
      <td>${p.status === "ACTIVE" ? `<button class="small danger" data-action="end-process" data-pid="${esc(p.pid)}">End</button>` : ""}</td></tr>`;
  const table = (ps) => ps.length ? `<table><tr><th>process</th><th>status</th><th>port</th><th>heartbeat</th><th>SDK</th><th>game session</th><th>connection history</th><th></th></tr>${ps.map(proc).join("")}</table>` : `<div class="empty">no process</div>`;
  return f.fleets.map((fl) => `<div class="card" data-fleet-id="${esc(fl.id)}"><h3>${esc(fl.id)} <span class="note">${esc(fl.locations.join(", "))}</span></h3>
    ${fl.computes.map((c) => `<h4>compute ${esc(c.name)} · ${esc(c.location)} ${esc(c.ipAddress ?? "")}</h4>${table(c.processes)}`).join("")}
    ${fl.otherProcesses.length || !fl.computes.length ? `<h4>processes</h4>${table(fl.otherProcesses)}` : ""}</div>`).join("");
}

function teamsHtml(teams, extra = () => "") {
  return `<div class="teams">${teams.map((t) => `<div class="team"><div class="name">${esc(t.name)}</div>${t.players.map((p) =>
    `<div class="player" data-player-id="${esc(p.playerId)}">${esc(p.playerId)} <span class="attrs">${attrText(p.attributes)}</span>${extra(p)}</div>`).join("") || `<div class="empty">empty</div>`}</div>`).join("")}</div>`;
}

function renderSessions(s) {
  if (!s.gameSessions.length) return `<div class="empty">No game session yet.</div>`;
  return s.gameSessions.map((g) => `<div class="card" data-game-session-id="${esc(g.id)}">
    <h3>${badge(g.status)} <span class="mono">${esc(g.id)}</span></h3>
    <div class="note">fleet ${esc(g.fleetId)} · process <span class="mono">${esc(g.pid)}</span> · ${esc(g.ipAddress)}:${esc(g.port ?? "")} · created ${time(g.creationTime)}
      ${g.matchId ? ` · match <span class="mono">${esc(g.matchId)}</span>` : ""}
      ${Object.keys(g.gameProperties).length ? ` · properties ${Object.entries(g.gameProperties).map(([k, v]) => `${esc(k)}=${esc(v)}`).join(", ")}` : ""}</div>
    ${g.teams.length ? `<h4>Teams (matchmaker data)</h4>${teamsHtml(g.teams)}` : ""}
    <h4>Player sessions (${g.playerSessions.length}/${g.maximumPlayerSessionCount})</h4>
    ${g.playerSessions.length ? `<table><tr><th>player</th><th>player session</th><th>status</th></tr>${g.playerSessions.map((p) =>
      `<tr data-player-session="${esc(p.playerId)}"><td>${esc(p.playerId)}</td><td class="mono">${esc(p.id)}</td><td>${badge(p.status)}</td></tr>`).join("")}</table>` : `<div class="empty">none</div>`}
    ${g.backfillTickets.length ? `<h4>Backfill tickets</h4>${g.backfillTickets.map((t) => `<span class="mono">${esc(t.ticketId)}</span> ${badge(t.status)}`).join("<br>")}` : ""}
    ${["ACTIVE", "ACTIVATING"].includes(g.status) ? `<p><button class="small danger" data-action="terminate-game-session" data-id="${esc(g.id)}">Terminate</button></p>` : ""}
  </div>`).join("");
}

function renderTickets(t) {
  const counts = Object.entries(t.counts).filter(([, n]) => n).map(([s, n]) => `${badge(s)} ${n}`).join(" &nbsp; ");
  const rows = t.tickets.map((k) => `<tr class="clickable ${k.ticketId === state.ticket ? "selected" : ""}" data-ticket-id="${esc(k.ticketId)}" data-status="${esc(k.status)}">
    <td class="mono">${esc(k.ticketId)}</td><td>${badge(k.status)}</td><td>${esc(k.players.join(", "))}${k.backfill ? ` ${badge("BACKFILL")}` : ""}</td>
    <td>${time(k.startTime)}</td><td>${short(k.matchId, 8)}</td></tr>`).join("");
  return `<div class="card"><h3>Tickets of ${esc(t.configuration)} <span class="note">${t.total} shown of this filter${t.total > t.tickets.length ? ` (newest ${t.tickets.length})` : ""}</span></h3>
    <div class="stats">${counts || `<span class="empty">no tickets</span>`}</div>
    ${rows ? `<table><tr><th>ticket</th><th>status</th><th>players</th><th>started</th><th>match</th></tr>${rows}</table>` : ""}</div>`;
}

function renderTicket(k) {
  const rules = k.ruleEvaluations.map((r) => {
    const total = r.passedCount + r.failedCount;
    return `<tr data-rule="${esc(r.ruleName)}" data-passed="${r.passedCount}" data-failed="${r.failedCount}">
      <td>${esc(r.ruleName)}</td><td class="rule-ok">${r.passedCount}</td><td class="${r.failedCount ? "rule-fail" : ""}">${r.failedCount}</td>
      <td><div class="bar">${total ? `<div class="p" style="width:${(r.passedCount / total) * 100}%"></div><div class="f" style="width:${(r.failedCount / total) * 100}%"></div>` : ""}</div></td></tr>`;
  }).join("");
  const failing = k.ruleEvaluations.filter((r) => r.failedCount > 0).sort((a, b) => b.failedCount - a.failedCount);
  const active = ["SEARCHING", "REQUIRES_ACCEPTANCE"].includes(k.status);
  return `<h3><span class="mono">${esc(k.ticketId)}</span> ${badge(k.status)}</h3>
    ${k.statusReason || k.statusMessage ? `<div class="note">${esc(k.statusReason ?? "")} ${esc(k.statusMessage ?? "")}</div>` : ""}
    ${failing.length && k.status === "SEARCHING" ? `<p id="failing-rule" class="rule-fail">Not matching: rule ${esc(failing[0].ruleName)} failed ${failing[0].failedCount} time(s)</p>` : ""}
    <h4>Players</h4>${k.playerDetails.map((p) => `<div class="player" data-player-id="${esc(p.playerId)}">${esc(p.playerId)}${p.team ? ` · team ${esc(p.team)}` : ""}
      <span class="attrs">${attrText(p.attributes)}</span>${p.accepted === true ? " accepted" : p.accepted === false ? " rejected" : ""}</div>`).join("")}
    <h4>Rule evaluations</h4>${!active && k.status !== "PLACING" && k.ruleEvaluations.every((r) => !r.passedCount && !r.failedCount)
      ? `<div class="empty">not kept once the ticket has ended (its final event carried them)</div>`
      : rules ? `<table><tr><th>rule</th><th>passed</th><th>failed</th><th></th></tr>${rules}</table>` : `<div class="empty">none</div>`}
    ${k.connection ? `<h4>${k.backfill ? "Backfilling" : "Connection"}</h4><div>${k.connection.ipAddress ? `<span class="mono">${esc(k.connection.ipAddress)}:${esc(k.connection.port ?? "")}</span> · ` : ""}game session ${gsShort(k.connection.gameSessionArn)}</div>` : ""}
    <p>${active ? `<button class="small danger" data-action="cancel-ticket" data-id="${esc(k.ticketId)}">Cancel ticket</button>` : ""}
       ${k.status === "REQUIRES_ACCEPTANCE" ? `<button class="small" data-action="accept" data-id="${esc(k.ticketId)}">Accept</button> <button class="small danger" data-action="reject" data-id="${esc(k.ticketId)}">Reject</button>` : ""}</p>
    <h4>Events</h4>${k.events.map((e) => `<div class="history">${time(e.time)} ${esc(e.type)}</div>`).join("") || `<div class="empty">none kept</div>`}`;
}

function renderMatches(m) {
  const matches = m.matches.map((x) => `<div class="card" data-match-id="${esc(x.matchId)}">
    <h3>${badge(x.status)}${x.backfill ? ` ${badge("BACKFILL")}` : ""} <span class="mono">${esc(x.matchId)}</span> <span class="note">${esc(x.configuration)} · ${time(x.time)} · matched in ${(x.timeToMatchMs / 1000).toFixed(2)} s</span></h3>
    ${teamsHtml(x.teams, (p) => (p.playerSessionId ? ` <span class="attrs" title="${esc(p.playerSessionId)}">✓ session</span>` : ""))}
    <h4>Rule metrics</h4><div class="note">${x.ruleEvaluationMetrics.map((r) => `${esc(r.ruleName)}: ${r.passedCount} passed, ${r.failedCount} failed`).join(" · ") || "none"}</div>
    ${x.gameSessionArn ? `<div class="note">game session ${gsShort(x.gameSessionArn)}</div>` : ""}</div>`).join("");
  const placements = m.placements.map((p) => `<tr><td>${short(p.placementId, 8)}</td><td>${esc(p.queue)}</td><td>${badge(p.status)}</td>
    <td>${time(p.startTime)}</td><td>${p.endTime ? `${((p.endTime - p.startTime) / 1000).toFixed(2)} s` : ""}</td><td>${gsShort(p.gameSessionId)}</td></tr>`).join("");
  return `<div class="split"><div>${matches || `<div class="empty">No match yet.</div>`}</div><div>
    <div class="card"><h3>Queues</h3>${m.queues.map((q) => `<div>${esc(q.name)} <span class="note">timeout ${q.timeoutSeconds} s · ${esc(q.destinations.join(", "))}</span></div>`).join("") || `<div class="empty">none</div>`}</div>
    <div class="card"><h3>Placements</h3>${placements ? `<table><tr><th>placement</th><th>queue</th><th>status</th><th>started</th><th>took</th><th>game session</th></tr>${placements}</table>` : `<div class="empty">none</div>`}</div></div></div>`;
}

function renderEvents(e) {
  const fill = (sel, values) => {
    const el = $(sel);
    const cur = el.value;
    const want = [""].concat(values);
    if (el.options.length !== want.length) {
      el.innerHTML = want.map((v) => `<option value="${esc(v)}">${v ? esc(v) : "all"}</option>`).join("");
      el.value = cur;
    }
  };
  fill("#ev-type", e.types);
  fill("#ev-target", e.targets.map((t) => t.name));
  const targets = e.targets.length ? `<table><tr><th>target</th><th>delivered</th><th>retries</th><th>pending</th><th>abandoned</th><th>overflowed</th></tr>${e.targets.map((t) =>
    `<tr data-target="${esc(t.name)}"><td>${esc(t.name)}</td><td>${t.delivered}</td><td>${t.retries}</td><td>${t.pending}</td><td>${t.abandoned}</td><td>${t.overflowed}</td></tr>`).join("")}</table>` : `<div class="empty">No notification target configured; events still stream at GET /events.</div>`;
  const rows = e.events.map((x) => `<tr data-event-type="${esc(x.type)}"><td>${time(x.time)}</td><td>${esc(x.type)}</td><td>${esc(x.configuration ?? "")}</td>
    <td>${esc(x.target ?? "")}</td><td class="mono">${x.ticketIds.map(esc).join("<br>")}</td><td class="attrs">${esc(x.text ?? (x.matchId ? `match ${x.matchId}` : ""))}</td></tr>`).join("");
  return `<div class="card"><h3>Deliveries per notification target</h3>${targets}</div>
    <div class="card"><h3>Timeline <span class="note">newest first</span></h3>${rows ? `<table><tr><th>time</th><th>type</th><th>configuration</th><th>target</th><th>tickets</th><th></th></tr>${rows}</table>` : `<div class="empty">no events</div>`}</div>`;
}

// ---- refresh ----------------------------------------------------------------------------

async function refresh() {
  if (state.busy) { state.again = true; return; }
  state.busy = true;
  try {
    // The overview reads every ticket: only its own tab fetches it; the others the header's totals.
    if (state.tab === "overview") $("#overview-content").innerHTML = renderOverview(await api("/dashboard/api/overview"));
    else state.totals = await api("/dashboard/api/totals");
    if (state.tab !== "overview") renderTotals(state.totals);
    if (state.tab === "fleets") $("#fleets-content").innerHTML = renderFleets(await api("/dashboard/api/fleets"), state.totals.now);
    if (state.tab === "sessions") $("#sessions-content").innerHTML = renderSessions(await api("/dashboard/api/sessions"));
    if (state.tab === "matchmaking") {
      const q = new URLSearchParams({ configuration: state.configuration, status: state.status });
      const t = await api(`/dashboard/api/tickets?${q}`);
      fillConfigurations(t.configurations);
      if (!state.configuration) state.configuration = t.configuration;
      $("#tickets-content").innerHTML = renderTickets(t);
      const d = $("#ticket-detail");
      if (state.ticket) {
        try { d.innerHTML = renderTicket(await api(`/dashboard/api/tickets/${encodeURIComponent(state.ticket)}`)); d.classList.remove("hidden"); } catch (err) { d.innerHTML = `<div class="empty">${esc(err.message)}</div>`; }
      } else d.classList.add("hidden");
    }
    if (state.tab === "matches") $("#matches-content").innerHTML = renderMatches(await api("/dashboard/api/matches"));
    if (state.tab === "events") {
      const q = new URLSearchParams({ type: $("#ev-type").value, ticket: $("#ev-ticket").value, target: $("#ev-target").value });
      $("#events-content").innerHTML = renderEvents(await api(`/dashboard/api/events?${q}`));
    }
  } catch (err) {
    $("#live").textContent = `error: ${err.message}`;
  } finally {
    state.busy = false;
    if (state.again) { state.again = false; refresh(); }
  }
}

function showTab(tab) {
  state.tab = tab;
  document.querySelectorAll("nav button").forEach((b) => b.classList.toggle("active", b.dataset.tab === tab));
  document.querySelectorAll(".view").forEach((v) => v.classList.toggle("active", v.id === `view-${tab}`));
  refresh();
}

function connect() {
  const live = $("#live");
  const es = new EventSource("/dashboard/api/stream");
  es.addEventListener("hello", () => { live.textContent = "live"; live.className = "live on"; refresh(); });
  es.addEventListener("changed", () => refresh());
  es.onerror = () => { live.textContent = "reconnecting…"; live.className = "live off"; };
}

document.addEventListener("click", async (ev) => {
  const tab = ev.target.closest("nav button");
  if (tab) return showTab(tab.dataset.tab);
  const act = ev.target.closest("button[data-action]");
  if (act) {
    const a = act.dataset.action;
    const calls = {
      "end-process": ["end-process", { pid: act.dataset.pid }],
      "terminate-game-session": ["terminate-game-session", { gameSessionId: act.dataset.id }],
      "cancel-ticket": ["cancel-ticket", { ticketId: act.dataset.id }],
      accept: ["accept-match", { ticketId: act.dataset.id, accept: true }],
      reject: ["accept-match", { ticketId: act.dataset.id, accept: false }],
    };
    try { await api(`/dashboard/api/actions/${calls[a][0]}`, calls[a][1]); } catch (err) { alert(err.message); }
    return refresh();
  }
  const row = ev.target.closest("tr[data-ticket-id]");
  if (row) { state.ticket = row.dataset.ticketId; refresh(); }
});

$("#start-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const out = $("#start-result");
  try {
    const r = await api("/dashboard/api/actions/start-tickets", {
      configuration: $("#mm-configuration").value,
      count: Number($("#start-count").value),
      playerIdPrefix: $("#start-prefix").value,
      attributes: JSON.parse($("#start-attributes").value || "{}"),
    });
    out.textContent = `started ${r.ticketIds.length} ticket(s)`;
    if (r.ticketIds.length) state.ticket = r.ticketIds[r.ticketIds.length - 1];
  } catch (err) { out.textContent = err.message; }
  refresh();
});
$("#mm-configuration").addEventListener("change", (e) => { state.configuration = e.target.value; state.ticket = null; refresh(); });
$("#mm-status").addEventListener("change", (e) => { state.status = e.target.value; refresh(); });
["#ev-type", "#ev-target"].forEach((s) => $(s).addEventListener("change", refresh));
$("#ev-ticket").addEventListener("input", refresh);

const hash = location.hash.slice(1);
if (hash && $(`#view-${hash}`)) showTab(hash); else refresh();
connect();
