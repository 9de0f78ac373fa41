// The handheld's IndexedDB: the pulled master data, the lines collected, a few settings.
//
// Master-data stores are keyed by the mirror's keys (PRODUCT.md §3) and hold the rows as the
// device API sends them, "active": false included (a row gone from MAS, or inactive there, is
// marked, never deleted). Lines are keyed by their client_txn_id, made once when collected.
const NAME = "woscan-handheld";
const VERSION = 1;

export const MASTER_STORES = {
  work_orders: "number",
  steps: ["work_order", "step"],
  materials: ["work_order", "line_key"],
  items: "code",
  warehouses: "code",
  employees: "number",
  crews: "number",
  crew_members: ["crew", "employee"],
};
export const PAGE = 2000; // master-data rows written per IndexedDB transaction

let opened = null;

export function open() {
  if (!opened) {
    opened = new Promise((resolve, reject) => {
      const request = indexedDB.open(NAME, VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        for (const [store, keyPath] of Object.entries(MASTER_STORES)) {
          if (!db.objectStoreNames.contains(store)) db.createObjectStore(store, {keyPath});
        }
        if (!db.objectStoreNames.contains("lines")) {
          const lines = db.createObjectStore("lines", {keyPath: "client_txn_id"});
          lines.createIndex("state", "state");
          lines.createIndex("collected_at", "payload.collected_at");
        }
        if (!db.objectStoreNames.contains("meta")) db.createObjectStore("meta");
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
      request.onblocked = () => reject(new Error("The handheld's storage is in use by an older copy of the app: close it."));
    });
  }
  return opened;
}

const done = (request) => new Promise((resolve, reject) => {
  request.onsuccess = () => resolve(request.result);
  request.onerror = () => reject(request.error);
});

// Run fn(tx) in one transaction; resolves with fn's result once the transaction committed.
export async function transact(stores, mode, fn, durability = "default") {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(stores, mode, {durability});
    let result;
    tx.oncomplete = () => resolve(result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error("IndexedDB transaction aborted"));
    Promise.resolve(fn(tx)).then((value) => { result = value; }, (error) => { tx.abort(); reject(error); });
  });
}

// --- settings (token, device name, cursors, last sync) -------------------------------------
export async function getMeta(key) {
  return transact("meta", "readonly", (tx) => done(tx.objectStore("meta").get(key)));
}

export async function setMeta(values) {
  return transact("meta", "readwrite", (tx) => {
    const store = tx.objectStore("meta");
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) store.delete(key); else store.put(value, key);
    }
  }, "strict");
}

// --- master data -----------------------------------------------------------------------------
// Write a pulled table: one transaction per PAGE rows. Rows are upserted by their key; a row
// the server marks inactive replaces the active one, so a lookup sees it is gone.
export async function putRows(store, rows) {
  for (let start = 0; start < rows.length; start += PAGE) {
    const page = rows.slice(start, start + PAGE);
    await transact(store, "readwrite", (tx) => {
      const target = tx.objectStore(store);
      for (const row of page) target.put(row);
    }, "relaxed"); // master data can always be pulled again
  }
}

export async function lookup(store, key) {
  return transact(store, "readonly", (tx) => done(tx.objectStore(store).get(key)));
}

export async function countRows(store) {
  return transact(store, "readonly", (tx) => done(tx.objectStore(store).count()));
}

export async function stepsOf(workOrder) {
  return transact("steps", "readonly", (tx) =>
    done(tx.objectStore("steps").getAll(IDBKeyRange.bound([workOrder, ""], [workOrder, "\uffff"]))));
}

// --- lines -----------------------------------------------------------------------------------
export async function addLine(line) {
  return transact("lines", "readwrite", (tx) => { tx.objectStore("lines").add(line); }, "strict");
}

export async function putLines(lines) {
  return transact("lines", "readwrite", (tx) => {
    const store = tx.objectStore("lines");
    for (const line of lines) store.put(line);
  }, "strict");
}

export async function getLine(id) {
  return transact("lines", "readonly", (tx) => done(tx.objectStore("lines").get(id)));
}

export async function linesIn(state) {
  return transact("lines", "readonly", (tx) => done(tx.objectStore("lines").index("state").getAll(state)));
}

export async function countLines(state) {
  return transact("lines", "readonly", (tx) => done(tx.objectStore("lines").index("state").count(state)));
}

// The newest lines first, at most `limit`.
export async function recentLines(limit) {
  return transact("lines", "readonly", (tx) => new Promise((resolve, reject) => {
    const found = [];
    const request = tx.objectStore("lines").index("collected_at").openCursor(null, "prev");
    request.onerror = () => reject(request.error);
    request.onsuccess = () => {
      const cursor = request.result;
      if (!cursor || found.length >= limit) { resolve(found); return; }
      found.push(cursor.value);
      cursor.continue();
    };
  }));
}

// Apply "My lines" answers (the server's state of each line) in one transaction.
export async function applyLineStates(states) {
  return transact("lines", "readwrite", async (tx) => {
    const store = tx.objectStore("lines");
    let changed = 0;
    for (const state of states) {
      if (!state.client_txn_id) continue;
      const line = await done(store.get(String(state.client_txn_id).toLowerCase()));
      if (!line) continue; // a line this handheld no longer holds
      Object.assign(line, {
        state: line.state === "waiting" ? "sent" : line.state,
        server_id: state.id ?? line.server_id,
        server_status: state.status,
        reason: state.reason || "",
        decided_at: state.decided_at || null,
      });
      store.put(line);
      changed += 1;
    }
    return changed;
  }, "strict");
}
