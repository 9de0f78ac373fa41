// Small page behaviours shared by the portal's pages (no framework, served locally).
document.addEventListener("change", (event) => {
  const toggle = event.target.closest("input[data-toggle-all]");
  if (!toggle) return;
  const name = toggle.dataset.toggleAll;
  const scope = toggle.closest("table") || document;
  scope.querySelectorAll(`input[type=checkbox][name="${name}"]`).forEach((box) => {
    box.checked = toggle.checked;
  });
});

// A read-only value to copy (a device token): selected as soon as it is focused.
document.addEventListener("focusin", (event) => {
  if (event.target.matches("input[data-select-on-focus]")) event.target.select();
});

// A "Print" link: the browser's print dialog.
document.addEventListener("click", (event) => {
  if (!event.target.closest("[data-print]")) return;
  event.preventDefault();
  window.print();
});

// A form that asks first (data-confirm="Revoke …?"): submitted only when the person agrees.
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
});
