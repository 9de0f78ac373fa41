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
