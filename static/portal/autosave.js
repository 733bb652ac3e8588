/* Workshop Portal — autosave that never loses a word (summaries and Day 3 plans).
 *
 * Inside the element marked [data-autosave-root], each ".save-unit" (participants,
 * one per question, one per plan item) saves on its own:
 * a few seconds after typing stops, and when a field loses focus. Until the server
 * confirms a save, the text is also kept in this browser (see Drafts below: localStorage
 * from the keystroke, IndexedDB on disk a few milliseconds later), so a dropped network,
 * a reload, a closed or crashed tab, a crashed browser or an expired sign-in loses
 * nothing. A save carries the version it was based on; the server refuses a stale one
 * (409) and the page shows both texts to merge.
 */
(function () {
  "use strict";

  var form = document.querySelector("[data-autosave-root]");
  if (!form) return;

  var DEBOUNCE_MS = 2000;
  var RETRY_MS = [2000, 4000, 8000, 15000, 30000];
  var LOAD_WAIT_MS = 1500;  // longest wait for IndexedDB at load before using localStorage alone
  var readonly = form.dataset.readonly === "1";
  var storagePrefix = form.dataset.storageKey + ":";
  var csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;
  var msg = form.dataset;
  var offlineBanner = document.getElementById("connection-banner");
  var signinBanner = document.getElementById("signin-banner");
  var restoredBanner = document.getElementById("restored-banner");

  // Mark the page as enhanced: autosave replaces the need for the Save button.
  document.documentElement.classList.add("js-autosave");

  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  /* Drafts: this browser's copies of text the server has not confirmed (issue 12).
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
  var Drafts = (function () {
    var DB_NAME = "workshop-portal-drafts";
    var STORE = "drafts";
    var LOCK_PREFIX = "workshop-portal-tab:";
    var TAB = Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 10);
    var seq = 0;
    var lanes = {};  // own copy key -> {busy, queue}: one IndexedDB transaction at a time

    if (navigator.locks && navigator.locks.request) {
      // Held until the page is gone (closed, reloaded, crashed): the browser releases it.
      navigator.locks.request(LOCK_PREFIX + TAB, function () { return new Promise(function () {}); })
        .catch(function () { /* no lock: this tab's copies look closed to other pages */ });
    }

    var db = new Promise(function (resolve) {
      var req;
      try { req = window.indexedDB.open(DB_NAME, 1); } catch (e) { resolve(null); return; }
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE); };
      req.onsuccess = function () {
        var conn = req.result;
        conn.onversionchange = function () { conn.close(); };
        resolve(conn);
      };
      req.onerror = req.onblocked = function () { resolve(null); };
    });

    function fullKey(unitKey) { return storagePrefix + unitKey + "~" + TAB; }
    function lsGet(key) {
      try { return JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { return null; }
    }
    function lsSet(key, draft) {
      try { window.localStorage.setItem(key, JSON.stringify(draft)); }
      catch (e) { /* storage full or disabled: IndexedDB, or the server copy, is all we have */ }
    }
    // `stored` is `ref` (a version of a copy: {tab, seq, values}) or an older version of it.
    function supersededBy(stored, ref) {
      if (!stored) return false;
      if (ref.tab && stored.tab === ref.tab && stored.seq && ref.seq) return stored.seq <= ref.seq;
      return same(stored.values, ref.values);
    }
    function lsRemoveIf(key, ref) {
      if (supersededBy(lsGet(key), ref)) {
        try { window.localStorage.removeItem(key); } catch (e) { /* ignore */ }
      }
    }
    function newer(a, b) {
      if (a.tab && a.tab === b.tab && a.seq && b.seq) return a.seq > b.seq;
      return (a.at || 0) > (b.at || 0);
    }

    // Inside a transaction: delete each copy {key, ref} whose stored version is `ref` or
    // older (a compare-and-delete nothing else can come between).
    function removeIfIn(store, copies) {
      copies.forEach(function (c) {
        var get = store.get(c.key);
        get.onsuccess = function () { if (supersededBy(get.result, c.ref)) store.delete(c.key); };
      });
    }

    function pump(key) {
      var lane = lanes[key];
      if (lane.busy || !lane.queue.length) return;
      var op = lane.queue.shift();
      lane.busy = true;
      var finished = false;
      var finish = function () {
        if (finished) return;
        finished = true;
        lane.busy = false;
        op.done.forEach(function (cb) { cb(op.draft ? op.draft.seq : 0); });
        pump(key);
      };
      db.then(function (conn) {
        if (!conn) { finish(); return; }
        try {
          var tx = conn.transaction(STORE, "readwrite", { durability: "strict" });
          var store = tx.objectStore(STORE);
          if (op.draft) store.put(op.draft, key);
          removeIfIn(store, op.removals);
          tx.oncomplete = finish;
          tx.onabort = finish;  // the localStorage copy stays; nothing more can be done here
        } catch (e) { finish(); }
      });
    }

    function enqueue(key, op) {
      var lane = lanes[key] || (lanes[key] = { busy: false, queue: [] });
      var last = lane.queue[lane.queue.length - 1];
      if (op.draft && last && last.draft) {
        // Typing fast: the write still waiting takes the newest text instead.
        last.draft = op.draft;
        last.removals = last.removals.concat(op.removals);
        last.done = last.done.concat(op.done);
      } else {
        lane.queue.push(op);
      }
      pump(key);
    }

    return {
      // Keep `draft` as this tab's copy for `unitKey`, moving closed tabs' copies `moves`
      // ([{key, ref}], ref the version seen) into it. Returns the draft's number;
      // onKept(number) is called when the newest text is in IndexedDB (or, without
      // IndexedDB, straight away).
      put: function (unitKey, draft, moves, onKept) {
        var key = fullKey(unitKey);
        draft.tab = TAB;
        draft.seq = ++seq;
        lsSet(key, draft);
        moves.forEach(function (m) { lsRemoveIf(m.key, m.ref); });
        enqueue(key, { draft: draft, removals: moves, done: [onKept] });
        return draft.seq;
      },
      // The server confirmed exactly `values` for `unitKey`, the values of this tab's copy
      // number `ownSeq` (0: none): remove that copy, and those of the closed tabs' copies
      // `others` ([{key, ref}]) whose version seen held these values.
      confirm: function (unitKey, values, ownSeq, others) {
        var key = fullKey(unitKey);
        var removals = others.filter(function (c) { return same(c.ref.values, values); });
        if (ownSeq) removals.push({ key: key, ref: { tab: TAB, seq: ownSeq, values: values } });
        removals.forEach(function (c) { lsRemoveIf(c.key, c.ref); });
        enqueue(key, { draft: null, removals: removals, done: [] });
      },
      // Every copy for this page, by unit: {unitKey: [{key, tab, draft, live}]}.
      load: function () {
        var found = {};
        try {
          for (var i = 0; i < window.localStorage.length; i++) {
            var k = window.localStorage.key(i);
            if (k && k.indexOf(storagePrefix) === 0) {
              var d = lsGet(k);
              if (d && d.values) found[k] = d;
            }
          }
        } catch (e) { /* no localStorage */ }
        var fromDb = db.then(function (conn) {
          if (!conn) return [];
          return new Promise(function (resolve) {
            var rows = [];
            try {
              var tx = conn.transaction(STORE, "readonly");
              var cursor = tx.objectStore(STORE).openCursor(IDBKeyRange.bound(storagePrefix, storagePrefix + "\uffff"));
              cursor.onsuccess = function () {
                var c = cursor.result;
                if (c) { rows.push([c.key, c.value]); c.continue(); }
              };
              tx.oncomplete = tx.onabort = function () { resolve(rows); };
            } catch (e) { resolve(rows); }
          });
        });
        var live = navigator.locks && navigator.locks.query
          ? navigator.locks.query().then(function (state) {
            return (state.held || []).map(function (l) { return l.name; });
          }, function () { return null; })
          : Promise.resolve(null);
        var group = function (rows, liveNames) {
          rows.forEach(function (row) {
            if (row[1] && row[1].values && (!found[row[0]] || newer(row[1], found[row[0]]))) found[row[0]] = row[1];
          });
          var byUnit = {};
          Object.keys(found).forEach(function (key) {
            var rest = key.slice(storagePrefix.length);
            var cut = rest.indexOf("~");
            var unitKey = cut < 0 ? rest : rest.slice(0, cut);
            var tab = cut < 0 ? "" : rest.slice(cut + 1);
            // Without Web Locks (or in time) no tab can be known to be alive.
            var isLive = !!(tab && liveNames && liveNames.indexOf(LOCK_PREFIX + tab) >= 0);
            (byUnit[unitKey] = byUnit[unitKey] || []).push({ key: key, tab: tab, draft: found[key], live: isLive });
          });
          return byUnit;
        };
        var complete = Promise.all([fromDb, live]).then(function (r) { return group(r[0], r[1]); });
        var late = new Promise(function (resolve) { setTimeout(resolve, LOAD_WAIT_MS, null); });
        return Promise.race([complete, late]).then(function (byUnit) { return byUnit || group([], null); });
      },
    };
  })();

  var segmenter = window.Intl && Intl.Segmenter ? new Intl.Segmenter(undefined, { granularity: "word" }) : null;
  function countWords(text) {
    if (!text.trim()) return 0;
    if (segmenter) {
      // Thai is written without spaces between words: count real word segments.
      var n = 0;
      for (var part of segmenter.segment(text)) if (part.isWordLike) n++;
      return n;
    }
    return text.trim().split(/\s+/).length;
  }

  function hhmm(iso) {
    var d = iso ? new Date(iso) : new Date();
    return d.toLocaleTimeString(document.documentElement.lang || undefined, { hour: "2-digit", minute: "2-digit" });
  }

  function grow(textarea) {
    textarea.style.height = "auto";
    textarea.style.height = textarea.scrollHeight + 2 + "px";
  }

  function Unit(el) {
    this.el = el;
    this.key = el.dataset.key;
    this.url = el.dataset.saveUrl;
    this.version = parseInt(el.dataset.version || "0", 10);
    this.fields = Array.prototype.slice.call(el.querySelectorAll("[data-field]"));
    this.main = el.querySelector("[data-mergeable]");
    this.stateEl = el.querySelector("[data-role=state]");
    this.versionInput = el.querySelector("[data-role=version]");
    this.wordsEl = el.querySelector("[data-role=words]");
    this.conflictEl = el.querySelector("[data-role=conflict]");
    this.timer = null;
    this.kept = true;      // this unit's newest text is in the browser's durable copy
    this.failed = false;   // the last save did not reach the server
    this.lastSeq = 0;
    this.moves = [];       // closed tabs' copies to move into this tab's next copy
    this.adopted = [];     // closed tabs' copies to remove once the server confirms their values
    this.inFlight = false;
    this.dirty = false;
    this.inConflict = false;
    this.closed = false;
    this.retry = 0;
    this.bind();
  }

  Unit.prototype.values = function () {
    var data = {};
    this.fields.forEach(function (f) {
      data[f.dataset.field] = f.type === "checkbox" ? f.checked : f.value;
    });
    return data;
  };

  Unit.prototype.setValues = function (data) {
    this.fields.forEach(function (f) {
      if (!(f.dataset.field in data)) return;
      if (f.type === "checkbox") f.checked = !!data[f.dataset.field];
      else f.value = data[f.dataset.field];
    });
    this.refresh();
  };

  Unit.prototype.setVersion = function (version) {
    this.version = version;
    this.el.dataset.version = String(version);
    if (this.versionInput) this.versionInput.value = String(version);
  };

  Unit.prototype.refresh = function () {
    if (this.main && this.main.tagName === "TEXTAREA") grow(this.main);
    if (this.wordsEl && this.main) this.wordsEl.textContent = countWords(this.main.value);
    this.checkLimits();
  };

  // Limits that lose nothing: no field has a maxlength that would cut a paste. Near a
  // field's limit (data-max-length) a counter appears; over it, the unit says by how
  // much, keeps every character in the field and in the browser's copy, and is not
  // sent until it is short enough (the server would refuse it anyway).
  Unit.prototype.checkLimits = function () {
    var over = [];
    this.fields.forEach(function (f) {
      var limit = parseInt(f.dataset.maxLength || "0", 10);
      if (!limit || f.type === "checkbox" || f.tagName === "SELECT") return;
      var counter = f.nextElementSibling && f.nextElementSibling.dataset &&
        f.nextElementSibling.dataset.role === "limit" ? f.nextElementSibling : null;
      var length = f.value.length;
      // A counter near long limits only (not "3 of 3" under a currency code).
      if (length <= limit && (length < limit * 0.8 || limit < 100)) {
        if (counter) counter.remove();
        return;
      }
      if (!counter) {
        counter = document.createElement("div");
        counter.dataset.role = "limit";
        counter.setAttribute("aria-live", "polite");
        f.insertAdjacentElement("afterend", counter);
      }
      var isOver = length > limit;
      counter.className = "small " + (isOver ? "text-danger fw-semibold" : "text-body-secondary");
      counter.textContent = isOver
        ? msg.msgOverLimit.replace("%(over)s", (length - limit).toLocaleString()).replace("%(limit)s", limit.toLocaleString())
        : msg.msgNearLimit.replace("%(length)s", length.toLocaleString()).replace("%(limit)s", limit.toLocaleString());
      if (isOver) over.push(f);
    });
    this.overLimit = over.length > 0;
    return this.overLimit;
  };

  Unit.prototype.show = function (state, text) {
    if (!this.stateEl) return;
    this.stateEl.className = "save-state " + state;
    this.stateEl.textContent = text;
    this.el.dataset.state = state;
  };

  Unit.prototype.bind = function () {
    var unit = this;
    this.fields.forEach(function (f) {
      var evt = f.type === "checkbox" || f.tagName === "SELECT" ? "change" : "input";
      f.addEventListener(evt, function () { unit.changed(); });
      f.addEventListener("blur", function () { if (unit.dirty) unit.saveSoon(0); });
    });
    if (this.conflictEl) {
      this.conflictEl.addEventListener("click", function (e) {
        var action = e.target.dataset && e.target.dataset.action;
        if (action) unit.resolve(action);
      });
    }
    this.refresh();
  };

  // Write the editor's values to this tab's copy; `kept` is true again once they are on disk.
  Unit.prototype.keep = function (conflict) {
    var unit = this;
    var draft = { values: this.values(), base: this.version, at: Date.now() };
    if (conflict) draft.conflict = true;
    this.kept = false;
    this.lastSeq = Drafts.put(this.key, draft, this.moves.splice(0), function (committed) {
      if (committed !== unit.lastSeq) return;  // a newer text is on its way
      unit.kept = true;
      if (unit.failed) unit.showFailure();
    });
  };

  Unit.prototype.changed = function () {
    this.dirty = true;
    this.refresh();
    this.keep();
    if (this.inConflict) return;  // wait for the user to merge
    this.show("unsaved", msg.msgUnsaved);
    this.saveSoon(DEBOUNCE_MS);
  };

  Unit.prototype.saveSoon = function (delay) {
    var unit = this;
    if (readonly || this.closed || this.inConflict) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(function () { unit.save(); }, delay);
  };

  Unit.prototype.save = function () {
    var unit = this;
    if (this.inFlight) { this.saveSoon(300); return; }
    if (this.checkLimits()) {
      // Kept here and in the browser's copy; saved once it is short enough.
      this.dirty = true;
      this.show("error", msg.msgError + " — " + msg.msgShorten);
      return;
    }
    var values = this.values();
    var body = new URLSearchParams();
    Object.keys(values).forEach(function (name) {
      if (typeof values[name] === "boolean") { if (values[name]) body.append(name, "on"); }
      else body.append(name, values[name]);
    });
    body.append("version", String(this.version));
    this.inFlight = true;
    this.dirty = false;
    this.failed = false;
    this.show("saving", msg.msgSaving);
    fetch(this.url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "X-Requested-With": "fetch", "Accept": "application/json" },
      redirect: "error",
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        unit.inFlight = false;
        unit.answered(response.status, data, values);
      });
    }).catch(function () {
      unit.inFlight = false;
      unit.dirty = true;
      unit.networkFailed();
    });
  };

  // A save based on an older version is merged by the server with the other laptop's
  // (summaries/merge.py): show the fields that came from there, unless they were
  // typed into since this save left. Returns the names of the fields put in the editor.
  Unit.prototype.applyMerged = function (values, names, sent) {
    var now = this.values(), applied = {};
    (names || []).forEach(function (name) {
      if (name in values && name in now && same(now[name], sent[name])) applied[name] = values[name];
    });
    this.setValues(applied);
    return Object.keys(applied);
  };

  Unit.prototype.answered = function (status, data, sent) {
    setOffline(false);
    if (status === 200) {
      this.retry = 0;
      this.csrfRetried = false;
      this.setVersion(data.version);
      var written = sent;
      var merged = data.merged_from && data.values
        ? this.applyMerged(data.values, data.merged_from, sent) : [];
      var now = this.values();
      // What the server holds now: what was sent, with the merged fields as shown.
      sent = Object.assign({}, sent);
      merged.forEach(function (name) { sent[name] = now[name]; });
      var unchanged = same(now, sent);
      if (unchanged && !this.dirty) {
        // Only copies that still hold exactly what this tab wrote, now confirmed, go.
        Drafts.confirm(this.key, written, this.lastSeq, this.adopted);
        // The server may have normalised the text (line ends, NUL characters).
        var serverText = data.values && this.main ? data.values[this.main.dataset.field] : data.text;
        if (this.main && typeof serverText === "string" && this.main.value !== serverText) {
          this.main.value = serverText;
          this.refresh();
        }
      } else {
        // Typed on while saving: keep the newer text, re-based on the new version.
        this.keep();
        this.dirty = true;
        this.saveSoon(DEBOUNCE_MS);
      }
      var note = merged.length ? " — " + msg.msgMerged : "";
      this.show("saved", msg.msgSaved + " " + hhmm(data.saved_at) + note);
      signinBanner.classList.add("d-none");
      return;
    }
    this.dirty = true;
    if (status === 409) {
      // Only the fields both laptops changed are in conflict; the rest is merged.
      var conflicts = data.conflicts || {};
      this.conflicts = conflicts;
      if (data.merged) {
        var rest = Object.keys(data.merged).filter(function (n) { return !(n in conflicts); });
        this.applyMerged(data.merged, rest, sent);
      }
      this.conflict(data.current || {});
      return;
    }
    if (status === 403 && data.csrf && !this.csrfRetried) {
      // Signed out and in again elsewhere: the page's token is stale. Get a fresh one.
      this.csrfRetried = true;
      var unit = this;
      refreshCsrf().then(function () { unit.saveSoon(0); }, function () { unit.networkFailed(); });
      return;
    }
    if (status === 401) {
      signinBanner.querySelector("[data-role=message]").textContent = data.error || "";
      signinBanner.classList.remove("d-none");
      this.show("error", msg.msgError);
      this.csrfRetried = false;
      this.saveSoon(RETRY_MS[RETRY_MS.length - 1]);
      return;
    }
    if (status === 403 && data.closed) {
      this.closed = true;
      this.show("error", msg.msgError + " — " + (data.error || ""));
      lockPage(data.error);
      return;
    }
    if (status === 400) { this.show("error", msg.msgError + " — " + (data.error || "")); return; }
    this.networkFailed();
  };

  Unit.prototype.networkFailed = function () {
    this.failed = true;
    this.showFailure();
    setOffline(true);
    var delay = RETRY_MS[Math.min(this.retry, RETRY_MS.length - 1)];
    this.retry += 1;
    this.saveSoon(delay);
  };

  // "Offline — kept in this browser" only once the text is on disk (see Drafts).
  Unit.prototype.showFailure = function () {
    if (navigator.onLine) this.show("unsaved", msg.msgRetrying);
    else if (this.kept) this.show("offline", msg.msgOffline);
    else this.show("unsaved", msg.msgUnsaved);
  };

  Unit.prototype.conflict = function (current) {
    this.inConflict = true;
    this.theirs = current;
    this.setVersion(current.version || 0);
    this.show("conflict", msg.msgConflict);
    if (!this.conflictEl) return;
    this.conflictEl.classList.remove("d-none");
    this.conflictEl.querySelector("[data-role=theirs]").value = current.text || "";
    // Only the main text in conflict: both texts side by side, to merge. Another field
    // in conflict: the whole item is shown, and "use the saved text" takes the other
    // laptop's value of the conflicting fields only (the rest is already merged).
    var mainName = this.main ? this.main.dataset.field : null;
    var conflicts = this.conflicts;
    var whole = conflicts
      ? Object.keys(conflicts).some(function (name) { return name !== mainName; })
      : !!current.values;
    if (!whole && conflicts && conflicts[mainName]) {
      this.conflictEl.querySelector("[data-role=theirs]").value = conflicts[mainName].theirs || "";
    }
    this.conflictEl.querySelector("[data-role=mine]").value = whole ? this.describe() : (this.main ? this.main.value : "");
    this.conflictEl.querySelector("[data-action=merge]").classList.toggle("d-none", whole);
    var by = current.saved_by ? "(" + current.saved_by + (current.saved_at ? ", " + hhmm(current.saved_at) : "") + ")" : "";
    this.conflictEl.querySelector("[data-role=theirs-by]").textContent = by;
    this.conflictEl.querySelector("[data-action=save-merged]").classList.add("d-none");
    this.keep(true);
  };

  Unit.prototype.describe = function () {
    var el = this.el;
    return this.fields.map(function (f) {
      var label = el.querySelector('label[for="' + f.id + '"]');
      var value = f.tagName === "SELECT" ? (f.value ? f.options[f.selectedIndex].text : "") : f.value;
      return (label ? label.textContent.replace("*", "").trim() : f.dataset.field) + ": " + value;
    }).join("\n");
  };

  Unit.prototype.resolve = function (action) {
    var current = this.theirs || {};
    var theirs = current.values && this.main ? String(current.values[this.main.dataset.field] || "") : (current.text || "");
    var mine = this.main ? this.main.value : "";
    if (action === "merge") {
      this.main.value = mine + (mine && theirs ? "\n\n" : "") + theirs;
      this.refresh();
      this.main.focus();
      this.conflictEl.querySelector("[data-action=save-merged]").classList.remove("d-none");
      this.keep(true);
      return;
    }
    if (action === "take-theirs") {
      var conflicts = this.conflicts;
      if (conflicts && Object.keys(conflicts).length) {
        var theirsOnly = {};
        Object.keys(conflicts).forEach(function (name) { theirsOnly[name] = conflicts[name].theirs; });
        this.setValues(theirsOnly);
      } else if (current.values) this.setValues(current.values);
      else if (this.main) { this.main.value = theirs; this.refresh(); }
    }
    // keep-mine, take-theirs and save-merged all save what is in the editor now,
    // based on the version the server holds.
    this.inConflict = false;
    this.conflictEl.classList.add("d-none");
    this.dirty = true;
    this.keep();
    this.saveSoon(0);
  };

  // `copies`: this unit's copies from every tab (Drafts.load). Returns true if one was
  // put back in the editor.
  Unit.prototype.recover = function (copies) {
    var server = this.values();
    var differing = copies.filter(function (c) { return !same(c.draft.values, server); })
      .sort(function (a, b) { return (b.draft.at || 0) - (a.draft.at || 0); });
    if (!differing.length && !copies.length) return false;
    var draft = differing.length ? differing[0].draft : null;
    if (readonly) {
      if (!draft) return false;
      // Nothing can be saved here any more; keep the draft and say so.
      if (this.conflictEl && this.main) {
        this.theirs = { text: this.main.value };
        this.conflictEl.classList.remove("d-none");
        this.conflictEl.querySelector("[data-role=theirs]").value = this.main.value;
        this.conflictEl.querySelector("[data-role=mine]").value = draft.values[this.main.dataset.field] || "";
        this.conflictEl.querySelectorAll("button").forEach(function (b) { b.classList.add("d-none"); });
        this.conflictEl.querySelector("p").textContent = msg.msgUnsent;
      }
      return false;
    }
    // Closed tabs' copies: the one put back is moved into this tab's copy; the others
    // (the server's text already, or older text for a later visit) are removed only
    // once this page has the server confirm exactly their values.
    var closed = copies.filter(function (c) { return !c.live; }).map(function (c) {
      return { key: c.key, ref: c.draft };
    });
    this.moves = closed.filter(function (c) { return draft && same(c.ref.values, draft.values); });
    this.adopted = closed.filter(function (c) { return this.moves.indexOf(c) < 0; }, this);
    if (!draft) {
      // The server holds these values already: save them (no new version) so that the
      // confirmation, not the equality, removes the copies.
      if (this.adopted.length) { this.dirty = true; this.saveSoon(500); }
      return false;
    }
    if (draft.base === this.version && !draft.conflict) {
      this.setValues(draft.values);
      this.dirty = true;
      this.keep();
      this.show("unsaved", msg.msgUnsaved);
      this.saveSoon(500);
      return true;
    }
    // Someone saved after this draft was typed: show both, never pick one silently.
    var theirs = { text: this.main ? this.main.value : "", version: this.version };
    this.conflicts = null;
    this.setValues(draft.values);
    this.conflict(theirs);
    return true;
  };

  function refreshCsrf() {
    return fetch(form.dataset.csrfUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) { csrf = data.token; });
  }

  function setOffline(offline) {
    offlineBanner.classList.toggle("d-none", !offline);
  }

  function lockPage(reason) {
    readonly = true;
    units.forEach(function (u) {
      u.fields.forEach(function (f) { if (f.tagName === "TEXTAREA" || f.tagName === "INPUT") f.readOnly = true; if (f.type === "checkbox" || f.tagName === "SELECT") f.disabled = true; });
    });
    var box = document.getElementById("readonly-reason");
    if (!box) {
      box = document.createElement("div");
      box.id = "readonly-reason";
      box.className = "alert alert-secondary";
      box.setAttribute("role", "status");
      form.parentNode.insertBefore(box, form);
    }
    box.textContent = reason || "";
    var buttons = document.querySelectorAll("#save-all, #submit-summary");
    buttons.forEach(function (b) { b.disabled = true; });
  }

  var units = Array.prototype.map.call(form.querySelectorAll(".save-unit"), function (el) { return new Unit(el); });

  // Nothing can be typed until this browser's copies are read (IndexedDB answers in a few
  // milliseconds, LOAD_WAIT_MS at most): typing first would race the restored text.
  var held = [];
  units.forEach(function (u) {
    u.fields.forEach(function (f) {
      var prop = f.type === "checkbox" || f.tagName === "SELECT" ? "disabled" : "readOnly";
      if (!f[prop]) { f[prop] = true; held.push([f, prop]); }
    });
  });
  form.setAttribute("aria-busy", "true");
  Drafts.load().then(function (copies) {
    var restored = false;
    try {
      units.forEach(function (u) { if (u.recover(copies[u.key] || [])) restored = true; });
    } finally {
      held.forEach(function (h) { h[0][h[1]] = false; });
      form.removeAttribute("aria-busy");
    }
    if (restored && !readonly) restoredBanner.classList.remove("d-none");
  });

  window.addEventListener("online", function () {
    units.forEach(function (u) { if (u.dirty && !u.inConflict) { u.retry = 0; u.saveSoon(0); } });
  });
  window.addEventListener("offline", function () { setOffline(true); });
  window.addEventListener("beforeunload", function (e) {
    if (units.some(function (u) { return u.dirty || u.inFlight; })) { e.preventDefault(); e.returnValue = ""; }
  });
  // With JavaScript, a Save button saves its units now instead of posting the page.
  form.addEventListener("submit", function (e) {
    var inside = units.filter(function (u) { return e.target === u.el || e.target.contains(u.el); });
    if (!inside.length) return;  // e.g. "add an item": a plain post
    e.preventDefault();
    inside.forEach(function (u) { if (!u.inConflict) { u.dirty = true; u.saveSoon(0); } });
  });

  // The countdown: started once per delegation, the same on every laptop, survives reloads.
  var timerEl = document.getElementById("timer");
  if (timerEl) {
    var minutes = parseInt(timerEl.dataset.minutes, 10);
    var skew = Date.parse(timerEl.dataset.serverNow) - Date.now();
    var startBtn = timerEl.querySelector("[data-role=start]");
    var countdown = timerEl.querySelector("[data-role=countdown]");
    var overtime = timerEl.querySelector("[data-role=overtime]");
    var startedAt = timerEl.dataset.startedAt ? Date.parse(timerEl.dataset.startedAt) : null;
    var tick = function () {
      if (!startedAt) return;
      var left = Math.round((startedAt + minutes * 60000 - (Date.now() + skew)) / 1000);
      var abs = Math.abs(left);
      var text = (left < 0 ? "−" : "") + Math.floor(abs / 60) + ":" + String(abs % 60).padStart(2, "0");
      countdown.textContent = text;
      countdown.classList.toggle("overtime", left < 0);
      overtime.classList.toggle("d-none", left >= 0);
    };
    if (startBtn && !startedAt) startBtn.classList.remove("d-none");
    if (startBtn) {
      startBtn.addEventListener("click", function () {
        fetch(timerEl.dataset.url, {
          method: "POST", credentials: "same-origin",
          headers: { "X-CSRFToken": csrf, "Accept": "application/json" },
        }).then(function (r) { return r.json(); }).then(function (data) {
          if (data.started_at) { startedAt = Date.parse(data.started_at); startBtn.classList.add("d-none"); tick(); }
        });
      });
    }
    tick();
    setInterval(tick, 1000);
  }
})();
