/* Live editing of a page (the session page, the plan page): its units bound to one Yjs
 * document shared over a WebSocket with the other laptops of the delegation
 * (summaries/live/), kept in this browser by y-indexeddb while the network is away.
 *
 * Decided once, at load: live when the browser can (WebSocket, a secure context) and
 * the server answers within CONNECT_WAIT_MS, or when the laptop is offline and live
 * worked on this page in this browser before (its copy of the document then opens from
 * IndexedDB and is sent when the network is back);
 * else the page says that live editing is unavailable and the units autosave exactly
 * as before. A page never switches between the two: the same text must not reach the
 * server by both ways. */

import { decoding, encoding, IndexeddbPersistence, WebsocketProvider, Y } from "../../vendor/live/yjs.js";
import { Binding } from "./binding.js";
import { Presence } from "./presence.js";
import { Review } from "./review.js";
import { writerForm, writerName } from "./writer.js";

const CONNECT_WAIT_MS = 4000;
const RESYNC_MS = 10000;
const SYNC_WAIT_MS = 5000;
const TO_LAPTOP = 100; // the portal's own messages (summaries/live/consumer.py)
const FROM_LAPTOP = 101;

function banner(name, on) {
  const el = document.querySelector(`[data-banner=${name}]`);
  if (el) el.classList.toggle("d-none", !on);
}

function unavailable(root, units) {
  root.dataset.live = "off";
  banner("live-unavailable", true);
  const form = writerForm(root, () => {});
  root.addEventListener("input", () => form.ask(), { once: true });
}

/* This laptop's edits not yet acknowledged by the server, also in localStorage: written
 * at the keystroke, so a reload right after it keeps it (y-indexeddb's copy is written a
 * moment later, in a transaction a reload can cut). Put back before the page binds. */
function toBase64(bytes) {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

function unacked(key) {
  return {
    add(update) {
      const kept = localStorage.getItem(key);
      const merged = kept ? Y.mergeUpdates([Uint8Array.from(atob(kept), (c) => c.charCodeAt(0)), update]) : update;
      try {
        localStorage.setItem(key, toBase64(merged));
      } catch {
        // Full: y-indexeddb still keeps the edit a moment later.
      }
    },
    restore(doc) {
      const kept = localStorage.getItem(key);
      if (kept) Y.applyUpdate(doc, Uint8Array.from(atob(kept), (c) => c.charCodeAt(0)), "restored");
    },
    clear() {
      localStorage.removeItem(key);
    },
  };
}

function send(provider, message) {
  const ws = provider.ws;
  if (!ws || ws.readyState !== WebSocket.OPEN) return;
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, FROM_LAPTOP);
  encoding.writeVarString(encoder, JSON.stringify(message));
  ws.send(encoding.toUint8Array(encoder));
}

export function startLive(root, units, page) {
  const path = root.dataset.livePath;
  if (!path) return;
  const local = ["localhost", "127.0.0.1", "[::1]"].includes(location.hostname);
  if (!("WebSocket" in window) || !("indexedDB" in window) || !(window.isSecureContext || local)) {
    unavailable(root, units);
    return;
  }
  const LIVE_WORKED = `wp-live-worked:${path}`;
  const doc = new Y.Doc();
  const stored = new IndexeddbPersistence(`wp-live:${path}`, doc);
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  // Every RESYNC_MS the laptop asks for what it lacks: a relay lost on the way (the
  // channel layer keeps no message) is healed within seconds.
  const provider = new WebsocketProvider(`${scheme}://${location.host}/ws/live`, path, doc, { connect: false, resyncInterval: RESYNC_MS });
  const origin = { laptop: true };
  const copy = unacked(`wp-live-unacked:${path}`);
  doc.on("update", (update, from) => {
    if (from === origin) copy.add(update);
  });
  const pending = new Map(); // unit key -> this laptop's clock at its last edit
  let live = false;
  let afterSync = null; // posts a submit once the server has written the document

  // Saved once the server has acknowledged this laptop's edits; until the first
  // acknowledgement after a (re)connection, what IndexedDB brought may not be there yet.
  let acked = false;
  const mark = () => {
    const connected = navigator.onLine && provider.wsconnected;
    for (const unit of units) {
      if (!connected) unit.showLive("offline");
      else unit.showLive(pending.has(unit.key) || !acked ? "saving" : "saved");
    }
  };
  provider.on("status", ({ status }) => {
    if (status !== "connected") acked = false;
  });
  provider.messageHandlers[TO_LAPTOP] = (_encoder, decoder) => {
    const message = JSON.parse(decoding.readVarString(decoder));
    if (message.type === "hello" || message.type === "readonly") {
      if (message.reason || message.readonly) page.lock(message.reason || message.readonly);
    } else if (message.type === "saved") {
      const clock = Number(message.state[String(doc.clientID)] || 0);
      for (const [key, at] of pending) if (at <= clock) pending.delete(key);
      if (!pending.size) copy.clear(); // the server holds everything typed here
      acked = true;
      mark();
    } else if (message.type === "structure") {
      banner("live-structure", true); // items added or removed on another laptop
    } else if (message.type === "synced") {
      afterSync?.();
    } else if (message.type === "refused") {
      root.dataset.liveRefused = message.reason;
      banner("live-refused", true);
    }
  };

  const goLive = ({ offline = false } = {}) => {
    if (live) return;
    live = true;
    root.dataset.live = "on";
    banner("live", true);
    const presence = new Presence(provider.awareness, root, units);
    const form = writerForm(root, (name) => presence.name(name));
    presence.name(writerName());
    for (const unit of units) {
      const binding = new Binding(unit, doc, origin, {
        onLocal: (edited) => {
          pending.set(edited.key, Y.getState(doc.store, doc.clientID));
          form.ask();
          mark();
        },
      });
      unit.goLive();
      binding.start({ keepTyped: unit.unsavedText });
    }
    const long = units.flatMap((unit) => unit.controls.mergeable.map((field) => ({
      unit: unit.key,
      field,
      text: doc.getText(`t:${unit.key}:${field}`),
      box: unit.el.querySelector("[data-role=review]"),
      language: unit.controls.groups.get(field)[0].lang || document.documentElement.lang,
    })));
    const review = new Review(doc, provider, long, root.dataset, { review: true });
    if (offline) review.startedOffline();
    mark();
    provider.on("status", mark);
    // The browser knows first when the Wi-Fi is gone: a socket left open would be taken
    // for dead only after y-websocket's 30 s silence.
    window.addEventListener("online", () => {
      provider.connect();
      mark();
    });
    window.addEventListener("offline", () => {
      provider.disconnect();
      mark();
    });
    // Before a submit or a final plan the server writes the document into the rows,
    // with all this connection holds (this laptop's last keystrokes and the others'
    // that reached it): the form is posted once it says so ("synced"), or after
    // SYNC_WAIT_MS, when the view writes what the server has kept.
    for (const form of document.querySelectorAll("form[data-sync-before]")) {
      form.addEventListener("submit", (event) => {
        if (form.dataset.liveSynced === "1" || !provider.wsconnected) return;
        event.preventDefault();
        let posted = false;
        const post = () => {
          if (posted) return;
          posted = true;
          afterSync = null;
          form.dataset.liveSynced = "1";
          form.requestSubmit(event.submitter);
        };
        afterSync = post;
        send(provider, { type: "sync_now" });
        setTimeout(post, SYNC_WAIT_MS);
      });
    }
  };

  stored.whenSynced.then(() => {
    copy.restore(doc);
    // Opened with no network: live on this browser's copy only if live worked here
    // before (else the venue may block WebSocket, and the autosave keeps the text).
    if (!navigator.onLine && localStorage.getItem(LIVE_WORKED) === "1") {
      goLive({ offline: true }); // this browser's copy now, the server's when the network is back
      provider.connect();
      return;
    }
    provider.connect();
    const timer = setTimeout(() => {
      if (live) return;
      provider.destroy();
      stored.destroy();
      unavailable(root, units);
    }, CONNECT_WAIT_MS);
    provider.once("sync", (synced) => {
      if (!synced) return;
      clearTimeout(timer);
      localStorage.setItem(LIVE_WORKED, "1");
      goLive();
    });
  });
}
