// Keys on a review line (keys.js): n or j next, a approve, r reject (opens the reason field;
// the "r" is never typed into it), e correct, ? help; Ctrl+Enter in the reason sends it.
(() => {
  const find = (key) => document.querySelector(`[data-key="${key}"]`);
  const press = (key) => {
    const target = find(key);
    if (!target || target.disabled) return false;
    target.click();
    return true;
  };
  const reason = find("reason");
  let intent = "reject";
  const askReason = (decision) => {
    if (!reason) return false;
    intent = decision;
    reason.placeholder = decision === "reject"
      ? "Why is it rejected? Ctrl+Enter rejects" : "Why approve over the error? Ctrl+Enter approves";
    // After this keydown (its default is prevented, so nothing is typed): focus the field.
    window.setTimeout(() => reason.focus(), 0);
    return true;
  };
  if (reason) {
    reason.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
      event.preventDefault();
      if (!reason.value.trim()) return;
      press(intent);
    });
  }
  window.WOScanKeys.listen({
    n: () => press("next"), j: () => press("next"), ArrowRight: () => press("next"),
    e: () => press("edit"),
    a: () => {
      const approve = find("approve");
      if (approve && approve.dataset.needsReason && reason && !reason.value.trim()) return askReason("approve");
      return press("approve");
    },
    r: () => (reason && !reason.value.trim() ? askReason("reject") : press("reject")),
  });
})();
