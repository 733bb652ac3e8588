/* The local copy: this browser's copies of text the server has not confirmed, in
 * localStorage (survives a closed or crashed tab at once) and IndexedDB with strict
 * durability (survives a killed browser); one copy per tab, removed only once the
 * server confirmed exactly its values. Why, and the rules: docs/local-copy.md. */

import { same } from "./values.js";

const DB_NAME = "workshop-portal-drafts";
const STORE = "drafts";
const LOCK_PREFIX = "workshop-portal-tab:";
const LOAD_WAIT_MS = 1500; // longest wait for IndexedDB at load before using localStorage alone

function lsGet(key) {
  try {
    return JSON.parse(window.localStorage.getItem(key) || "null");
  } catch {
    return null;
  }
}

function lsSet(key, draft) {
  try {
    window.localStorage.setItem(key, JSON.stringify(draft));
  } catch {
    // Storage full or disabled: IndexedDB, or the server copy, is all we have.
  }
}

// `stored` is `ref` (a version of a copy: {tab, seq, values}) or an older version of it.
function supersededBy(stored, ref) {
  if (!stored) return false;
  if (ref.tab && stored.tab === ref.tab && stored.seq && ref.seq) return stored.seq <= ref.seq;
  return same(stored.values, ref.values);
}

function lsRemoveIf(key, ref) {
  if (supersededBy(lsGet(key), ref)) {
    try {
      window.localStorage.removeItem(key);
    } catch {
      // nothing more can be done
    }
  }
}

function newer(a, b) {
  if (a.tab && a.tab === b.tab && a.seq && b.seq) return a.seq > b.seq;
  return (a.at || 0) > (b.at || 0);
}

// Inside a transaction: delete each copy {key, ref} whose stored version is `ref` or
// older (a compare-and-delete nothing else can come between).
function removeIfIn(store, copies) {
  for (const c of copies) {
    const get = store.get(c.key);
    get.onsuccess = () => {
      if (supersededBy(get.result, c.ref)) store.delete(c.key);
    };
  }
}

function openDb() {
  return new Promise((resolve) => {
    let req;
    try {
      req = window.indexedDB.open(DB_NAME, 1);
    } catch {
      resolve(null);
      return;
    }
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => {
      const conn = req.result;
      conn.onversionchange = () => conn.close();
      resolve(conn);
    };
    req.onerror = req.onblocked = () => resolve(null);
  });
}

export class Drafts {
  constructor(storagePrefix) {
    this.prefix = storagePrefix;
    this.tab = Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 10);
    this.seq = 0;
    this.lanes = new Map(); // own copy key -> {busy, queue}: one IndexedDB transaction at a time
    if (navigator.locks && navigator.locks.request) {
      // Held until the page is gone (closed, reloaded, crashed): the browser releases it.
      navigator.locks
        .request(LOCK_PREFIX + this.tab, () => new Promise(() => {}))
        .catch(() => {
          // No lock: this tab's copies look closed to other pages.
        });
    }
    this.db = openDb();
  }

  fullKey(unitKey) {
    return this.prefix + unitKey + "~" + this.tab;
  }

  pump(key) {
    const lane = this.lanes.get(key);
    if (lane.busy || !lane.queue.length) return;
    const op = lane.queue.shift();
    lane.busy = true;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      lane.busy = false;
      for (const cb of op.done) cb(op.draft ? op.draft.seq : 0);
      this.pump(key);
    };
    this.db.then((conn) => {
      if (!conn) {
        finish();
        return;
      }
      try {
        const tx = conn.transaction(STORE, "readwrite", { durability: "strict" });
        const store = tx.objectStore(STORE);
        if (op.draft) store.put(op.draft, key);
        removeIfIn(store, op.removals);
        tx.oncomplete = finish;
        tx.onabort = finish; // the localStorage copy stays; nothing more can be done here
      } catch {
        finish();
      }
    });
  }

  enqueue(key, op) {
    if (!this.lanes.has(key)) this.lanes.set(key, { busy: false, queue: [] });
    const lane = this.lanes.get(key);
    const last = lane.queue[lane.queue.length - 1];
    if (op.draft && last && last.draft) {
      // Typing fast: the write still waiting takes the newest text instead.
      last.draft = op.draft;
      last.removals = last.removals.concat(op.removals);
      last.done = last.done.concat(op.done);
    } else {
      lane.queue.push(op);
    }
    this.pump(key);
  }

  /** Keep `draft` as this tab's copy for `unitKey`, moving closed tabs' copies `moves`
   * ([{key, ref}], ref the version seen) into it. Returns the draft's number;
   * onKept(number) is called when the newest text is in IndexedDB (or, without
   * IndexedDB, straight away). */
  put(unitKey, draft, moves, onKept) {
    const key = this.fullKey(unitKey);
    draft.tab = this.tab;
    draft.seq = ++this.seq;
    lsSet(key, draft);
    for (const m of moves) lsRemoveIf(m.key, m.ref);
    this.enqueue(key, { draft, removals: moves, done: [onKept] });
    return draft.seq;
  }

  /** The server confirmed exactly `values` for `unitKey`, the values of this tab's copy
   * number `ownSeq` (0: none): remove that copy, and those of the closed tabs' copies
   * `others` ([{key, ref}]) whose version seen held these values. */
  confirm(unitKey, values, ownSeq, others) {
    const key = this.fullKey(unitKey);
    const removals = others.filter((c) => same(c.ref.values, values));
    if (ownSeq) removals.push({ key, ref: { tab: this.tab, seq: ownSeq, values } });
    for (const c of removals) lsRemoveIf(c.key, c.ref);
    this.enqueue(key, { draft: null, removals, done: [] });
  }

  /** Every copy for this page, by unit: {unitKey: [{key, tab, draft, live}]}. */
  async load() {
    const found = {};
    try {
      for (let i = 0; i < window.localStorage.length; i++) {
        const k = window.localStorage.key(i);
        if (k && k.startsWith(this.prefix)) {
          const d = lsGet(k);
          if (d && d.values) found[k] = d;
        }
      }
    } catch {
      // no localStorage
    }
    const fromDb = this.db.then((conn) => {
      if (!conn) return [];
      return new Promise((resolve) => {
        const rows = [];
        try {
          const tx = conn.transaction(STORE, "readonly");
          const cursor = tx.objectStore(STORE).openCursor(IDBKeyRange.bound(this.prefix, this.prefix + "\uffff"));
          cursor.onsuccess = () => {
            const c = cursor.result;
            if (c) {
              rows.push([c.key, c.value]);
              c.continue();
            }
          };
          tx.oncomplete = tx.onabort = () => resolve(rows);
        } catch {
          resolve(rows);
        }
      });
    });
    const live = navigator.locks && navigator.locks.query
      ? navigator.locks.query().then((state) => (state.held || []).map((l) => l.name), () => null)
      : Promise.resolve(null);
    const group = (rows, liveNames) => {
      for (const [key, value] of rows) {
        if (value && value.values && (!found[key] || newer(value, found[key]))) found[key] = value;
      }
      const byUnit = {};
      for (const key of Object.keys(found)) {
        const rest = key.slice(this.prefix.length);
        const cut = rest.indexOf("~");
        const unitKey = cut < 0 ? rest : rest.slice(0, cut);
        const tab = cut < 0 ? "" : rest.slice(cut + 1);
        // Without Web Locks (or in time) no tab can be known to be alive.
        const isLive = !!(tab && liveNames && liveNames.includes(LOCK_PREFIX + tab));
        (byUnit[unitKey] = byUnit[unitKey] || []).push({ key, tab, draft: found[key], live: isLive });
      }
      return byUnit;
    };
    const complete = Promise.all([fromDb, live]).then(([rows, liveNames]) => group(rows, liveNames));
    const late = new Promise((resolve) => setTimeout(resolve, LOAD_WAIT_MS, null));
    const byUnit = await Promise.race([complete, late]);
    return byUnit || group([], null);
  }
}
