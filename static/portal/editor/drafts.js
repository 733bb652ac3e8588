/* The local copy: this browser's copies of text the server has not confirmed (issue 12).
 *
 * Why two stores, as measured in Debian's Chromium 156 under Playwright:
 * - localStorage.setItem is synchronous, and Chromium sends the change to the browser
 *   process in the same task: a copy written in the keystroke survived page.close()
 *   at once, a hung tab closed and a killed renderer (30/30, 30/30, 20/20), where an
 *   IndexedDB write started in the same keystroke was lost 29 times in 30. But the
 *   browser puts localStorage on disk no sooner than 5 s after a change and at most
 *   60 times an hour: killing the whole browser (a power cut, a crash) lost the copy
 *   every time, even 3 s after the keystroke.
 * - IndexedDB with durability "strict" is on disk once its transaction completes
 *   (1 to 85 ms here) and survived a killed browser every time.
 * So every change is written to both, and a unit says "kept in this browser" only
 * once the IndexedDB transaction holding its current text has completed.
 *
 * Each page load ("tab") writes its own copy, "<storage key>:<unit>~<tab>", so two tabs
 * never overwrite each other's text, and holds a Web Lock named after itself for its
 * whole life, so another page can tell a closed or crashed tab's copy from a live one.
 * A copy is removed only
 * - by the tab that wrote it, once the server confirmed exactly the values it holds
 *   (a late answer for older text leaves a newer copy alone);
 * - from a closed tab, by a page that got the server to confirm exactly its values,
 *   or in the very IndexedDB transaction that writes it into that page's own copy
 *   (a move: the text is never out of the store).
 * Equality with the server's text at load removes nothing, and no page ever removes a
 * live tab's copy. Each copy is numbered (seq) by its tab: what goes is the version that
 * was confirmed or moved and any older one of the same tab (IndexedDB may hold an older
 * one than localStorage when the tab ended before its last commit), never a newer one.
 * Copies written by earlier versions of this script ("<unit>" with no tab) count as a
 * closed tab's and are compared by their values.
 */

const DB_NAME = "workshop-portal-drafts";
const STORE = "drafts";
const LOCK_PREFIX = "workshop-portal-tab:";
const LOAD_WAIT_MS = 1500; // longest wait for IndexedDB at load before using localStorage alone

/** Equal values (field order aside): what two copies, or a copy and a save, hold. */
export function same(a, b) {
  return stable(a) === stable(b);
}

function stable(value) {
  if (value && typeof value === "object" && !Array.isArray(value)) {
    return "{" + Object.keys(value).sort().map((k) => JSON.stringify(k) + ":" + stable(value[k])).join(",") + "}";
  }
  if (Array.isArray(value)) return "[" + value.map(stable).join(",") + "]";
  return JSON.stringify(value);
}

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
