// The review pages' single-key shortcuts: what the queue (queue.js) and a line (line.js) share.
// They never act while a field has the focus, and can be turned off (WCAG 2.1.4), per user: the
// choice is kept with the user and rendered into the page (<body data-single-keys="on|off">),
// switched in the "?" help box (a POST in the background; the page behaves at once).
// Before the user chose on the server (data-single-keys=""), a browser that kept the older
// switch (localStorage "woscan.singleKeys" = "off") is still honoured; once they choose, the
// server's value wins and the old one is dropped.
(() => {
  const STORE = "woscan.singleKeys";
  const chosen = () => document.body.dataset.singleKeys || "";
  const kept = () => {
    try { return window.localStorage.getItem(STORE); } catch (e) { return null; }
  };
  const forget = () => {
    try { window.localStorage.removeItem(STORE); } catch (e) { /* private mode */ }
  };
  const enabled = () => (chosen() ? chosen() === "on" : kept() !== "off");
  if (chosen() && kept() !== null) forget();

  const setEnabled = (form, on) => {
    const status = form.querySelector("[data-keys-status]");
    document.body.dataset.singleKeys = on ? "on" : "off";
    status.textContent = "Saving…";
    window.fetch(form.action, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { Accept: "application/json" },
    }).then((answer) => {
      if (!answer.ok) throw new Error(String(answer.status));
      return answer.json();
    }).then((saved) => {
      document.body.dataset.singleKeys = saved.single_keys;
      forget();
      status.textContent = `Saved: single-key shortcuts ${saved.single_keys}, on every desktop you sign in to.`;
    }).catch(() => {
      status.textContent = "Not saved (the portal did not answer): this page keeps your choice; try again later.";
    });
  };
  const typing = (event) => Boolean(event.target.closest && event.target.closest(
    "input, textarea, select, [contenteditable], dialog[open]"));
  const help = () => document.getElementById("keys-help");
  const showHelp = () => {
    const dialog = help();
    if (!dialog || dialog.open) return;
    const toggle = dialog.querySelector("[data-keys-toggle]");
    if (toggle) toggle.checked = enabled();
    const status = dialog.querySelector("[data-keys-status]");
    if (status) status.textContent = "";
    dialog.showModal();
  };
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-keys-help]")) { event.preventDefault(); showHelp(); }
    if (event.target.closest("[data-keys-close]")) help().close();
  });
  document.addEventListener("change", (event) => {
    if (event.target.matches("[data-keys-toggle]")) setEnabled(event.target.form, event.target.checked);
  });
  // With this script the switch saves itself: the form's button is for pages without it.
  document.querySelectorAll("[data-keys-form] [data-keys-save]").forEach((button) => { button.hidden = true; });

  // handlers: {key: function(event) -> false when the key did nothing}
  const listen = (handlers) => {
    document.addEventListener("keydown", (event) => {
      if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
      if (typing(event) || !enabled()) return;
      if (event.key === "?") { event.preventDefault(); showHelp(); return; }
      const handler = handlers[event.key];
      if (handler && handler(event) !== false) event.preventDefault();
    });
  };

  // The reason box: r opens it on an empty field (the key itself is never typed into it);
  // Ctrl+Enter sends it, Escape closes it.
  const reasonBox = (dialog, send) => {
    if (!dialog) return () => false;
    const text = dialog.querySelector("textarea");
    const submit = () => {
      if (!text.value.trim()) { text.setAttribute("aria-invalid", "true"); text.focus(); return; }
      send(text.value);
    };
    dialog.querySelector("[data-reason-submit]").addEventListener("click", submit);
    dialog.querySelector("[data-reason-cancel]").addEventListener("click", () => dialog.close());
    text.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); submit(); }
    });
    return (count) => {
      const label = dialog.querySelector("[data-reason-count]");
      if (label) label.textContent = count;
      text.value = "";
      dialog.showModal();
      text.focus();
      return true;
    };
  };

  window.WOScanKeys = { enabled, listen, reasonBox };
})();
