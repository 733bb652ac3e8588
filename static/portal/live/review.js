/* Offline edits merged: a CRDT merges characters, not meaning. When this laptop comes
 * back online with edits made while apart, and the other laptops changed the same text
 * meanwhile, each sentence of the merged text must be one that one side wrote (the
 * server's rule for stale saves, summaries/merge.py); a sentence neither wrote is put
 * up for review in the shared document ("review:<unit>:<field>" in the map "meta"), so
 * every laptop highlights it, with each side's version one click away, until someone
 * keeps the merged text or picks one. Live typing, where both see each other's words
 * as they appear, needs no review.
 *
 * Two laptops often come back at the same moment (the Wi-Fi returns for the room): the
 * other's offline edits may reach the server just after this laptop's sync. So the
 * check runs again on each edit from the others for SETTLE_MS after the sync; an edit
 * the others make live in that window is concurrent with this laptop's offline edits
 * too (they had not seen them), so putting it up for review is right. */

import { Y } from "../../vendor/live/yjs.js";
import { setText } from "./binding.js";

const SETTLE_MS = 3000;

function sentences(text, language) {
  const segmenter = new Intl.Segmenter(language || undefined, { granularity: "sentence" });
  return [...segmenter.segment(text || "")].map((s) => s.segment.trim()).filter(Boolean);
}

export class Review {
  /** `fields`: [{unit, field, text (a Y.Text), box ([data-role=review]), language}]. */
  constructor(doc, provider, fields, msg, origin) {
    this.doc = doc;
    this.meta = doc.getMap("meta");
    this.fields = fields;
    this.msg = msg;
    this.origin = origin;
    this.apart = null; // the document when this laptop lost the connection
    this.waiting = false; // back online: the server's answer is on its way
    this.mine = null; // this laptop's texts just before the other laptops' came in
    this.remote = [];
    this.settled = null; // the timer that ends the check after a sync
    this.again = null;
    this.resolved = new Set();
    provider.on("status", ({ status }) => {
      if (status === "disconnected" && !this.apart) this.apart = Y.encodeStateAsUpdate(doc);
      if (status === "connected" && this.apart) this.waiting = true;
    });
    doc.on("beforeTransaction", (transaction) => {
      if (this.waiting && transaction.origin === provider && !this.mine) this.mine = this.texts(doc);
    });
    doc.on("update", (update, origin) => {
      if (!this.waiting || origin !== provider) return;
      this.remote.push(update);
      if (this.settled) {
        clearTimeout(this.again);
        this.again = setTimeout(() => this.compare(), 100);
      }
    });
    provider.on("sync", (synced) => {
      if (!synced || !this.waiting || this.settled) return;
      this.compare();
      this.settled = setTimeout(() => this.settle(), SETTLE_MS);
    });
    this.meta.observe((event) => {
      // A review someone ended (on any laptop) is not put up again by this one's check.
      for (const key of event.keysChanged) {
        if (this.waiting && key.startsWith("review:") && !this.meta.has(key)) this.resolved.add(key.slice(7));
      }
      this.render();
    });
    this.render();
  }

  /** Started without a network: what the page opened with is the state apart. */
  startedOffline() {
    this.apart = Y.encodeStateAsUpdate(this.doc);
  }

  texts(doc) {
    return Object.fromEntries(this.fields.map((f) => [`${f.unit}:${f.field}`, doc.getText(`t:${f.unit}:${f.field}`).toString()]));
  }

  compare() {
    const ancestorDoc = new Y.Doc();
    Y.applyUpdate(ancestorDoc, this.apart);
    const theirsDoc = new Y.Doc();
    Y.applyUpdate(theirsDoc, this.apart);
    for (const update of this.remote) Y.applyUpdate(theirsDoc, update);
    const [ancestor, theirs, merged] = [this.texts(ancestorDoc), this.texts(theirsDoc), this.texts(this.doc)];
    const mine = this.mine || merged;
    this.doc.transact(() => {
      for (const f of this.fields) {
        const key = `${f.unit}:${f.field}`;
        if (this.resolved.has(key) || this.meta.has(`review:${key}`)) continue;
        if (ancestor[key] === mine[key] || ancestor[key] === theirs[key] || merged[key] === mine[key]) continue;
        const written = new Set([...sentences(mine[key], f.language), ...sentences(theirs[key], f.language)]);
        const invented = sentences(merged[key], f.language).filter((s) => !written.has(s));
        // "mine" is this laptop's: the others read the entry the other way round.
        const entry = { by: this.doc.clientID, mine: mine[key], theirs: theirs[key], invented };
        if (invented.length) this.meta.set(`review:${key}`, JSON.stringify(entry));
      }
    }, this.origin);
  }

  settle() {
    clearTimeout(this.again);
    [this.apart, this.waiting, this.mine, this.remote, this.settled] = [null, false, null, [], null];
    this.resolved.clear();
  }

  render() {
    for (const f of this.fields) {
      if (!f.box) continue;
      const raw = this.meta.get(`review:${f.unit}:${f.field}`);
      f.box.hidden = !raw;
      if (!raw) continue;
      const entry = JSON.parse(raw);
      if (entry.by !== this.doc.clientID) [entry.mine, entry.theirs] = [entry.theirs, entry.mine];
      const note = document.createElement("p");
      note.className = "mb-1";
      note.textContent = this.msg.msgReviewNote;
      const shown = document.createElement("div");
      shown.className = "answer-text border rounded bg-body p-2 mb-2";
      shown.lang = f.language || "";
      let rest = f.text.toString();
      for (const sentence of entry.invented) {
        const at = rest.indexOf(sentence);
        if (at < 0) continue;
        const mark = document.createElement("mark");
        mark.textContent = sentence;
        shown.append(rest.slice(0, at), mark);
        rest = rest.slice(at + sentence.length);
      }
      shown.append(rest);
      const buttons = document.createElement("div");
      buttons.className = "d-flex flex-wrap gap-2";
      for (const [label, value] of [[this.msg.msgReviewKeep, null], [this.msg.msgReviewMine, entry.mine], [this.msg.msgReviewTheirs, entry.theirs]]) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "btn btn-sm btn-outline-secondary";
        button.textContent = label;
        button.addEventListener("click", () => this.resolve(f, value));
        buttons.append(button);
      }
      if (f.box.dataset.historyUrl) {
        const link = document.createElement("a");
        link.href = f.box.dataset.historyUrl;
        link.textContent = this.msg.msgReviewHistory;
        link.className = "btn btn-sm btn-link";
        buttons.append(link);
      }
      f.box.replaceChildren(note, shown, buttons);
    }
  }

  /** Keep the merged text (`value` null) or put one side's back; the review ends. */
  resolve(f, value) {
    if (this.waiting) this.resolved.add(`${f.unit}:${f.field}`);
    this.doc.transact(() => {
      if (value !== null) setText(f.text, value);
      this.meta.delete(`review:${f.unit}:${f.field}`);
    }, this.origin);
  }
}
