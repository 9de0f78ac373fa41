// A background job's page (a bulk decision, Send to MAS): while the job runs, ask for its state every
// second and show it (the counts its page has fields for); reload once it has finished (or looks stopped),
// so the page shows the outcome and what can be done next.
(() => {
  const box = document.getElementById("bulk-job");
  if (!box || box.dataset.finished === "1") return;
  const field = (name) => box.querySelector(`[data-field=${name}]`);
  const number = (n) => n.toLocaleString("en-US");
  const poll = async () => {
    try {
      const answer = await fetch(box.dataset.statusUrl, {headers: {Accept: "application/json"}});
      const job = await answer.json();
      box.querySelector("[data-testid=job-state]").textContent = job.state_display;
      const bar = box.querySelector("progress");
      if (bar && job.seen !== undefined) {
        bar.max = job.total || 1;
        bar.value = job.seen;
      }
      for (const name of ["seen", "total", "done", "skipped"]) {
        if (field(name) && job[name] !== undefined) field(name).textContent = number(job[name]);
      }
      if (job.finished || job.stopped) { window.location.reload(); return; }
    } catch (e) { /* a missed poll is retried */ }
    setTimeout(poll, 1000);
  };
  setTimeout(poll, 1000);
})();
