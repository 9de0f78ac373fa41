// The review pages' single-key shortcuts: what the queue (queue.js) and a line (line.js) share.
// They never act while a field has the focus, and can be turned off (WCAG 2.1.4): the choice is
// kept in this browser (localStorage "woscan.singleKeys"), switched in the "?" help box.
(() => {
  const STORE = "woscan.singleKeys";
  const enabled = () => {
    try { return window.localStorage.getItem(STORE) !== "off"; } catch (e) { return true; }
  };
  const setEnabled = (on) => {
    try { window.localStorage.setItem(STORE, on ? "on" : "off"); } catch (e) { /* private mode */ }
  };
  const typing = (event) => Boolean(event.target.closest && event.target.closest(
    "input, textarea, select, [contenteditable], dialog[open]"));
  const help = () => document.getElementById("keys-help");
  const showHelp = () => {
    const dialog = help();
    if (!dialog || dialog.open) return;
    const toggle = dialog.querySelector("[data-keys-toggle]");
    if (toggle) toggle.checked = enabled();
    dialog.showModal();
  };
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-keys-help]")) { event.preventDefault(); showHelp(); }
    if (event.target.closest("[data-keys-close]")) help().close();
  });
  document.addEventListener("change", (event) => {
    if (event.target.matches("[data-keys-toggle]")) setEnabled(event.target.checked);
  });

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
