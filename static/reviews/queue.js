// The review queue: filters that leave empty fields out of the URL, the selection's totals,
// and the keys (keys.js): j/k or arrows move, x selects (Shift+X the whole page), a approves,
// r rejects with a reason, e corrects, Enter opens, / searches, ? shows them.
(() => {
  // Empty filters are not sent: the URL carries only what is set.
  document.querySelectorAll("form[data-drop-empty]").forEach((form) => {
    form.addEventListener("submit", () => {
      form.querySelectorAll("input, select").forEach((field) => {
        if (field.name && field.value === "") field.disabled = true;
      });
    });
  });
  window.addEventListener("pageshow", () => {
    document.querySelectorAll("form[data-drop-empty] :disabled").forEach((field) => { field.disabled = false; });
  });

  // The saved filters' menu closes with Escape (back to its summary) and on a click elsewhere.
  document.querySelectorAll("details.queue-saved").forEach((menu) => {
    menu.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && menu.open) {
        menu.open = false;
        menu.querySelector("summary").focus();
        event.stopPropagation();
      }
    });
    document.addEventListener("click", (event) => {
      if (menu.open && !menu.contains(event.target)) menu.open = false;
    });
  });

  const form = document.querySelector("form[data-queue]");
  const rows = () => Array.from(document.querySelectorAll(".queue-table tbody tr[data-status]"));
  const box = (row) => row.querySelector('input[type=checkbox][name="pk"]');
  const link = (row) => row.querySelector('a[data-testid="line-link"]');

  // What is selected, added up live.
  const totals = document.querySelector('[data-testid="selected-totals"]');
  const decimals = (a, b) => Math.max(a, (b.split(".")[1] || "").length);
  const addUp = () => {
    if (!totals) return;
    const picked = rows().filter((row) => box(row) && box(row).checked);
    if (!picked.length) { totals.textContent = ""; return; }
    const sum = (name) => {
      let total = 0, places = 0;
      picked.forEach((row) => {
        const value = row.dataset[name] || "";
        if (value) { total += parseFloat(value); places = decimals(places, value); }
      });
      // As the filtered totals read: no trailing zeros after the point ("1.5", not "1.500"),
      // thousands separated ("1,204.5").
      const text = total.toFixed(Math.min(places, 4)).replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, "");
      const [whole, part] = text.split(".");
      return whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",") + (part ? `.${part}` : "");
    };
    totals.textContent = `· Selected ${picked.length}: ${sum("hours")} h · ${sum("qty")} completed · ${sum("issued")} issued`;
  };
  document.addEventListener("change", (event) => {
    if (event.target.matches('input[type=checkbox][name="pk"], input[data-toggle-all]')) addUp();
  });
  addUp();

  // The current row.
  let current = -1;
  const move = (to) => {
    const all = rows();
    if (!all.length || !link(all[0])) return false;
    current = Math.max(0, Math.min(all.length - 1, to));
    all.forEach((row, i) => row.classList.toggle("queue-current", i === current));
    link(all[current]).focus();
    return true;
  };
  document.addEventListener("focusin", (event) => {
    const row = event.target.closest(".queue-table tbody tr[data-status]");
    if (row) {
      current = rows().indexOf(row);
      rows().forEach((r) => r.classList.toggle("queue-current", r === row));
    }
  });
  const here = () => (current >= 0 ? rows()[current] : null);
  const picked = () => rows().filter((row) => box(row) && box(row).checked);

  // A decision on the selection, or on the current line when nothing is selected: applied at
  // once (lines that need something more, such as a reason to approve over an error, are
  // skipped and the message says so).
  const decide = (decision, reason) => {
    if (!form) return false;
    let lines = picked();
    if (!lines.length && here() && box(here())) { box(here()).checked = true; lines = [here()]; }
    if (!lines.length) return false;
    const add = (name, value) => {
      const input = document.createElement("input");
      input.type = "hidden"; input.name = name; input.value = value;
      form.appendChild(input);
    };
    add("_apply", "1");
    if (reason) add("reason", reason);
    form.action = form.dataset[decision + "Url"];
    form.submit();
    return true;
  };
  const askReason = window.WOScanKeys.reasonBox(document.getElementById("reason-dialog"),
    (reason) => decide("reject", reason));

  window.WOScanKeys.listen({
    j: () => move(current + 1), ArrowDown: () => move(current + 1),
    k: () => move(current - 1), ArrowUp: () => move(current - 1),
    x: () => {
      if (!here() || !box(here())) return move(current) && false;
      box(here()).checked = !box(here()).checked;
      addUp();
      return true;
    },
    X: () => {
      const all = rows().filter(box);
      const on = all.some((row) => !box(row).checked);
      all.forEach((row) => { box(row).checked = on; });
      addUp();
      return all.length > 0;
    },
    a: () => decide("approve"),
    r: () => {
      const n = picked().length || (here() && box(here()) ? 1 : 0);
      if (!n) return false;
      return askReason(`${n} line${n === 1 ? "" : "s"}`);
    },
    e: () => {
      if (!here()) return false;
      const url = new URL(link(here()).href);
      url.pathname = url.pathname.replace(/\/?$/, "/edit/");
      window.location.assign(url.toString());
      return true;
    },
    Enter: () => (here() ? (window.location.assign(link(here()).href), true) : false),
    "/": () => {
      const search = document.querySelector('[data-key="search"]');
      if (!search) return false;
      search.focus();
      search.select();
      return true;
    },
  });
})();
