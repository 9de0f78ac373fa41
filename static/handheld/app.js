// The handheld app: screens, scan-to-advance, the sync schedule. No framework, no build step.
import * as db from "./db.js";
import * as lines from "./lines.js";
import * as syncer from "./sync.js";

const $ = (id) => document.getElementById(id);
const SCREENS = ["loading", "enrol", "home", "collect", "lines"];
const TITLES = {enrol: "WOScan", home: "WOScan", lines: "My lines"};
let current = {screen: "loading", type: null, copiedFrom: null};

function show(screen, title) {
  for (const name of SCREENS) $(`screen-${name}`).hidden = name !== screen;
  current.screen = screen;
  $("title").textContent = title || TITLES[screen] || "WOScan";
  $("back").hidden = !(screen === "collect" || screen === "lines");
  window.scrollTo(0, 0);
}

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("data-")) node.setAttribute(key, value);
    else if (key in node && typeof value !== "string") node[key] = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

const time = (iso) => new Date(iso).toLocaleTimeString([], {hour: "2-digit", minute: "2-digit", second: "2-digit"});

// --- the status strip: device, last sync, lines waiting ----------------------------------
async function refreshStatus() {
  const [device, last, waiting, revoked] = await Promise.all([
    db.getMeta("device"), db.getMeta("last_sync"), db.countLines("waiting"), db.getMeta("revoked"),
  ]);
  $("device-name").textContent = device || "";
  const status = $("sync-status");
  if (syncer.isRunning()) {
    status.className = "status busy";
  } else if (!last) {
    status.className = "status";
    status.textContent = "Not synced yet";
  } else {
    status.className = `status ${last.ok ? (last.attention ? "attention" : "ok") : "fail"}`;
    status.textContent = last.ok
      ? `Last sync ${time(last.at)} — OK: ${last.message}`
      : `Last sync ${time(last.at)} — failed: ${last.revoked ? "this handheld is no longer enrolled" : last.message}`;
  }
  $("waiting").textContent = `${waiting} ${waiting === 1 ? "line" : "lines"} waiting`;
  $("waiting").dataset.count = waiting;
  $("bar-waiting").textContent = `${waiting} waiting`;
  const banner = $("banner");
  banner.hidden = !revoked;
  if (revoked) {
    banner.replaceChildren(
      element("span", {text: syncer.REVOKED_MESSAGE}),
      element("button", {type: "button", class: "plain", id: "enrol-again", text: "Enrol again"}),
    );
    $("enrol-again").addEventListener("click", () => { location.hash = "#enrol"; });
  }
}

// --- sync ------------------------------------------------------------------------------------
async function runSync() {
  const button = $("sync-button");
  button.disabled = true;
  button.textContent = "Syncing…";
  $("sync-status").className = "status busy";
  $("sync-status").textContent = "Syncing…";
  performance.mark("handheld:sync-start");
  const result = await syncer.sync((text) => { $("sync-status").textContent = text; });
  performance.measure("handheld:sync", "handheld:sync-start");
  button.disabled = false;
  button.textContent = "Sync";
  await afterSync(result);
  return result;
}

async function afterSync(result) {
  await refreshStatus();
  if (current.screen === "lines") await renderLines();
  if (result.revoked) syncer.stopSchedule(); else syncer.schedule(runSync);
}

// --- enrolment -------------------------------------------------------------------------------
async function submitEnrolment(code) {
  const error = $("enrol-error");
  error.hidden = true;
  const cleaned = code.trim().toUpperCase();
  if (!cleaned) { error.textContent = "Scan or type the code first."; error.hidden = false; return; }
  $("enrol-submit").disabled = true;
  try {
    await syncer.enrol(cleaned);
    $("enrol-code").value = "";
    location.hash = "#home";
    await route();
    runSync();
  } catch (problem) {
    error.textContent = problem.message;
    error.hidden = false;
    $("enrol-code").select();
  } finally {
    $("enrol-submit").disabled = false;
  }
}

// --- collecting ------------------------------------------------------------------------------
function fieldInput(name, field, kind) {
  const id = `f-${name}`;
  const optional = !kind.required.includes(name) && !(kind.timed && field.timed);
  const labelText = `${field.label}${optional ? " (optional)" : ""}`;
  if (field.kind === "flag") {
    return element("label", {class: "flag", "data-field": name},
      element("input", {type: "checkbox", id, name}), element("span", {text: field.label}));
  }
  const input = element("input", {
    id, name, autocomplete: "off", spellcheck: "false", enterkeyhint: "next",
    "data-chain": "1",
  });
  if (field.kind === "number") { input.setAttribute("inputmode", "decimal"); }
  else if (field.kind === "time") { input.type = "time"; }
  else {
    input.setAttribute("autocapitalize", field.keepCase ? "off" : "characters");
    if (field.numeric || name === "work_order") input.setAttribute("inputmode", "numeric");
  }
  const row = element("div", {class: "row"}, input);
  if (field.kind === "scan" && "BarcodeDetector" in window) {
    row.append(element("button", {type: "button", class: "cam", "data-camera": name, "aria-label": `Scan ${field.label} with the camera`, text: "📷"}));
  }
  return element("div", {class: "field", "data-field": name, "data-timed": field.timed || ""},
    element("label", {for: id, text: labelText}), row,
    element("p", {class: "note", id: `note-${name}`, "aria-live": "polite"}));
}

function renderCollect(type, prefill = null) {
  const kind = lines.KINDS[type];
  const box = $("collect-fields");
  box.replaceChildren();
  box.dataset.type = type;
  for (const name of kind.fields) {
    if (kind.timed && name === "hours") { // hours, or start and stop: the worker picks
      box.append(element("fieldset", {class: "segment"},
        element("legend", {text: "Time as"}),
        element("label", {}, element("input", {type: "radio", name: "timing", value: "hours", checked: true}), element("span", {text: "Hours"})),
        element("label", {}, element("input", {type: "radio", name: "timing", value: "clock"}), element("span", {text: "Start – stop"})),
      ));
    }
    box.append(fieldInput(name, lines.FIELD[name], kind));
  }
  if (prefill) {
    const p = prefill.payload;
    const clock = Boolean(p.start && p.stop);
    for (const name of kind.fields) {
      const input = box.querySelector(`[name="${name}"]`);
      if (!input || p[name] === undefined) continue;
      if (input.type === "checkbox") input.checked = Boolean(p[name]);
      else if (input.type === "time") input.value = String(p[name]).slice(11, 16);
      else input.value = p[name];
    }
    if (clock) box.querySelector('input[name="timing"][value="clock"]').checked = true;
  } else {
    for (const name of kind.sticky) {
      const remembered = sessionStorage.getItem(`sticky-${type}-${name}`);
      if (remembered) box.querySelector(`[name="${name}"]`).value = remembered;
    }
  }
  applyTiming();
  $("collect-error").hidden = true;
  $("saved").hidden = true;
  for (const input of chain()) if (input.value) noteFor(input);
  focusFirstEmpty();
}

function timing() {
  const checked = document.querySelector('#collect-fields input[name="timing"]:checked');
  return checked ? checked.value : "hours";
}

function applyTiming() {
  const mode = timing();
  for (const field of document.querySelectorAll("#collect-fields .field[data-timed]")) {
    const timed = field.dataset.timed;
    field.hidden = Boolean(timed) && timed !== mode;
  }
}

function chain() {
  return [...document.querySelectorAll("#collect-fields input[data-chain]")].filter((input) => !input.closest("[hidden]"));
}

function focusFirstEmpty() {
  const inputs = chain();
  const target = inputs.find((input) => !input.value) || inputs[0];
  if (target) target.focus();
}

function values() {
  const result = {};
  for (const input of document.querySelectorAll("#collect-fields input[name]")) {
    if (input.name === "timing") continue;
    result[input.name] = input.type === "checkbox" ? input.checked : input.value;
  }
  return result;
}

async function noteFor(input) {
  const note = $(`note-${input.name}`);
  if (!note) return;
  const value = input.value;
  const found = await lines.check(input.name, value, values());
  if (input.value !== value) return; // typed on since
  note.className = `note${found ? ` ${found.tone}` : ""}`;
  note.textContent = found ? found.text : "";
}

async function saveLine() {
  const type = $("collect-fields").dataset.type;
  const built = lines.build(type, values(), timing());
  for (const note of document.querySelectorAll("#collect-fields .note.error")) { note.className = "note"; note.textContent = ""; }
  if (built.errors) {
    const [first] = Object.keys(built.errors);
    for (const [name, message] of Object.entries(built.errors)) {
      const note = $(`note-${name}`);
      if (note) { note.className = "note error"; note.textContent = message; }
    }
    $("collect-error").textContent = Object.values(built.errors).join(". ");
    $("collect-error").hidden = false;
    const input = document.querySelector(`#collect-fields [name="${first}"]`);
    if (input) input.focus();
    return;
  }
  $("collect-error").hidden = true;
  const copiedFrom = current.copiedFrom;
  await lines.save(built.payload, copiedFrom);
  performance.measure("handheld:scan-to-saved", "handheld:scan-end");
  const kind = lines.KINDS[type];
  for (const name of kind.sticky) sessionStorage.setItem(`sticky-${type}-${name}`, values()[name] || "");
  await refreshStatus();
  if (copiedFrom) { current.copiedFrom = null; location.hash = "#lines"; return; }
  const keep = new Set(kind.sticky);
  for (const input of document.querySelectorAll("#collect-fields input[name]")) {
    if (input.name === "timing" || keep.has(input.name)) continue;
    if (input.type === "checkbox") input.checked = false; else input.value = "";
    const note = $(`note-${input.name}`);
    if (note) { note.className = "note"; note.textContent = ""; }
  }
  const waiting = Number($("waiting").dataset.count);
  const toast = $("saved");
  toast.textContent = `Saved ✓ — ${waiting} ${waiting === 1 ? "line" : "lines"} waiting`;
  toast.hidden = false;
  focusFirstEmpty();
}

function wireCollect() {
  const form = $("collect-form");
  form.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || !event.target.matches("input[data-chain]")) return;
    event.preventDefault();
    const inputs = chain();
    const index = inputs.indexOf(event.target);
    noteFor(event.target);
    if (index >= 0 && index < inputs.length - 1) {
      inputs[index + 1].focus();
      inputs[index + 1].select();
    } else {
      performance.mark("handheld:scan-end");
      saveLine();
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    performance.mark("handheld:scan-end");
    saveLine();
  });
  form.addEventListener("change", (event) => {
    if (event.target.name === "timing") { applyTiming(); focusFirstEmpty(); return; }
    if (event.target.matches("input[data-chain]")) noteFor(event.target);
  });
  form.addEventListener("input", () => { $("saved").hidden = true; });
}

// --- my lines ----------------------------------------------------------------------------------
async function renderLines() {
  const recent = await db.recentLines(200);
  const list = $("lines-list");
  list.replaceChildren();
  const counts = {waiting: 0, problems: 0};
  for (const line of recent) {
    const state = lines.stateOf(line);
    if (line.state === "waiting") counts.waiting += 1;
    if (state.tone === "bad" && !line.copied_to) counts.problems += 1;
    const item = element("li", {class: `line tone-${state.tone}`, "data-id": line.client_txn_id},
      element("div", {class: "kind", text: `${lines.label(line.payload.type)} · ${time(line.payload.collected_at)}`}),
      element("div", {class: "what", text: lines.describe(line)}),
      element("div", {class: "state", "data-testid": "line-state", text: state.text}),
    );
    if (line.copied_to) item.append(element("div", {class: "hint", text: "Copied into a new line"}));
    else if (lines.canCopy(line)) {
      item.append(element("a", {class: "big plain", href: `#copy/${line.client_txn_id}`, text: "Copy into a new line"}));
    }
    list.append(item);
  }
  $("lines-summary").textContent = recent.length
    ? `${counts.waiting} waiting · ${counts.problems} to fix · newest first`
    : "No lines collected on this handheld yet.";
}

// --- camera scanning (only where the browser has a barcode reader) -----------------------------
let cameraStream = null;

async function scanWithCamera(onValue) {
  const overlay = $("camera");
  const video = $("camera-video");
  try {
    cameraStream = await navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}});
  } catch (error) {
    return;
  }
  video.srcObject = cameraStream;
  overlay.hidden = false;
  await video.play();
  const detector = new window.BarcodeDetector();
  const tick = async () => {
    if (!cameraStream) return;
    try {
      const [code] = await detector.detect(video);
      if (code && code.rawValue) { closeCamera(); onValue(code.rawValue); return; }
    } catch (error) { /* the next frame */ }
    setTimeout(tick, 150);
  };
  tick();
}

function closeCamera() {
  if (cameraStream) for (const track of cameraStream.getTracks()) track.stop();
  cameraStream = null;
  $("camera").hidden = true;
}

function codeFromScan(value) {
  // The QR code holds the whole /handheld/?code=… address; a typed code is the code itself.
  try { return new URL(value).searchParams.get("code") || value; } catch (error) { return value; }
}

// --- routing -----------------------------------------------------------------------------------
async function route() {
  await refreshStatus();
  const token = await db.getMeta("token");
  const hash = location.hash.replace(/^#/, "");
  if (!token || hash === "enrol") {
    show("enrol", "Enrol");
    const device = await db.getMeta("device");
    $("enrol-camera").hidden = !("BarcodeDetector" in window);
    if (token && device) $("enrol-error").hidden = true;
    $("enrol-code").focus();
    return;
  }
  if (lines.KINDS[hash]) {
    current.copiedFrom = null;
    show("collect", lines.label(hash));
    renderCollect(hash);
    return;
  }
  if (hash.startsWith("copy/")) {
    const line = await db.getLine(hash.slice(5));
    if (line && lines.KINDS[line.payload.type]) {
      current.copiedFrom = line.client_txn_id;
      show("collect", `${lines.label(line.payload.type)} (copy)`);
      renderCollect(line.payload.type, line);
      return;
    }
  }
  if (hash === "lines") {
    show("lines");
    await renderLines();
    return;
  }
  show("home");
  await refreshStatus();
}

async function start() {
  await db.open();
  navigator.storage?.persist?.().catch(() => {});
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(document.body.dataset.worker, {scope: document.body.dataset.scope})
      .catch(() => {}); // without it the app works online; it just cannot start offline
  }
  wireCollect();
  $("back").addEventListener("click", () => { location.hash = current.screen === "collect" && current.copiedFrom ? "#lines" : "#home"; });
  $("sync-button").addEventListener("click", () => { runSync(); });
  $("enrol-form").addEventListener("submit", (event) => { event.preventDefault(); submitEnrolment($("enrol-code").value); });
  $("enrol-camera").addEventListener("click", () => scanWithCamera((value) => submitEnrolment(codeFromScan(value))));
  $("camera-close").addEventListener("click", closeCamera);
  $("collect-fields").addEventListener("click", (event) => {
    const button = event.target.closest("[data-camera]");
    if (!button) return;
    const input = document.querySelector(`#collect-fields [name="${button.dataset.camera}"]`);
    scanWithCamera((value) => {
      input.value = value;
      input.dispatchEvent(new KeyboardEvent("keydown", {key: "Enter", bubbles: true}));
    });
  });
  window.addEventListener("hashchange", route);
  window.addEventListener("online", () => { if (!syncer.isRunning()) runSync(); });

  const params = new URLSearchParams(location.search);
  const code = params.get("code");
  if (code) history.replaceState(null, "", location.pathname + location.hash);
  const token = await db.getMeta("token");
  if (code && !token) {
    show("enrol", "Enrol");
    $("enrol-code").value = code;
    await submitEnrolment(code);
    return;
  }
  if (code) {
    location.hash = "#enrol";
    await route();
    $("enrol-code").value = code;
    $("enrol-error").textContent = "This handheld is already enrolled: enrolling again replaces its token.";
    $("enrol-error").hidden = false;
    return;
  }
  await route();
  await refreshStatus();
  if (token && !(await db.getMeta("revoked"))) runSync(); // on start, behind the scenes
}

start();
