/* One editable unit (the details, an answer, a plan item): its controls, the version
 * they are based on, and ONE state, changed only by `unit.on(event)` through the
 * table below. It saves a few seconds after typing stops and when a field loses
 * focus, keeps every change in this browser until the server confirms it (drafts.js),
 * and shows the server's three-way merge, or the conflict when there is one. */

import { cleanTyped, Controls } from "./controls.js";
import { same } from "./drafts.js";
import { checkLimits, countWordsIn, grow } from "./limits.js";
import { MergeView } from "./merge-view.js";
import { Outcome, retryDelay, SIGNED_OUT_RETRY_MS } from "./protocol.js";

const DEBOUNCE_MS = 2000;

export const State = Object.freeze({
  CLEAN: "clean", // what the server holds (as the page was loaded)
  DIRTY: "dirty", // typed here, a save is due
  SAVING: "saving", // a save is on its way, nothing typed since it left
  SAVED: "saved", // the server confirmed exactly what the editor holds
  RETRYING: "retrying", // the save did not reach the server: tried again, with back-off
  OFFLINE: "offline", // the same while offline, and the text is on disk in this browser
  SIGNED_OUT: "signed_out", // the sign-in expired: kept here, tried again after signing in
  OVER_LIMIT: "over_limit", // a field is over its limit: kept here, not sent
  REFUSED: "refused", // the server refused the values and said why
  CONFLICT: "conflict", // both laptops changed the same thing: the person decides
  CLOSED: "closed", // the session no longer accepts writes: nothing more is sent
});

// state -> event -> next state. Events not listed leave the state as it is.
const failed = (ctx) => (!ctx.online && ctx.kept ? State.OFFLINE : State.RETRYING);
const TRANSITIONS = {
  [State.CLEAN]: { edit: State.DIRTY, send: State.SAVING, conflict: State.CONFLICT, closed: State.CLOSED },
  [State.DIRTY]: {
    send: State.SAVING,
    over_limit: State.OVER_LIMIT,
    conflict: State.CONFLICT,
    closed: State.CLOSED,
    // An answer for a save that left before the last keystroke.
    network_failed: failed,
    signed_out: State.SIGNED_OUT,
    refused: State.REFUSED,
  },
  [State.SAVING]: {
    edit: State.DIRTY,
    confirmed: State.SAVED,
    network_failed: failed,
    signed_out: State.SIGNED_OUT,
    refused: State.REFUSED,
    conflict: State.CONFLICT,
    closed: State.CLOSED,
  },
  [State.SAVED]: { edit: State.DIRTY, send: State.SAVING, conflict: State.CONFLICT, closed: State.CLOSED },
  [State.RETRYING]: { edit: State.DIRTY, send: State.SAVING, kept: failed, closed: State.CLOSED, over_limit: State.OVER_LIMIT },
  [State.OFFLINE]: { edit: State.DIRTY, send: State.SAVING, closed: State.CLOSED, over_limit: State.OVER_LIMIT },
  [State.SIGNED_OUT]: { edit: State.DIRTY, send: State.SAVING, closed: State.CLOSED, over_limit: State.OVER_LIMIT },
  [State.OVER_LIMIT]: { edit: State.DIRTY, send: State.SAVING, closed: State.CLOSED },
  [State.REFUSED]: { edit: State.DIRTY, send: State.SAVING, over_limit: State.OVER_LIMIT, closed: State.CLOSED },
  [State.CONFLICT]: { resolved: State.DIRTY, closed: State.CLOSED },
  [State.CLOSED]: {},
};

/** States holding something the server does not have yet (leaving the page warns). */
const UNSAVED = new Set([
  State.DIRTY, State.SAVING, State.RETRYING, State.OFFLINE, State.SIGNED_OUT,
  State.OVER_LIMIT, State.REFUSED, State.CONFLICT, State.CLOSED,
]);
/** States in which a save is due as soon as it can go (a blur, the network back). */
const DUE = new Set([State.DIRTY, State.RETRYING, State.OFFLINE, State.SIGNED_OUT, State.REFUSED, State.OVER_LIMIT]);

/** The time of `iso` as the page writes times: in the workshop's time zone. */
export function hhmm(iso, timeZone) {
  const d = iso ? new Date(iso) : new Date();
  const options = { hour: "2-digit", minute: "2-digit" };
  try {
    return d.toLocaleTimeString(document.documentElement.lang || undefined, { ...options, timeZone: timeZone || undefined });
  } catch {
    return d.toLocaleTimeString(document.documentElement.lang || undefined, options); // a zone the browser lacks
  }
}

export class Unit {
  /** `page`: {drafts, protocol, messages, readonly, banners, lock(reason)} shared by the units. */
  constructor(el, page) {
    this.el = el;
    this.page = page;
    this.msg = page.messages;
    this.key = el.dataset.key;
    this.url = el.dataset.saveUrl;
    this.version = parseInt(el.dataset.version || "0", 10);
    this.controls = new Controls(el, el.dataset.prefix || "");
    this.stateEl = el.querySelector("[data-role=state]");
    this.versionInput = el.querySelector("[data-role=version]");
    const pane = el.querySelector("[data-role=conflict]");
    this.merge = pane
      ? new MergeView(pane, {
        controls: this.controls,
        messages: this.msg,
        onEdited: () => { this.refresh(); this.keep(true); },
        onResolve: () => this.resolved(),
      })
      : null;
    this.state = State.CLEAN;
    this.detail = ""; // what the state line adds (the time saved, the server's reason)
    this.timer = null;
    this.inFlight = false; // a request is on its way (the state may be DIRTY meanwhile)
    this.kept = true; // this unit's newest values are in the browser's durable copy
    this.lastSeq = 0;
    this.moves = []; // closed tabs' copies to move into this tab's next copy
    this.adopted = []; // closed tabs' copies to remove once the server confirms their values
    this.retry = 0;
    for (const control of this.controls.all) {
      const toggle = control.type === "checkbox" || control.type === "radio" || control.tagName === "SELECT";
      control.addEventListener(toggle ? "change" : "input", () => {
        if (!toggle) cleanTyped(control);
        this.changed();
      });
      control.addEventListener("blur", () => { if (DUE.has(this.state)) this.saveSoon(0); });
    }
    this.refresh();
  }

  get unsaved() {
    return UNSAVED.has(this.state) || this.inFlight;
  }

  get due() {
    return DUE.has(this.state);
  }

  /** The one place the state changes. */
  on(event, detail = "") {
    const next = TRANSITIONS[this.state][event];
    if (next === undefined) return;
    this.state = typeof next === "function" ? next({ online: navigator.onLine, kept: this.kept }) : next;
    this.detail = detail;
    this.render();
  }

  render() {
    const m = this.msg;
    const text = {
      [State.CLEAN]: "",
      [State.DIRTY]: m.msgUnsaved,
      [State.SAVING]: m.msgSaving,
      [State.SAVED]: `${m.msgSaved} ${this.detail}`,
      [State.RETRYING]: navigator.onLine ? m.msgRetrying : m.msgUnsaved,
      [State.OFFLINE]: m.msgOffline,
      [State.SIGNED_OUT]: m.msgError,
      [State.OVER_LIMIT]: `${m.msgError} — ${m.msgShorten}`,
      [State.REFUSED]: `${m.msgError} — ${this.detail}`,
      [State.CONFLICT]: m.msgConflict,
      [State.CLOSED]: `${m.msgError} — ${this.detail}`,
    }[this.state];
    const look = {
      [State.SAVED]: "saved",
      [State.SAVING]: "saving",
      [State.OFFLINE]: "offline",
      [State.CONFLICT]: "conflict",
      [State.SIGNED_OUT]: "error",
      [State.OVER_LIMIT]: "error",
      [State.REFUSED]: "error",
      [State.CLOSED]: "error",
    }[this.state] || "unsaved";
    this.el.dataset.state = this.state;
    if (!this.stateEl) return;
    this.stateEl.className = "save-state " + look;
    this.stateEl.textContent = text;
  }

  setVersion(version) {
    this.version = version;
    this.el.dataset.version = String(version);
    if (this.versionInput) this.versionInput.value = String(version);
  }

  refresh() {
    for (const control of this.controls.all) {
      if (control.tagName === "TEXTAREA" && "mergeable" in control.dataset) grow(control);
    }
    countWordsIn(this.el);
    return checkLimits(this.controls.all, this.msg);
  }

  // Write the editor's values to this tab's copy; `kept` is true again once they are on disk.
  keep(conflict = false) {
    const draft = { values: this.controls.values(), base: this.version, at: Date.now() };
    if (conflict) draft.conflict = true;
    this.kept = false;
    this.lastSeq = this.page.drafts.put(this.key, draft, this.moves.splice(0), (committed) => {
      if (committed !== this.lastSeq) return; // a newer text is on its way
      this.kept = true;
      this.on("kept");
    });
  }

  changed() {
    this.refresh();
    this.keep(this.state === State.CONFLICT);
    if (this.state === State.CONFLICT) return; // wait for the person to merge
    this.on("edit");
    this.saveSoon(DEBOUNCE_MS);
  }

  saveSoon(delay) {
    if (this.page.readonly || this.state === State.CLOSED || this.state === State.CONFLICT) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.save(), delay);
  }

  /** Save now (a Save button, the network back), unless the person must decide first. */
  saveNow() {
    if (this.state === State.CONFLICT || this.state === State.CLOSED) return;
    if (this.state === State.CLEAN || this.state === State.SAVED) this.on("edit");
    this.saveSoon(0);
  }

  async save() {
    if (this.state === State.CONFLICT || this.state === State.CLOSED) return; // the person decides first
    if (this.inFlight) {
      this.saveSoon(300);
      return;
    }
    if (this.refresh()) {
      // Kept here and in the browser's copy; saved once it is short enough.
      this.on("over_limit");
      return;
    }
    const sent = this.controls.values();
    const body = this.controls.body(this.version);
    this.on("send");
    this.inFlight = true;
    const { outcome, data } = await this.page.protocol.save(this.url, body);
    this.inFlight = false;
    this.answered(outcome, data, sent);
  }

  // A save based on an older version is merged by the server with the other laptop's
  // (summaries/merge.py): show the fields that came from there, unless they were
  // typed into since this save left. Returns the names of the fields put in the editor.
  applyMerged(values, names, sent) {
    const now = this.controls.values();
    const applied = {};
    for (const name of names || []) {
      if (name in values && name in now && same(now[name], sent[name])) applied[name] = values[name];
    }
    this.controls.set(applied);
    this.refresh();
    return Object.keys(applied);
  }

  // The fields the other laptop changed (`values` differs from what this save sent)
  // that were typed into here since the save left: the person typed over a value they
  // never saw, so both are shown ({name: {mine, theirs}}), never one kept silently.
  typedOver(values, names, sent) {
    const now = this.controls.values();
    const conflicts = {};
    for (const name of names || []) {
      if (!(name in values) || !(name in now) || same(now[name], sent[name])) continue;
      if (same(values[name], sent[name]) || same(values[name], now[name])) continue;
      conflicts[name] = { mine: now[name], theirs: values[name] };
    }
    return conflicts;
  }

  answered(outcome, data, sent) {
    this.page.banners.offline(outcome === Outcome.NETWORK);
    if (outcome === Outcome.SAVED) return this.saved(data, sent);
    if (outcome === Outcome.STALE) return this.stale(data, sent);
    if (outcome === Outcome.SIGNED_OUT) {
      this.page.banners.signedOut(data.error || "");
      this.on("signed_out");
      this.saveSoon(SIGNED_OUT_RETRY_MS);
      return;
    }
    if (outcome === Outcome.CLOSED) {
      this.on("closed", data.error || "");
      this.page.lock(data.error);
      return;
    }
    if (outcome === Outcome.REFUSED) {
      this.on("refused", data.error || "");
      return;
    }
    this.on("network_failed");
    this.saveSoon(retryDelay(this.retry));
    this.retry += 1;
  }

  saved(data, sent) {
    this.retry = 0;
    this.page.banners.signedOut(null);
    this.setVersion(data.version);
    const written = sent;
    const merged = data.merged_from && data.values ? this.applyMerged(data.values, data.merged_from, sent) : [];
    const now = this.controls.values();
    // What the server holds now: what was sent, with the merged fields as shown.
    const held = { ...sent };
    for (const name of merged) held[name] = now[name];
    // Which fields came from the other laptop, by their labels on this page.
    const from = data.merged_from || [];
    let note = from.length ? ` — ${this.msg.msgMerged}: ${from.map((name) => this.controls.label(name)).join(", ")}` : "";
    if (data.removed) note += ` — ${this.msg.msgRemovedElsewhere}`;
    if (same(now, held) && this.state === State.SAVING) {
      // Only copies that still hold exactly what this tab wrote, now confirmed, go.
      this.page.drafts.confirm(this.key, written, this.lastSeq, this.adopted);
      // The server may have normalised the text (line ends, control characters).
      if (data.values) {
        this.controls.set(data.values);
        this.refresh();
      }
      this.on("confirmed", hhmm(data.saved_at, this.msg.timeZone) + note);
      this.showSaved(data);
    } else {
      const over = data.merged_from && data.values ? this.typedOver(data.values, data.merged_from, sent) : {};
      if (Object.keys(over).length) {
        // The other laptop's value of a field typed into meanwhile: the person decides.
        this.conflict(over, { version: data.version, saved_by: data.saved_by, saved_at: data.saved_at });
        return;
      }
      // Typed on while saving (or merged): keep the newer values, re-based on the new version.
      this.keep();
      if (this.state === State.SAVING) this.on("edit");
      this.saveSoon(DEBOUNCE_MS);
    }
  }

  /** What the unit shows computed from what was saved: a flag (a financing mix whose
   * shares do not add up to 100 %, saved anyway) and figures (its totals), as the
   * server computed them. */
  showSaved(data) {
    const flag = this.el.querySelector("[data-role=flag]");
    if (flag) {
      flag.querySelector("[data-role=flag-text]").textContent = data.flag || "";
      flag.hidden = !data.flag;
    }
    const figures = data.figures || [];
    this.el.querySelectorAll("[data-role=figure]").forEach((cell, i) => {
      cell.textContent = figures[i] || "";
    });
  }

  stale(data, sent) {
    // Only the fields both laptops changed are in conflict; the rest is merged.
    const current = data.current || {};
    let conflicts = data.conflicts || {};
    if (data.merged) {
      const rest = Object.keys(data.merged).filter((name) => !(name in conflicts));
      conflicts = { ...conflicts, ...this.typedOver(data.merged, rest, sent) };
      this.applyMerged(data.merged, rest, sent);
    }
    if (!Object.keys(conflicts).length) conflicts = differences(this.controls.values(), current.values || {});
    this.setVersion(current.version || 0);
    this.conflict(conflicts, current, data.sentences);
  }

  conflict(conflicts, current, sentences = {}) {
    if (!this.merge || !Object.keys(conflicts).length) {
      // Nothing to choose between: save the editor's values on the current version.
      this.keep();
      this.saveSoon(0);
      return;
    }
    clearTimeout(this.timer); // a save typed before the conflict waits for the person
    this.on("conflict");
    const by = current.saved_by ? "(" + current.saved_by + (current.saved_at ? ", " + hhmm(current.saved_at, this.msg.timeZone) : "") + ")" : "";
    this.merge.show(conflicts, by, sentences);
    this.keep(true);
  }

  resolved() {
    this.refresh();
    this.on("resolved");
    this.keep();
    this.saveSoon(0);
  }

  /** Closed by the server, or the page read-only: nothing can be typed or sent. */
  lock() {
    clearTimeout(this.timer);
    this.controls.lock(true);
  }

  // `copies`: this unit's copies from every tab (Drafts.load). Returns true if one was
  // put back in the editor.
  recover(copies) {
    const server = this.controls.values();
    const differing = copies.filter((c) => !same(c.draft.values, server)).sort((a, b) => (b.draft.at || 0) - (a.draft.at || 0));
    if (!copies.length) return false;
    const draft = differing.length ? differing[0].draft : null;
    if (this.page.readonly) {
      // Nothing can be saved here any more; keep the draft and say so.
      if (draft && this.merge) this.merge.showUnsent(differences(draft.values, server));
      return false;
    }
    // Closed tabs' copies: the one put back is moved into this tab's copy; the others
    // (the server's values already, or older values for a later visit) are removed
    // only once this page has the server confirm exactly their values.
    const closed = copies.filter((c) => !c.live).map((c) => ({ key: c.key, ref: c.draft }));
    this.moves = closed.filter((c) => draft && same(c.ref.values, draft.values));
    this.adopted = closed.filter((c) => !this.moves.includes(c));
    if (!draft) {
      // The server holds these values already: save them (no new version) so that the
      // confirmation, not the equality, removes the copies.
      if (this.adopted.length) {
        this.on("edit");
        this.saveSoon(500);
      }
      return false;
    }
    if (draft.base === this.version && !draft.conflict) {
      this.controls.set(draft.values);
      this.refresh();
      this.keep();
      this.on("edit");
      this.saveSoon(500);
      return true;
    }
    // Someone saved after this draft was typed: show both, never pick one silently.
    this.controls.set(draft.values);
    this.refresh();
    this.conflict(differences(draft.values, server), { version: this.version });
    return true;
  }
}

/** {name: {mine, theirs}} for each field `mine` holds differently from `theirs`. */
function differences(mine, theirs) {
  const conflicts = {};
  for (const name of Object.keys(mine)) {
    if (name in theirs && !same(String(mine[name]), String(theirs[name] ?? ""))) {
      conflicts[name] = { mine: mine[name], theirs: theirs[name] };
    }
  }
  return conflicts;
}
