// Kiln's web UI: a page per resource, drawn from the REST API (/api/v1). Everything the
// cluster says is put on the page as text (textContent), never as markup.
"use strict";

const main = document.getElementById("main");
let stopPage = () => {};
// Counts the pages opened: a page's late answers (a fetch or an event that arrives after
// another page opened) are not drawn over the new page.
let generation = 0;

// ---- Building the page -------------------------------------------------------------

// The nodes of a page, nested lists flattened and absent parts (null) left out.
const present = (nodes) => nodes.flat(Infinity).filter((node) => node !== null && node !== undefined);

function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (name === "onclick") node.addEventListener("click", value);
    else if (value !== undefined && value !== null) node.setAttribute(name, value);
  }
  for (const child of present(children)) {
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function svg(tag, attrs, ...children) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
  for (const child of present(children)) {
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function table(headers, rows, attrs) {
  return h("table", attrs || {},
    h("thead", {}, h("tr", {}, headers.map((name) =>
      h("th", { class: /^(rows|bytes|tasks|slots|files|partitions|records|time|running|events|version)/i.test(name) ? "num" : "" }, name)))),
    h("tbody", {}, rows));
}

function show(...nodes) {
  main.replaceChildren(...present(nodes));
}

// A `show` for the page being opened: it draws only while that page is the current one.
function showForThisPage() {
  const mine = generation;
  return (...nodes) => {
    if (mine === generation) main.replaceChildren(...present(nodes));
  };
}

// ---- Values ------------------------------------------------------------------------

const num = (value) => Number(value || 0);
const shortState = (state) => String(state || "").replace(/^(JOB|STAGE|TASK_ATTEMPT)_STATE_/, "");
const stateBadge = (state) => h("span", { class: "state " + shortState(state) }, shortState(state));
const isFinal = (job) => !["JOB_STATE_QUEUED", "JOB_STATE_RUNNING"].includes(job.state);

function when(ms) {
  return num(ms) ? new Date(num(ms)).toLocaleString() : "";
}

function duration(from, to) {
  const start = num(from);
  if (!start) return "";
  const seconds = ((num(to) || Date.now()) - start) / 1000;
  if (seconds < 60) return seconds.toFixed(seconds < 10 ? 2 : 1) + " s";
  if (seconds < 3600) return Math.floor(seconds / 60) + " min " + Math.round(seconds % 60) + " s";
  return Math.floor(seconds / 3600) + " h " + Math.round((seconds % 3600) / 60) + " min";
}

function bytes(value) {
  let size = num(value);
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) { size /= 1024; unit++; }
  return (unit ? size.toFixed(1) : size) + " " + units[unit];
}

function tasks(job) {
  const stages = job.stages || [];
  return [stages.reduce((n, s) => n + num(s.tasks_succeeded), 0), stages.reduce((n, s) => n + num(s.tasks_total), 0)];
}

function rows(job) {
  if (job.result) return num(job.result.rows);
  const stages = job.stages || [];
  return stages.length ? num(stages[stages.length - 1].rows_out) : 0;
}

// ---- The API -----------------------------------------------------------------------

class ApiError extends Error {}

async function api(path, options) {
  const response = await fetch("/api/v1" + path, Object.assign({ credentials: "same-origin" }, options || {}));
  if (response.status === 401) {
    showLogin();
    throw new ApiError("sign in first");
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError((body.error && body.error.message) || response.statusText);
  return body;
}

function showLogin() {
  stopPage();
  const form = document.getElementById("login").content.cloneNode(true);
  if (location.search.includes("login=failed")) {
    form.getElementById("login-error").textContent = "That token is not accepted.";
  }
  document.getElementById("logout").hidden = true;
  show(form);
}

function failed(error) {
  if (!(error instanceof ApiError && error.message === "sign in first")) {
    show(h("p", { class: "error" }, "The cluster did not answer: " + error.message));
  }
}

// Re-draws every `ms` milliseconds until the page changes.
function every(ms, draw) {
  let timer = null;
  let live = true;
  const run = async () => {
    try { await draw(); } catch (error) { failed(error); live = false; }
    if (live) timer = setTimeout(run, ms);
  };
  stopPage = () => { live = false; clearTimeout(timer); };
  run();
}

// ---- Jobs --------------------------------------------------------------------------

function jobsPage() {
  const show = showForThisPage();
  const state = h("select", { id: "state-filter" },
    ["", "QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED", "TIMED_OUT"].map((s) =>
      h("option", { value: s ? "JOB_STATE_" + s : "" }, s || "any state")));
  const name = h("input", { id: "name-filter", placeholder: "name contains" });
  const list = h("div", {});
  show(h("h1", {}, "Jobs"), h("div", { class: "filters" }, state, name), list);
  const draw = async () => {
    const query = new URLSearchParams({ limit: "200" });
    if (state.value) query.set("state", state.value);
    const answer = await api("/jobs?" + query);
    const jobs = answer.jobs.filter((job) => job.name.includes(name.value));
    list.replaceChildren(table(
      ["Job", "Name", "State", "Submitted", "Duration", "Tasks", "Rows", "Records read", "Error"],
      jobs.map((job) => {
        const [done, total] = tasks(job);
        return h("tr", { "data-job": job.job_id },
          h("td", {}, h("a", { href: "#/jobs/" + encodeURIComponent(job.job_id) }, job.job_id)),
          h("td", { class: "job-name" }, job.name),
          h("td", {}, stateBadge(job.state)),
          h("td", {}, when(job.submitted_at_ms)),
          h("td", { class: "num" }, duration(job.started_at_ms || job.submitted_at_ms, job.ended_at_ms)),
          h("td", { class: "num tasks" }, done + "/" + total),
          h("td", { class: "num" }, rows(job)),
          h("td", { class: "num" }, num(job.records_read)),
          h("td", { class: "error-text" }, (job.error || "").split("\n")[0].slice(0, 120)));
      }), { id: "jobs" }));
  };
  state.addEventListener("change", draw);
  name.addEventListener("input", draw);
  every(2000, draw);
}

// The stage graph: a column per depth (a stage sits right of its inputs), an edge per input.
function stageGraph(stages) {
  const byId = new Map(stages.map((s) => [s.stage_id, s]));
  const depth = new Map();
  const depthOf = (stage) => {
    if (!depth.has(stage.stage_id)) {
      depth.set(stage.stage_id, 0);
      const inputs = (stage.inputs || []).map((id) => byId.get(id)).filter(Boolean);
      depth.set(stage.stage_id, inputs.length ? 1 + Math.max(...inputs.map(depthOf)) : 0);
    }
    return depth.get(stage.stage_id);
  };
  const columns = [];
  for (const stage of stages) (columns[depthOf(stage)] = columns[depthOf(stage)] || []).push(stage);
  const [W, H, GX, GY] = [190, 72, 60, 24];
  const place = new Map();
  columns.forEach((column, x) => column.forEach((stage, y) =>
    place.set(stage.stage_id, { x: 16 + x * (W + GX), y: 16 + y * (H + GY) })));
  const width = 32 + columns.length * (W + GX) - GX;
  const height = 32 + Math.max(1, ...columns.map((c) => c.length)) * (H + GY) - GY;
  const graph = svg("svg", { id: "stage-graph", width, height, viewBox: `0 0 ${width} ${height}` },
    svg("defs", {}, svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 6, markerHeight: 6, orient: "auto" },
      svg("path", { d: "M0,0 L10,5 L0,10 z", fill: "#98a2b3" }))));
  for (const stage of stages) {
    for (const input of stage.inputs || []) {
      const from = place.get(input);
      const to = place.get(stage.stage_id);
      if (!from) continue;
      graph.append(svg("line", { class: "edge", x1: from.x + W, y1: from.y + H / 2, x2: to.x, y2: to.y + H / 2, stroke: "#98a2b3", "marker-end": "url(#arrow)" }));
    }
  }
  const fill = { SUCCEEDED: "#dcfce7", FAILED: "#fee2e2", RUNNING: "#dbeafe" };
  for (const stage of stages) {
    const { x, y } = place.get(stage.stage_id);
    const state = shortState(stage.state);
    graph.append(svg("g", {
      class: "stage", "data-stage": stage.stage_id, "data-state": state,
      "data-tasks-succeeded": num(stage.tasks_succeeded), "data-tasks-total": num(stage.tasks_total),
    },
      svg("rect", { x, y, width: W, height: H, rx: 6, fill: fill[state] || "#f3f4f6", stroke: "#98a2b3" }),
      svg("text", { x: x + 10, y: y + 18, "font-weight": "600" }, `Stage ${stage.stage_id} · ${state}`),
      svg("text", { x: x + 10, y: y + 38, class: "stage-tasks" }, `tasks ${num(stage.tasks_succeeded)}/${num(stage.tasks_total)}` + (num(stage.task_failures) ? ` · ${num(stage.task_failures)} failed` : "")),
      svg("text", { x: x + 10, y: y + 58 }, `${num(stage.rows_out)} rows · ${bytes(stage.bytes_out)}`)));
  }
  return graph;
}

// The task timeline: a lane per executor, a bar per attempt from its start to its end.
function timeline(attempts) {
  const started = attempts.filter((a) => num(a.started_at_ms));
  if (!started.length) return h("p", { class: "muted" }, "No task has started yet.");
  const lanes = [...new Set(started.map((a) => a.executor_id))].sort();
  const t0 = Math.min(...started.map((a) => num(a.started_at_ms)));
  const t1 = Math.max(...started.map((a) => num(a.ended_at_ms) || Date.now()), t0 + 1);
  const [LEFT, WIDTH, LANE] = [150, 760, 26];
  const height = 30 + lanes.length * LANE;
  const colour = { SUCCEEDED: "#22c55e", RUNNING: "#3b82f6", FAILED: "#ef4444", FETCH_FAILED: "#f97316", LOST: "#a855f7", KILLED: "#eab308" };
  const chart = svg("svg", { id: "task-timeline", width: LEFT + WIDTH + 20, height },
    svg("text", { x: LEFT, y: 14, class: "muted" }, "0 s"),
    svg("text", { x: LEFT + WIDTH - 50, y: 14 }, ((t1 - t0) / 1000).toFixed(2) + " s"));
  lanes.forEach((lane, i) => chart.append(svg("text", { x: 6, y: 38 + i * LANE }, lane.slice(0, 20))));
  for (const a of started) {
    const start = num(a.started_at_ms);
    const end = num(a.ended_at_ms) || Date.now();
    const x = LEFT + ((start - t0) / (t1 - t0)) * WIDTH;
    const width = Math.max(2, ((end - start) / (t1 - t0)) * WIDTH);
    const state = shortState(a.state);
    chart.append(svg("rect", {
      class: "attempt", "data-state": state, x, y: 24 + lanes.indexOf(a.executor_id) * LANE, width, height: LANE - 8,
      fill: colour[state] || "#9ca3af", rx: 3,
    }, svg("title", {}, `stage ${a.stage_id} task ${a.partition} attempt ${a.attempt}: ${state}, ${duration(start, end)}`)));
  }
  return chart;
}

function jobPage(id) {
  const show = showForThisPage();
  let source = null;
  let tasksFetched = 0;
  let attempts = [];
  const draw = async (job) => {
    if (!job) job = await api("/jobs/" + encodeURIComponent(id));
    if (Date.now() - tasksFetched > 1000 || isFinal(job)) {
      attempts = (await api("/jobs/" + encodeURIComponent(id) + "/tasks?with_logs=true")).attempts;
      tasksFetched = Date.now();
    }
    const [done, total] = tasks(job);
    const labels = Object.entries(job.labels || {}).map(([k, v]) => k + "=" + v).join(", ");
    const scan = job.catalog_scan;
    const facts = h("dl", { class: "facts" },
      h("dt", {}, "State"), h("dd", { id: "job-state" }, stateBadge(job.state)),
      h("dt", {}, "Submitted"), h("dd", {}, when(job.submitted_at_ms)),
      h("dt", {}, "Duration"), h("dd", {}, duration(job.started_at_ms || job.submitted_at_ms, job.ended_at_ms)),
      h("dt", {}, "Tasks"), h("dd", { id: "job-tasks" }, done + "/" + total),
      h("dt", {}, "Rows"), h("dd", {}, rows(job)),
      h("dt", {}, "Records read"), h("dd", {}, num(job.records_read) + (num(job.bad_records) ? ` (${num(job.bad_records)} bad)` : "")),
      labels ? [h("dt", {}, "Labels"), h("dd", {}, labels)] : null,
      scan && num(scan.files) ? [h("dt", {}, "Catalog scan"), h("dd", {}, `${num(scan.partitions)} partition(s) read, ${num(scan.partitions_pruned)} pruned, ${num(scan.files)} file(s), ${bytes(scan.bytes)}`)] : null);
    const cancel = isFinal(job) ? null : h("button", {
      id: "cancel", onclick: async () => { await api("/jobs/" + encodeURIComponent(id) + "/cancel", { method: "POST" }); },
    }, "Cancel");
    const broken = attempts.filter((a) => ["FAILED", "FETCH_FAILED", "LOST"].includes(shortState(a.state)));
    const tail = (broken.length ? broken : job.error ? attempts.slice(-1) : []).map((a) => h("div", { class: "attempt-log" },
      h("h3", {}, `Stage ${a.stage_id} task ${a.partition} attempt ${a.attempt} on ${a.executor_id}: ${shortState(a.state)}`),
      a.error ? h("p", { class: "error-text" }, a.error) : null,
      h("pre", { class: "log-tail" }, (a.log || []).slice(-40).join("\n") || "(no log lines)")));
    show(
      h("h1", {}, h("span", { id: "job-name" }, job.name), " ", h("span", { class: "muted" }, job.job_id), " ", cancel),
      facts,
      job.error ? [h("h2", {}, "Why it failed"), h("p", { class: "error-text", id: "job-error" }, job.error)] : null,
      h("h2", {}, "Stages"), stageGraph(job.stages || []),
      table(["Stage", "State", "Tasks", "Running", "Failures", "Rows", "Bytes", "Records read", "Time"],
        (job.stages || []).map((s) => h("tr", {},
          h("td", {}, s.stage_id), h("td", {}, stateBadge(s.state)),
          h("td", { class: "num" }, num(s.tasks_succeeded) + "/" + num(s.tasks_total)),
          h("td", { class: "num" }, num(s.tasks_running)), h("td", { class: "num" }, num(s.task_failures)),
          h("td", { class: "num" }, num(s.rows_out)), h("td", { class: "num" }, bytes(s.bytes_out)),
          h("td", { class: "num" }, num(s.records_read)), h("td", { class: "num" }, duration(s.started_at_ms, s.ended_at_ms)))),
        { id: "stages" }),
      h("h2", {}, "Task timeline"), timeline(attempts),
      tail.length ? [h("h2", {}, "Log tail"), tail] : null);
  };
  const follow = async () => {
    try {
      const job = await api("/jobs/" + encodeURIComponent(id));
      await draw(job);
      if (isFinal(job)) return;
      source = new EventSource("/api/v1/jobs/" + encodeURIComponent(id) + "/watch");
      source.onmessage = (event) => {
        const update = JSON.parse(event.data);
        draw(update).catch(failed);
        if (isFinal(update)) source.close();
      };
      source.onerror = () => source.close();
    } catch (error) { failed(error); }
  };
  stopPage = () => { if (source) source.close(); };
  follow();
}

// ---- Executors ---------------------------------------------------------------------

function executorsPage() {
  const show = showForThisPage();
  const list = h("div", {});
  show(h("h1", {}, "Executors"), list);
  every(2000, async () => {
    const answer = await api("/executors");
    list.replaceChildren(table(["Executor", "Host", "gRPC", "Flight", "HTTP", "Slots", "Running tasks", "Task memory", "Resident memory", "State"],
      answer.executors.map((e) => h("tr", { "data-executor": e.executor_id },
        h("td", {}, e.executor_id), h("td", {}, e.host), h("td", {}, e.grpc_port), h("td", {}, e.flight_port),
        h("td", {}, e.http_port || ""), h("td", { class: "num slots" }, e.slots),
        h("td", { class: "num running" }, e.running_tasks),
        h("td", { class: "num memory" }, bytes(e.memory_reserved_bytes) + " of " + (num(e.memory_limit_bytes) ? bytes(e.memory_limit_bytes) : "no limit")),
        h("td", { class: "num resident" }, bytes(e.resident_bytes)),
        h("td", {}, e.draining ? "draining" : "serving"))),
      { id: "executors" }));
  });
}

// ---- The catalog -------------------------------------------------------------------

async function catalogPage(database, name) {
  const show = showForThisPage();
  const enc = encodeURIComponent;
  if (!database) {
    const answer = await api("/databases");
    show(h("h1", {}, "Catalog"), table(["Database", "Description", "Created by", "Created"],
      answer.databases.map((d) => h("tr", {},
        h("td", {}, h("a", { href: "#/catalog/" + enc(d.name) }, d.name)), h("td", {}, d.description),
        h("td", {}, d.created_by), h("td", {}, when(d.created_at_ms)))), { id: "databases" }));
    return;
  }
  if (!name) {
    const answer = await api("/databases/" + enc(database) + "/tables");
    show(h("h1", {}, "Database " + database), table(["Table", "Format", "Location", "Partition keys", "Columns", "Version", "Updated by"],
      answer.tables.map((t) => h("tr", {},
        h("td", {}, h("a", { href: `#/catalog/${enc(database)}/${enc(t.name)}` }, t.name), t.deprecated ? " (deprecated)" : ""),
        h("td", {}, t.format), h("td", {}, t.location), h("td", {}, t.partition_keys.map((k) => k.name).join(", ")),
        h("td", { class: "num" }, t.columns.length), h("td", { class: "num" }, t.version), h("td", {}, t.updated_by || t.created_by))),
      { id: "tables" }));
    return;
  }
  const path = `/databases/${enc(database)}/tables/${enc(name)}`;
  const [t, parts] = await Promise.all([api(path), api(path + "/partitions")]);
  const options = Object.entries(t.options || {}).map(([k, v]) => k + "=" + v).join(", ");
  show(h("h1", {}, `${database}.${name}`),
    h("dl", { class: "facts" },
      h("dt", {}, "Location"), h("dd", {}, t.location), h("dt", {}, "Format"), h("dd", {}, t.format + (options ? ` (${options})` : "")),
      h("dt", {}, "Version"), h("dd", {}, `${t.version} (${t.earlier_versions.length} earlier)`),
      h("dt", {}, "Created"), h("dd", {}, `${when(t.created_at_ms)} by ${t.created_by}`),
      h("dt", {}, "Updated"), h("dd", {}, `${when(t.updated_at_ms)} by ${t.updated_by}`)),
    h("h2", {}, "Columns"), table(["Column", "Type", "Nullable"], t.columns.map((c) => h("tr", {},
      h("td", {}, c.name), h("td", {}, c.data_type), h("td", {}, c.nullable ? "yes" : "no"))), { id: "columns" }),
    h("h2", {}, "Partition keys"), h("p", {}, t.partition_keys.map((k) => `${k.name} ${k.data_type}`).join(", ") || "none"),
    h("h2", {}, `Partitions (${parts.partitions.length})`),
    table(["Values", "Location", "Files", "Bytes", "Added by", "Added"], parts.partitions.map((p) => h("tr", {},
      h("td", {}, p.values.join("/")), h("td", {}, p.location), h("td", { class: "num" }, num(p.file_count)),
      h("td", { class: "num" }, bytes(p.bytes)), h("td", {}, p.added_by), h("td", {}, when(p.added_at_ms)))), { id: "partitions" }));
}

async function crawlersPage(name) {
  const show = showForThisPage();
  if (name) {
    const answer = await api("/crawlers/" + encodeURIComponent(name));
    const c = answer.crawler;
    show(h("h1", {}, "Crawler " + c.name),
      h("dl", { class: "facts" }, h("dt", {}, "Database"), h("dd", {}, c.database),
        h("dt", {}, "Targets"), h("dd", {}, c.targets.join(", ")), h("dt", {}, "Exclusions"), h("dd", {}, c.exclusions.join(", "))),
      h("h2", {}, "Runs"), table(["Started", "Time", "Dry run", "Tables created", "Updated", "Partitions added", "Objects read", "Errors"],
        answer.runs.slice().reverse().map((r) => h("tr", {},
          h("td", {}, when(r.started_at_ms)), h("td", { class: "num" }, (num(r.duration_ms) / 1000).toFixed(2) + " s"),
          h("td", {}, r.dry_run ? "yes" : ""), h("td", {}, r.tables_created.join(", ")), h("td", {}, r.tables_updated.join(", ")),
          h("td", { class: "num" }, num(r.partitions_added)), h("td", { class: "num" }, num(r.objects_read)),
          h("td", { class: "error-text" }, r.errors.join("\n")))), { id: "crawl-runs" }));
    return;
  }
  const answer = await api("/crawlers");
  show(h("h1", {}, "Crawlers"), table(["Crawler", "Database", "Targets", "Created by"], answer.crawlers.map((c) => h("tr", {},
    h("td", {}, h("a", { href: "#/crawlers/" + encodeURIComponent(c.name) }, c.name)), h("td", {}, c.database),
    h("td", {}, c.targets.join(", ")), h("td", {}, c.created_by))), { id: "crawlers" }));
}

function schedulesPage() {
  const show = showForThisPage();
  const list = h("div", {});
  show(h("h1", {}, "Schedules"), list);
  every(5000, async () => {
    const answer = await api("/schedules");
    list.replaceChildren(table(["Schedule", "Runs", "Cron", "Time zone", "Next", "State", "Recent runs"],
      answer.schedules.map((s) => h("tr", { "data-schedule": s.name },
        h("td", {}, s.name), h("td", { class: "runs" }, s.job ? "job " + s.job : "crawler " + s.crawler),
        h("td", { class: "cron" }, s.cron), h("td", { class: "zone" }, s.time_zone || "UTC"),
        h("td", { class: "next", "data-ms": s.suspended ? "" : s.next_tick_ms }, s.suspended ? "" : when(s.next_tick_ms)),
        h("td", { class: "activity" }, s.suspended ? "suspended" : "active"),
        h("td", { class: "recent" }, s.runs.slice(-5).map((r) => r.job_id
          ? h("a", { href: "#/jobs/" + encodeURIComponent(r.job_id), "data-job": r.job_id }, when(r.tick_ms) + " ")
          : h("span", { class: "muted" }, (r.skipped || r.crawler) + " "))))), { id: "schedules" }));
  });
}

function triggersPage() {
  const show = showForThisPage();
  const list = h("div", {});
  show(h("h1", {}, "Triggers"), list);
  every(5000, async () => {
    const answer = await api("/triggers");
    list.replaceChildren(table(["Trigger", "Watches", "Runs", "Pending", "State", "Recent runs", "Dead letters"],
      answer.triggers.map((t) => h("tr", { "data-trigger": t.name },
        h("td", {}, t.name),
        h("td", { class: "watches" }, t.after.length ? "after " + t.after.join(", ") : `s3://${t.bucket}/${t.prefix}*${t.suffix}`),
        h("td", { class: "runs" }, t.job ? "job " + t.job : "crawler " + t.crawler), h("td", { class: "num pending" }, t.pending),
        h("td", { class: "activity" }, t.suspended ? "suspended" : "active"),
        h("td", { class: "recent" }, t.runs.slice(-5).map((r) => r.job_id
          ? h("a", { href: "#/jobs/" + encodeURIComponent(r.job_id), "data-job": r.job_id }, `${r.events} event(s) `)
          : h("span", {}, `crawler ${r.crawler} `))),
        h("td", { class: "num dead-letters" }, t.dead_letters.length))), { id: "triggers" }));
  });
}

// ---- Routing -----------------------------------------------------------------------

function route() {
  generation++;
  stopPage();
  stopPage = () => {};
  document.getElementById("logout").hidden = false;
  const [page, ...rest] = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  for (const link of document.querySelectorAll("nav a")) {
    link.classList.toggle("active", link.dataset.page === (page || "jobs"));
  }
  const pages = {
    jobs: () => (rest[0] ? jobPage(rest[0]) : jobsPage()),
    executors: executorsPage,
    catalog: () => catalogPage(rest[0], rest[1]),
    crawlers: () => crawlersPage(rest[0]),
    schedules: schedulesPage,
    triggers: triggersPage,
  };
  Promise.resolve().then(pages[page] || pages.jobs).catch(failed);
}

window.addEventListener("hashchange", route);
route();
