// What a worker collects: the four kinds of line, their fields in scan order, and how a
// filled form becomes the transaction the device API takes (PRODUCT.md §4, §5).
import * as db from "./db.js";

// Field kinds: "scan" (text, upper case, Enter moves on), "number" (numeric keypad), "time"
// (start/stop of today), "flag" (a big yes/no toggle, outside the Enter chain).
const F = {
  employee: {label: "Employee badge", kind: "scan", pad: 7, check: "employee"},
  crew: {label: "Crew", kind: "scan", check: "crew"},
  work_order: {label: "Work order", kind: "scan", pad: 7, check: "work_order"},
  step: {label: "Step", kind: "scan", pad: 4, check: "step", numeric: true},
  hours: {label: "Hours", kind: "number", timed: "hours"},
  start: {label: "Start", kind: "time", timed: "clock"},
  stop: {label: "Stop", kind: "time", timed: "clock"},
  qty_completed: {label: "Quantity completed", kind: "number"},
  step_complete: {label: "Step complete", kind: "flag"},
  item_code: {label: "Item", kind: "scan", check: "item"},
  warehouse: {label: "Warehouse", kind: "scan", check: "warehouse"},
  quantity: {label: "Quantity (negative: a return)", kind: "number"},
  lot_serial: {label: "Lot / serial", kind: "scan", keepCase: true},
  qty_scrapped: {label: "Quantity scrapped", kind: "number"},
  close_order: {label: "Close the order", kind: "flag"},
};

export const KINDS = {
  labor: {
    title: "Labor", sticky: ["employee"], timed: true,
    fields: ["employee", "work_order", "step", "hours", "start", "stop", "qty_completed", "step_complete"],
    required: ["employee", "work_order", "step"],
  },
  crew_labor: {
    title: "Crew labor", sticky: ["crew"], timed: true,
    fields: ["crew", "work_order", "step", "hours", "start", "stop", "qty_completed", "step_complete"],
    required: ["crew", "work_order", "step"],
  },
  material_issue: {
    title: "Material issue", sticky: ["warehouse"],
    fields: ["work_order", "item_code", "warehouse", "quantity", "step", "lot_serial"],
    required: ["work_order", "item_code", "warehouse", "quantity"],
  },
  completion: {
    title: "Completion", sticky: [],
    fields: ["work_order", "qty_completed", "qty_scrapped", "warehouse", "lot_serial", "close_order"],
    required: ["work_order", "qty_completed"],
  },
};

export const FIELD = F;

export function label(type) { return KINDS[type] ? KINDS[type].title : type; }

export function newId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  // Served over plain HTTP (not a secure context) there is no randomUUID: a version 4 UUID by hand.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const pad2 = (n) => String(n).padStart(2, "0");

export function localIso(date) {
  const off = -date.getTimezoneOffset();
  return `${date.getFullYear()}-${pad2(date.getMonth() + 1)}-${pad2(date.getDate())}T${pad2(date.getHours())}:` +
    `${pad2(date.getMinutes())}:${pad2(date.getSeconds())}${off >= 0 ? "+" : "-"}` +
    `${pad2(Math.floor(Math.abs(off) / 60))}:${pad2(Math.abs(off) % 60)}`;
}

// A scanned or typed key as the mirror keeps it: trimmed, upper case, digits padded.
export function normalise(name, value) {
  const field = F[name];
  let text = String(value ?? "").trim();
  if (!text) return "";
  if (!field.keepCase) text = text.toUpperCase();
  if (field.pad && /^\d+$/.test(text) && text.length < field.pad) text = text.padStart(field.pad, "0");
  return text;
}

export function parseNumber(text) {
  const cleaned = String(text ?? "").trim().replace(",", ".");
  if (!cleaned) return null;
  return /^[-+]?(\d+\.?\d*|\.\d+)$/.test(cleaned) ? Number(cleaned) : NaN;
}

// values: {field: text or boolean}, timing: "hours" or "clock". Returns {payload} or {errors}.
export function build(type, values, timing, collectedAt = new Date()) {
  const kind = KINDS[type];
  const payload = {type, collected_at: localIso(collectedAt)};
  const errors = {};
  for (const name of kind.fields) {
    const field = F[name];
    if (kind.timed && field.timed && field.timed !== timing) continue;
    const raw = values[name];
    if (field.kind === "flag") { if (raw) payload[name] = true; continue; }
    if (field.kind === "number") {
      const number = parseNumber(raw);
      if (Number.isNaN(number)) errors[name] = `${field.label}: a number, please`;
      else if (number !== null) payload[name] = number;
      continue;
    }
    if (field.kind === "time") {
      if (raw) payload[name] = raw; // "HH:MM", made a date-time below
      continue;
    }
    const text = normalise(name, raw);
    if (text) payload[name] = text;
  }
  for (const name of kind.required) {
    if (payload[name] === undefined && !errors[name]) errors[name] = `${F[name].label} is needed`;
  }
  if (kind.timed) {
    if (timing === "clock") {
      if (!payload.start) errors.start = "Start is needed";
      if (!payload.stop) errors.stop = "Stop is needed";
      if (payload.start && payload.stop) {
        const day = new Date(collectedAt);
        const at = (hhmm, plusDay) => {
          const [h, m] = hhmm.split(":").map(Number);
          const moment = new Date(day.getFullYear(), day.getMonth(), day.getDate() + (plusDay ? 1 : 0), h, m, 0);
          return localIso(moment);
        };
        const overnight = payload.stop <= payload.start; // a night shift: stop is the next day
        const startAt = at(payload.start, false);
        payload.stop = at(payload.stop, overnight);
        payload.start = startAt;
      }
    } else if (payload.hours === undefined && !errors.hours) {
      errors.hours = "Hours are needed (or switch to start and stop)";
    }
  }
  return Object.keys(errors).length ? {errors} : {payload};
}

// A new waiting line, its client_txn_id made once, here.
export async function save(payload, copiedFrom = null) {
  const line = {
    client_txn_id: newId(), state: "waiting", payload: null, copied_from: copiedFrom,
    saved_at: new Date().toISOString(),
  };
  line.payload = {client_txn_id: line.client_txn_id, ...payload};
  await db.addLine(line);
  if (copiedFrom) {
    const old = await db.getLine(copiedFrom);
    if (old) { old.copied_to = line.client_txn_id; await db.putLines([old]); }
  }
  return line;
}

// Master-data checks: warnings and confirmations, never a refusal (the portal stores and flags).
// Returns {tone: "ok" | "warn", text} or null.
export async function check(name, value, values) {
  const field = F[name];
  if (!field || !field.check || !value) return null;
  const key = normalise(name, value);
  switch (field.check) {
    case "work_order": {
      const order = await db.lookup("work_orders", key);
      if (!order) return warn(`Work order ${key} is not in this handheld's master data — kept, the office will check it`);
      if (order.active === false) return warn(`Work order ${key} is no longer in MAS`);
      if (order.status === "C") return warn(`Work order ${key} is closed`);
      if (order.on_hold) return warn(`Work order ${key} is on hold`);
      return ok(`${order.item_code} ${order.item_description || ""}`.trim());
    }
    case "step": {
      const order = normalise("work_order", values.work_order);
      if (!order) return null;
      const step = await db.lookup("steps", [order, key]);
      if (!step || step.active === false) return warn(`Step ${key} is not on work order ${order}`);
      if (step.step_complete) return warn(`Step ${key} is already complete`);
      return ok(`${step.work_center || ""} ${step.description || ""}`.trim() || `Step ${key}`);
    }
    case "employee": {
      const person = await db.lookup("employees", key);
      if (!person) return warn(`Employee ${key} is not in this handheld's master data`);
      const name = `${person.first_name || ""} ${person.last_name || ""}`.trim();
      if (person.active === false) return warn(`${name || key} is inactive in MAS`);
      return ok(name || key);
    }
    case "crew": {
      const crew = await db.lookup("crews", key);
      if (!crew || crew.active === false) return warn(`Crew ${key} is not in this handheld's master data`);
      return ok(crew.description || key);
    }
    case "item": {
      const item = await db.lookup("items", key);
      if (!item) return warn(`Item ${key} is not in this handheld's master data`);
      if (item.active === false) return warn(`Item ${key} is inactive in MAS`);
      return ok(item.description || key);
    }
    case "warehouse": {
      const warehouse = await db.lookup("warehouses", key);
      if (!warehouse || warehouse.active === false) return warn(`Warehouse ${key} is not in this handheld's master data`);
      return ok(warehouse.description || key);
    }
    default:
      return null;
  }
}

const ok = (text) => ({tone: "ok", text});
const warn = (text) => ({tone: "warn", text});

// What a line says in "My lines".
export function describe(line) {
  const p = line.payload;
  const bits = [p.work_order];
  if (p.step) bits.push(`step ${p.step}`);
  if (p.employee) bits.push(`emp ${p.employee}`);
  if (p.crew) bits.push(`crew ${p.crew}`);
  if (p.item_code) bits.push(p.item_code);
  if (p.hours !== undefined) bits.push(`${p.hours} h`);
  if (p.start && p.stop) bits.push(`${p.start.slice(11, 16)}–${p.stop.slice(11, 16)}`);
  if (p.quantity !== undefined) bits.push(`qty ${p.quantity}`);
  if (p.qty_completed !== undefined) bits.push(`done ${p.qty_completed}`);
  return bits.filter(Boolean).join(" · ");
}

const STATUS_WORDS = {
  collected: "At the portal", needs_review: "Waiting for review", flagged: "Flagged for review",
  approved: "Approved", rejected: "Rejected", exported: "Sent to MAS",
};

// {tone, text} of a line's state for "My lines".
export function stateOf(line) {
  if (line.state === "waiting") return {tone: "wait", text: "Waiting to sync"};
  if (line.state === "invalid" || line.state === "conflict") {
    const problems = Object.entries(line.errors || {}).map(([field, why]) => `${F[field] ? F[field].label : field}: ${why}`);
    const head = line.state === "invalid" ? "Not accepted" : "Conflict: this line's id was used for other content";
    return {tone: "bad", text: problems.length ? `${head} — ${problems.join("; ")}` : head};
  }
  const status = line.server_status;
  if (status === "rejected") return {tone: "bad", text: `Rejected${line.reason ? `: ${line.reason}` : ""}`};
  if (status) return {tone: status === "approved" || status === "exported" ? "ok" : "info", text: STATUS_WORDS[status] || status};
  return {tone: "info", text: "Sent"};
}

export function canCopy(line) {
  return !line.copied_to && (line.server_status === "rejected" || line.state === "invalid" || line.state === "conflict");
}
