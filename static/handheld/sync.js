// Sync with the portal's device API (PRODUCT.md §5): push what is waiting, pull the master
// data changed since the cursor, then the states of this handheld's own lines.
//
// Exactly once: a line keeps the client_txn_id it was given when collected, and stays
// "waiting" until an answer for it arrives. A push cut halfway (the network lost before the
// answer) simply leaves it waiting; the next push sends it again, and the portal answers
// "duplicate" with the id it stored the first time.
import * as db from "./db.js";

export const MAX_PER_PUSH = 1000;
export const REVOKED_MESSAGE =
  "This handheld was revoked or its token is no longer valid — ask your administrator to enrol it again.";
const DEFAULT_SLEEP = "00:05:00";

export class Revoked extends Error {
  constructor() { super(REVOKED_MESSAGE); this.name = "Revoked"; }
}

export class SyncFailed extends Error {}

const API = () => document.body.dataset.api;

async function call(token, path, {method = "GET", body} = {}) {
  let response;
  try {
    response = await fetch(API() + path, {
      method,
      headers: {
        Authorization: `Token ${token}`,
        Accept: "application/json",
        ...(body ? {"Content-Type": "application/json"} : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
      credentials: "omit",
      cache: "no-store",
    });
  } catch (error) {
    throw new SyncFailed(navigator.onLine === false ? "no network" : "the portal could not be reached");
  }
  if (response.status === 401) throw new Revoked();
  let data = null;
  try { data = await response.json(); } catch (error) { data = null; }
  if (!response.ok) {
    const detail = data && (data.detail || data.error);
    throw new SyncFailed(`the portal answered ${response.status}${detail ? `: ${detail}` : ""}`);
  }
  if (data === null) throw new SyncFailed("the portal's answer was cut off");
  return data;
}

export function sleepMs(hhmmss) {
  const match = /^(\d+):(\d{1,2}):(\d{1,2})$/.exec(hhmmss || "");
  if (!match) return sleepMs(DEFAULT_SLEEP);
  const seconds = Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]);
  return Math.max(1, seconds) * 1000;
}

// --- enrolment -------------------------------------------------------------------------------
export async function enrol(code) {
  let response;
  try {
    response = await fetch(API() + "enrol", {
      method: "POST",
      headers: {"Content-Type": "application/json", Accept: "application/json"},
      body: JSON.stringify({code}),
      credentials: "omit",
      cache: "no-store",
    });
  } catch (error) {
    throw new SyncFailed("The portal could not be reached: enrol where the handheld has network.");
  }
  let data = null;
  try { data = await response.json(); } catch (error) { data = null; }
  if (response.status === 429) throw new SyncFailed("Too many tries: wait a minute, then try again.");
  if (!response.ok || !data || !data.token) {
    const detail = data && (data.detail || data.error);
    throw new SyncFailed(detail || `The portal answered ${response.status}: ask your administrator for a new code.`);
  }
  await db.setMeta({
    token: data.token, device: data.device || "", pull_sleep_time: data.pull_sleep_time || DEFAULT_SLEEP,
    revoked: undefined, enrolled_at: new Date().toISOString(),
  });
  return data;
}

// --- push ------------------------------------------------------------------------------------
async function push(token, report) {
  const waiting = (await db.linesIn("waiting"))
    .sort((a, b) => (a.payload.collected_at < b.payload.collected_at ? -1 : 1));
  const outcome = {sent: 0, problems: 0};
  for (let start = 0; start < waiting.length; start += MAX_PER_PUSH) {
    const chunk = waiting.slice(start, start + MAX_PER_PUSH);
    report(`Sending ${start + chunk.length} of ${waiting.length} lines…`);
    const answer = await call(token, "transactions", {
      method: "POST", body: {transactions: chunk.map((line) => line.payload)},
    });
    const results = new Map();
    for (const result of answer.results || []) results.set(String(result.client_txn_id).toLowerCase(), result);
    const now = new Date().toISOString();
    const updated = [];
    for (const line of chunk) {
      const result = results.get(line.client_txn_id);
      if (!result) continue; // no answer for it: still waiting, sent again next time
      line.pushed_at = now;
      line.server_id = result.id ?? null;
      line.errors = result.errors || {};
      if (result.status === "accepted" || result.status === "duplicate") {
        line.state = "sent";
        outcome.sent += 1;
      } else {
        line.state = result.status; // "conflict" or "invalid": kept for the worker to fix
        outcome.problems += 1;
      }
      updated.push(line);
    }
    await db.putLines(updated);
  }
  return outcome;
}

// --- pulls -----------------------------------------------------------------------------------
async function pullMasterData(token, report) {
  const cursor = await db.getMeta("cursor");
  report(cursor ? "Fetching master data changes…" : "Fetching master data (first time: this takes a moment)…");
  performance.mark("handheld:masterdata-start");
  const data = await call(token, `masterdata${cursor ? `?since=${encodeURIComponent(cursor)}` : ""}`);
  performance.measure("handheld:masterdata-fetch", "handheld:masterdata-start");
  performance.mark("handheld:masterdata-fetched");
  let rows = 0;
  for (const store of Object.keys(db.MASTER_STORES)) {
    const records = data[store] || [];
    if (!records.length) continue;
    report(`Storing ${records.length.toLocaleString()} ${store.replace("_", " ")}…`);
    await db.putRows(store, records);
    rows += records.length;
  }
  performance.measure("handheld:masterdata-store", "handheld:masterdata-fetched");
  // The cursor moves only once every table is stored: a pull cut short is read again.
  await db.setMeta({cursor: data.cursor, pull_sleep_time: data.pull_sleep_time || DEFAULT_SLEEP,
                    master_pulled_at: new Date().toISOString()});
  return rows;
}

async function pullMyLines(token) {
  // At most 1000 states an answer: "more" says to ask again at once with the new cursor.
  let changed = 0;
  for (let pass = 0; pass < 100; pass++) {
    const cursor = await db.getMeta("lines_cursor");
    const data = await call(token, `transactions${cursor ? `?since=${encodeURIComponent(cursor)}` : ""}`);
    changed += await db.applyLineStates(data.lines || []);
    if (data.cursor) await db.setMeta({lines_cursor: data.cursor});
    if (!data.more || !data.cursor) break;
  }
  return changed;
}

// --- one sync at a time, and the schedule -----------------------------------------------------
let running = null;
let timer = null;

export function isRunning() { return running !== null; }

// Run a sync (or join the one running). `report` gets progress text; resolves with
// {ok, at, message, revoked}.
export function sync(report = () => {}) {
  if (!running) running = run(report).finally(() => { running = null; });
  return running;
}

async function run(report) {
  const token = await db.getMeta("token");
  const at = new Date().toISOString();
  let result;
  if (!token) return {ok: false, at, message: "not enrolled"};
  try {
    const pushed = await push(token, report);
    const rows = await pullMasterData(token, report);
    await pullMyLines(token);
    const parts = [];
    if (pushed.sent) parts.push(`${pushed.sent} sent`);
    if (pushed.problems) parts.push(`${pushed.problems} to fix`);
    if (rows) parts.push(`${rows.toLocaleString()} master-data rows`);
    result = {ok: true, attention: pushed.problems > 0, at, message: parts.length ? parts.join(", ") : "up to date"};
  } catch (error) {
    if (error instanceof Revoked) {
      await db.setMeta({revoked: true});
      result = {ok: false, at, revoked: true, message: REVOKED_MESSAGE};
    } else {
      result = {ok: false, at, message: error instanceof SyncFailed ? error.message : String(error)};
    }
  }
  await db.setMeta({last_sync: result});
  return result;
}

// Call `run` once pull_sleep_time (the server's, as last heard) from now; a new call replaces
// the one pending, so a sync by hand starts the wait again.
export async function schedule(run) {
  clearTimeout(timer);
  const wait = sleepMs(await db.getMeta("pull_sleep_time"));
  timer = setTimeout(async () => {
    if (!(await db.getMeta("revoked"))) run();
  }, wait);
}

export function stopSchedule() { clearTimeout(timer); }
