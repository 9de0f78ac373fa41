// Direct entry: Enter moves to the next field (keyboard-wedge scanners), findings checked as one types.
(() => {
  const form = document.getElementById("direct-entry");
  const fields = [...form.querySelectorAll("input[data-scan-field]")];
  if (fields.length) fields[0].focus();
  const collected = form.querySelector("input[name=collected_at]");
  const stamp = () => {
    if (collected.value) return;
    const now = new Date(), pad = (n) => String(n).padStart(2, "0"), off = -now.getTimezoneOffset();
    collected.value = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}T${pad(now.getHours())}:` +
      `${pad(now.getMinutes())}:${pad(now.getSeconds())}${off >= 0 ? "+" : "-"}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
  };
  // A keyboard-wedge scanner types the value and sends Enter: go to the next field.
  form.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    const index = fields.indexOf(event.target);
    if (index < 0) return;
    event.preventDefault();
    if (index < fields.length - 1) { fields[index + 1].focus(); fields[index + 1].select(); }
    else { stamp(); form.requestSubmit(); }
  });
  form.addEventListener("submit", stamp);
  const list = document.getElementById("findings");
  const show = (data) => {
    // The check replaces the field errors of the last store (the server's), so each shows once.
    form.querySelectorAll(".live-error, .invalid-feedback").forEach((el) => el.remove());
    fields.forEach((input) => input.classList.remove("is-invalid"));
    for (const [name, message] of Object.entries(data.errors)) {
      const input = form.querySelector(`input[name="${name}"]`);
      if (!input) continue;
      input.classList.add("is-invalid");
      const note = document.createElement("div");
      note.className = "live-error small text-danger"; note.textContent = message;
      input.after(note);
    }
    list.replaceChildren();
    if (!data.findings.length) {
      const item = document.createElement("li");
      item.className = "list-group-item text-success"; item.textContent = "No problems found so far.";
      list.append(item);
    }
    for (const finding of data.findings) {
      const item = document.createElement("li");
      item.className = `list-group-item list-group-item-${finding.severity === "error" ? "danger" : "warning"}`;
      item.dataset.code = finding.code;
      item.textContent = `${finding.severity === "error" ? "Error" : "Warning"}: ${finding.message}`;
      list.append(item);
    }
  };
  let timer = null, seq = 0;
  const check = () => {
    const params = new URLSearchParams();
    fields.forEach((input) => { if (input.value) params.set(input.name, input.value); });
    const mine = ++seq;
    fetch(`${form.dataset.checkUrl}&${params}`, {headers: {"Accept": "application/json"}})
      .then((response) => response.ok ? response.json() : null)
      .then((data) => { if (data && mine === seq) show(data); })
      .catch(() => {});
  };
  form.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(check, 250); });
  form.addEventListener("focusout", () => { clearTimeout(timer); timer = setTimeout(check, 50); });
})();
