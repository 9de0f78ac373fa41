// Keyboard shortcuts on a review line: n next, a approve, r reject (reason first), e correct.
document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.target.closest("input, textarea, select, [contenteditable]")) return;
  const find = (key) => document.querySelector(`[data-key="${key}"]`);
  const press = (key) => {
    const target = find(key);
    if (!target || target.disabled) return false;
    target.click();
    return true;
  };
  if (event.key === "n" || event.key === "j") press("next");
  else if (event.key === "e") press("edit");
  else if (event.key === "a") press("approve");
  else if (event.key === "r") {
    const reason = find("reason");
    if (reason && !reason.value.trim()) {
      reason.focus();
      reason.placeholder = "Type the reason, then press Reject";
    } else {
      press("reject");
    }
  } else return;
  event.preventDefault();
});
