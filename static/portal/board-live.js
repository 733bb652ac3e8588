/* The board, live: a WebSocket tells it when a delegation saves, submits or goes idle
 * (summaries/live/board.py), and the grid is fetched then; it polls every minute as a
 * safety net. Without WebSocket the grid polls every few seconds, as before. */

const grid = () => document.getElementById("board-grid");

function live(url) {
  const el = grid();
  if (!el || !("WebSocket" in window) || !window.htmx) return;
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}${url}`);
  const polling = { get: el.dataset.hxGet, trigger: el.dataset.hxTrigger };
  let timer = null;
  const use = (get, trigger) => {
    const current = grid();
    current.dataset.hxGet = get;
    current.dataset.hxTrigger = trigger;
    window.htmx.process(current);
  };
  socket.addEventListener("open", () => {
    const get = new URL(polling.get, location.href);
    get.searchParams.set("live", "1");
    use(get.pathname + get.search, "portal-board-changed from:body, every 60s");
    document.body.dataset.boardLive = "1";
  });
  socket.addEventListener("message", () => {
    clearTimeout(timer); // several saves at once: one fetch
    timer = setTimeout(() => document.body.dispatchEvent(new Event("portal-board-changed")), 300);
  });
  socket.addEventListener("close", () => {
    if (!document.body.dataset.boardLive) return; // never connected: it polls already
    delete document.body.dataset.boardLive;
    use(polling.get, polling.trigger); // back to polling every few seconds
  });
}

const el = grid();
if (el) live(el.dataset.liveUrl);
