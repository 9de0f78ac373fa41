// Suggestions from the mirror while a line is corrected: each <input data-lookup="URL"> becomes an
// ARIA 1.2 combobox (editable, list autocomplete). Typing asks the portal (debounced) for the
// work orders, steps, employees, crews or items whose code begins with the text or whose name
// contains it; Down/Up move through them, Enter picks one (the code goes into the field, its
// name shows below), Escape closes the list. Without this script the field is a plain text box
// that takes a typed code, checked by the form as always.
(() => {
  const WAIT_MS = 200;
  const setup = (input, n) => {
    const id = input.id || `lookup-${n}`;
    input.id = id;
    const box = input.parentElement;
    box.classList.add("lookup");
    const list = document.createElement("ul");
    list.id = `${id}-listbox`;
    list.className = "lookup-list list-group shadow-sm";
    list.setAttribute("role", "listbox");
    const label = document.querySelector(`label[for="${id}"]`);
    list.setAttribute("aria-label", `Suggestions for ${label ? label.textContent.replace("*", "").trim() : "this field"}`);
    list.hidden = true;
    const said = document.createElement("div");
    said.id = `${id}-lookup-name`;
    said.className = "form-text lookup-name";
    said.setAttribute("aria-live", "polite");
    input.after(list, said);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-describedby", [input.getAttribute("aria-describedby"), said.id].filter(Boolean).join(" "));
    input.autocomplete = "off";

    let results = [];
    let active = -1;
    let timer = null;
    let asking = null;

    const close = () => {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    };
    const highlight = (index) => {
      active = index;
      Array.from(list.children).forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
      const option = list.children[index];
      if (!option) { input.removeAttribute("aria-activedescendant"); return; }
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    };
    const pick = (index) => {
      const chosen = results[index];
      if (!chosen) return;
      input.value = chosen.code;
      said.textContent = [chosen.name, chosen.note].filter(Boolean).join(" · ");
      close();
      input.dispatchEvent(new Event("change", { bubbles: true }));
    };
    const show = (found, complete) => {
      results = found;
      list.replaceChildren(...found.map((row, i) => {
        const option = document.createElement("li");
        option.id = `${id}-option-${i}`;
        option.className = `list-group-item list-group-item-action py-1${row.usable ? "" : " text-body-secondary"}`;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        const code = document.createElement("span");
        code.className = "fw-semibold me-2";
        code.textContent = row.code;
        const name = document.createElement("span");
        name.textContent = row.name;
        option.append(code, name);
        if (row.note) {
          const note = document.createElement("span");
          note.className = "small ms-2 fst-italic";
          note.textContent = `(${row.note})`;
          option.append(note);
        }
        // Keep the focus in the field (a click would blur it first), then pick.
        option.addEventListener("mousedown", (event) => event.preventDefault());
        option.addEventListener("click", () => pick(i));
        return option;
      }));
      active = -1;
      input.removeAttribute("aria-activedescendant");
      const more = complete ? "" : " More may match: type more of it.";
      if (!found.length) {
        said.textContent = complete ? "No match in the mirror: check the code." : more.trim();
        close();
        return;
      }
      said.textContent = `${found.length} suggestion${found.length === 1 ? "" : "s"}: Down arrow to choose.${more}`;
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    };
    const ask = () => {
      const text = input.value.trim();
      if (!text) { close(); said.textContent = ""; return; }
      const params = new URLSearchParams({ q: text });
      if (input.dataset.lookupWorkOrder) {
        const order = document.querySelector(input.dataset.lookupWorkOrder);
        if (!order || !order.value.trim()) {
          close();
          said.textContent = "Give the work order first: the steps suggested are its steps.";
          return;
        }
        params.set("work_order", order.value.trim());
      }
      if (asking) asking.abort();
      asking = new AbortController();
      fetch(`${input.dataset.lookup}?${params}`, { headers: { Accept: "application/json" }, signal: asking.signal })
        .then((response) => response.json().then((body) => ({ ok: response.ok, body })))
        .then(({ ok, body }) => {
          if (text !== input.value.trim()) return; // typed on meanwhile: the next answer counts
          if (!ok) { close(); said.textContent = body.error || "No suggestions: type the code."; return; }
          show(body.results, body.complete !== false);
        })
        .catch((error) => {
          if (error.name !== "AbortError") { close(); said.textContent = "No suggestions now: type the code."; }
        });
    };

    input.addEventListener("input", () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, WAIT_MS);
    });
    input.addEventListener("keydown", (event) => {
      if (event.isComposing) return;
      const open = !list.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!open) { if (results.length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); highlight(0); } else ask(); return; }
        highlight(Math.min(active + 1, results.length - 1));
      } else if (event.key === "ArrowUp" && open) {
        event.preventDefault();
        highlight(active <= 0 ? results.length - 1 : active - 1);
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault(); // picks; the form is not sent
        pick(active);
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", close);
  };
  document.querySelectorAll("input[data-lookup]").forEach(setup);
})();
