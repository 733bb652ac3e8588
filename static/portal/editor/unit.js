/* One editable unit (the details, an answer, a plan item): its controls, the version
 * they are based on, and ONE state, changed only by `unit.on(event)` through the
 * table of state.js. It saves a few seconds after typing stops and when a field loses
 * focus, keeps every change in this browser until the server confirms it (drafts.js),
 * and shows the server's three-way merge, or the conflict when there is one
 * (outcome.js says what each answer of the server does). */

import { cleanTyped, Controls } from "./controls.js";
import { checkLimits, countWordsIn, grow } from "./limits.js";
import { MergeView } from "./merge-view.js";
import { answered } from "./outcome.js";
import { applyMerged, chooseDraft, differences } from "./reconcile.js";
import { DEBOUNCE_MS, DUE, hhmm, State, stateLine, TRANSITIONS, UNSAVED } from "./state.js";

export { State };

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
    return !this.live && (UNSAVED.has(this.state) || this.inFlight);
  }

  /** Typed (or put back from this browser's copy) and not saved yet. */
  get unsavedText() {
    return this.state !== State.CLEAN && this.state !== State.SAVED && this.state !== State.CLOSED;
  }

  /** Live editing (static/portal/live/): the document carries the text, not this unit. */
  goLive() {
    this.live = true;
    clearTimeout(this.timer);
  }

  /** The state line in live editing: "saved", "saving" or "offline". */
  showLive(kind) {
    if (!this.live || this.state === State.CLOSED) return;
    const m = this.msg;
    const text = { saved: m.msgLiveSaved, saving: m.msgLiveSaving, offline: m.msgLiveOffline }[kind];
    this.el.dataset.state = `live-${kind}`;
    if (!this.stateEl) return;
    this.stateEl.className = "save-state " + { saved: "saved", saving: "saving", offline: "offline" }[kind];
    this.stateEl.textContent = text;
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
    const { text, look } = stateLine(this.state, this.detail, this.msg);
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
    if (this.live) return; // the live document carries it (static/portal/live/binding.js)
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
    const writer = this.page.writer ? this.page.writer() : "";
    if (writer) body.set("writer", writer);
    this.on("send");
    this.inFlight = true;
    const { outcome, data } = await this.page.protocol.save(this.url, body);
    this.inFlight = false;
    answered(this, outcome, data, sent);
  }



  // A save based on an older version is merged by the server with the other laptop's
  // (summaries/merge.py): put the fields that came from there in the editor (those not
  // typed into since this save left). Returns their names.
  merged(values, names, sent) {
    const applied = applyMerged(this.controls.values(), values, names, sent);
    this.controls.set(applied);
    this.refresh();
    return Object.keys(applied);
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
    const { draft, moves, adopted } = chooseDraft(copies, server);
    if (!copies.length) return false;
    if (this.page.readonly) {
      // Nothing can be saved here any more; keep the draft and say so.
      if (draft && this.merge) this.merge.showUnsent(differences(draft.values, server));
      return false;
    }
    this.moves = moves;
    this.adopted = adopted;
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
