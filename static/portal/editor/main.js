/* Wires a page of editable units (the session page, the plan page): inside the element
 * marked [data-autosave-root], each [data-unit] saves on its own (unit.js). The page's
 * translated messages are the root's data-msg-* attributes
 * (summaries/templates/summaries/_autosave_messages.html); banners are [data-banner=…];
 * buttons marked data-lock-when-closed are disabled when the session closes. */

import { startLive } from "../live/live.js";
import { writerName } from "../live/writer.js";
import { Drafts } from "./drafts.js";
import { Protocol } from "./protocol.js";
import { State, Unit } from "./unit.js";

function banners() {
  const find = (name) => document.querySelector(`[data-banner=${name}]`);
  const offline = find("offline");
  const signedOut = find("signed-out");
  const restored = find("restored");
  return {
    offline(on) {
      if (offline) offline.classList.toggle("d-none", !on);
    },
    /** Show the signed-out banner with the server's message, or hide it (null). */
    signedOut(message) {
      if (!signedOut) return;
      if (message !== null) signedOut.querySelector("[data-role=message]").textContent = message;
      signedOut.classList.toggle("d-none", message === null);
    },
    restored() {
      if (restored) restored.classList.remove("d-none");
    },
  };
}

function start(root) {
  // Enhanced: autosave replaces the need for the Save button.
  document.documentElement.classList.add("js-autosave");
  const units = [];
  const page = {
    readonly: root.dataset.readonly === "1",
    messages: root.dataset,
    drafts: new Drafts(root.dataset.storageKey + ":"),
    protocol: new Protocol({
      csrf: root.querySelector("input[name=csrfmiddlewaretoken]").value,
      csrfUrl: root.dataset.csrfUrl,
    }),
    banners: banners(),
    writer: writerName,
    /** The session closed: every unit read-only, the reason shown, the buttons off. */
    lock(reason) {
      page.readonly = true;
      for (const unit of units) unit.lock();
      const box = document.querySelector("[data-role=closed-reason]");
      if (box) {
        box.textContent = reason || "";
        box.classList.remove("d-none");
      }
      for (const button of document.querySelectorAll("[data-lock-when-closed]")) button.disabled = true;
    },
  };
  units.push(...[...root.querySelectorAll("[data-unit]")].map((el) => new Unit(el, page)));

  // Nothing can be typed until this browser's copies are read (IndexedDB answers in a few
  // milliseconds, 1.5 s at most): typing first would race the restored text.
  const releases = units.map((unit) => unit.controls.hold());
  root.setAttribute("aria-busy", "true");
  page.drafts.load().then((copies) => {
    let restored = false;
    try {
      for (const unit of units) if (unit.recover(copies[unit.key] || [])) restored = true;
    } finally {
      for (const release of releases) release();
      root.removeAttribute("aria-busy");
    }
    if (restored && !page.readonly) page.banners.restored();
    startLive(root, units, page);
  });

  window.addEventListener("online", () => {
    for (const unit of units) {
      if (unit.due) {
        unit.retry = 0;
        unit.saveSoon(0);
      }
    }
  });
  window.addEventListener("offline", () => page.banners.offline(true));
  // Back on this tab (after signing in again in another one): try the signed-out units
  // now rather than at their next retry.
  const retrySignedOut = () => {
    if (document.visibilityState !== "visible") return;
    for (const unit of units) if (unit.state === State.SIGNED_OUT) unit.saveSoon(0);
  };
  window.addEventListener("focus", retrySignedOut);
  document.addEventListener("visibilitychange", retrySignedOut);
  window.addEventListener("beforeunload", (event) => {
    if (units.some((unit) => unit.unsaved)) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  // With JavaScript, a Save button saves its units now instead of posting the page.
  root.addEventListener("submit", (event) => {
    const inside = units.filter((unit) => event.target === unit.el || event.target.contains(unit.el));
    if (!inside.length) return; // e.g. "add an item": a plain post
    event.preventDefault();
    for (const unit of inside) unit.saveNow();
  });
}

const root = document.querySelector("[data-autosave-root]");
if (root) start(root);
