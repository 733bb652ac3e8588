/* The countdown of a session's time box ([data-countdown]): started once per
 * delegation, the same on every laptop (the server keeps the start), survives reloads. */

function start(el) {
  const minutes = parseInt(el.dataset.minutes, 10);
  const skew = Date.parse(el.dataset.serverNow) - Date.now();
  const startButton = el.querySelector("[data-role=start]");
  const countdown = el.querySelector("[data-role=countdown]");
  const overtime = el.querySelector("[data-role=overtime]");
  let startedAt = el.dataset.startedAt ? Date.parse(el.dataset.startedAt) : null;

  const tick = () => {
    if (!startedAt) return;
    const left = Math.round((startedAt + minutes * 60000 - (Date.now() + skew)) / 1000);
    const abs = Math.abs(left);
    countdown.textContent = (left < 0 ? "−" : "") + Math.floor(abs / 60) + ":" + String(abs % 60).padStart(2, "0");
    countdown.classList.toggle("overtime", left < 0);
    overtime.classList.toggle("d-none", left >= 0);
  };

  if (startButton) {
    if (!startedAt) startButton.classList.remove("d-none");
    startButton.addEventListener("click", async () => {
      const csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;
      const response = await fetch(el.dataset.url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrf, Accept: "application/json" },
      });
      const data = await response.json();
      if (data.started_at) {
        startedAt = Date.parse(data.started_at);
        startButton.classList.add("d-none");
        tick();
      }
    });
  }
  tick();
  setInterval(tick, 1000);
}

for (const el of document.querySelectorAll("[data-countdown]")) start(el);
