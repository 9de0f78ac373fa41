// While the pull runs, ask for its status every two seconds; reload the page once it is finished.
(() => {
  const box = document.getElementById("pull-run");
  if (!box || box.dataset.finished === "1") return;
  const status = box.querySelector("[data-testid=run-status]");
  const poll = async () => {
    try {
      const answer = await fetch(box.dataset.statusUrl, {headers: {Accept: "application/json"}});
      const run = await answer.json();
      status.textContent = run.status_display + (run.finished ? "" : ` (${run.tables.length} tables so far)`);
      if (run.finished) { window.location.reload(); return; }
    } catch (e) { /* a missed poll is retried */ }
    setTimeout(poll, 2000);
  };
  setTimeout(poll, 1000);
})();
