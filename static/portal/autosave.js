/* Workshop Portal — autosave that never loses a word (summaries and Day 3 plans).
 *
 * Inside the element marked [data-autosave-root], each ".save-unit" (participants,
 * one per question, one per plan item) saves on its own:
 * a few seconds after typing stops, and when a field loses focus. Until the server
 * confirms a save, the text is also kept in localStorage, so a dropped network,
 * a reload, a crashed browser or an expired sign-in loses nothing. A save carries
 * the version it was based on; the server refuses a stale one (409) and the page
 * shows both texts to merge.
 */
(function () {
  "use strict";

  var form = document.querySelector("[data-autosave-root]");
  if (!form) return;

  var DEBOUNCE_MS = 2000;
  var RETRY_MS = [2000, 4000, 8000, 15000, 30000];
  var readonly = form.dataset.readonly === "1";
  var storagePrefix = form.dataset.storageKey + ":";
  var csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;
  var msg = form.dataset;
  var offlineBanner = document.getElementById("connection-banner");
  var signinBanner = document.getElementById("signin-banner");
  var restoredBanner = document.getElementById("restored-banner");

  // Mark the page as enhanced: autosave replaces the need for the Save button.
  document.documentElement.classList.add("js-autosave");

  function storageGet(key) {
    try { return JSON.parse(window.localStorage.getItem(storagePrefix + key) || "null"); }
    catch (e) { return null; }
  }
  function storageSet(key, value) {
    try { window.localStorage.setItem(storagePrefix + key, JSON.stringify(value)); }
    catch (e) { /* storage full or disabled: the server copy is all we have */ }
  }
  function storageRemove(key) {
    try { window.localStorage.removeItem(storagePrefix + key); } catch (e) { /* ignore */ }
  }

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

  Unit.prototype.changed = function () {
    this.dirty = true;
    this.refresh();
    storageSet(this.key, { values: this.values(), base: this.version, at: Date.now() });
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
    var values = this.values();
    var body = new URLSearchParams();
    Object.keys(values).forEach(function (name) {
      if (typeof values[name] === "boolean") { if (values[name]) body.append(name, "on"); }
      else body.append(name, values[name]);
    });
    body.append("version", String(this.version));
    this.inFlight = true;
    this.dirty = false;
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

  Unit.prototype.answered = function (status, data, sent) {
    setOffline(false);
    if (status === 200) {
      this.retry = 0;
      this.csrfRetried = false;
      this.setVersion(data.version);
      var now = this.values();
      var same = JSON.stringify(now) === JSON.stringify(sent);
      if (same && !this.dirty) {
        storageRemove(this.key);
        // The server may have normalised the text (line ends, NUL characters).
        var serverText = data.values && this.main ? data.values[this.main.dataset.field] : data.text;
        if (this.main && typeof serverText === "string" && this.main.value !== serverText) {
          this.main.value = serverText;
          this.refresh();
        }
      } else {
        // Typed on while saving: keep the newer text, re-based on the new version.
        storageSet(this.key, { values: now, base: this.version, at: Date.now() });
        this.dirty = true;
        this.saveSoon(DEBOUNCE_MS);
      }
      this.show("saved", msg.msgSaved + " " + hhmm(data.saved_at));
      signinBanner.classList.add("d-none");
      return;
    }
    this.dirty = true;
    if (status === 409) { this.conflict(data.current || {}); return; }
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
    this.show(navigator.onLine ? "unsaved" : "offline", navigator.onLine ? msg.msgRetrying : msg.msgOffline);
    setOffline(true);
    var delay = RETRY_MS[Math.min(this.retry, RETRY_MS.length - 1)];
    this.retry += 1;
    this.saveSoon(delay);
  };

  Unit.prototype.conflict = function (current) {
    this.inConflict = true;
    this.theirs = current;
    this.setVersion(current.version || 0);
    this.show("conflict", msg.msgConflict);
    if (!this.conflictEl) return;
    this.conflictEl.classList.remove("d-none");
    this.conflictEl.querySelector("[data-role=theirs]").value = current.text || "";
    // An item of many fields is compared whole, and kept or replaced whole: merging
    // one text box could drop another field's change without anyone seeing it.
    var whole = !!current.values;
    this.conflictEl.querySelector("[data-role=mine]").value = whole ? this.describe() : (this.main ? this.main.value : "");
    this.conflictEl.querySelector("[data-action=merge]").classList.toggle("d-none", whole);
    var by = current.saved_by ? "(" + current.saved_by + (current.saved_at ? ", " + hhmm(current.saved_at) : "") + ")" : "";
    this.conflictEl.querySelector("[data-role=theirs-by]").textContent = by;
    this.conflictEl.querySelector("[data-action=save-merged]").classList.add("d-none");
    storageSet(this.key, { values: this.values(), base: this.version, at: Date.now(), conflict: true });
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
      storageSet(this.key, { values: this.values(), base: this.version, at: Date.now(), conflict: true });
      return;
    }
    if (action === "take-theirs") {
      if (current.values) this.setValues(current.values);
      else if (this.main) { this.main.value = theirs; this.refresh(); }
    }
    // keep-mine, take-theirs and save-merged all save what is in the editor now,
    // based on the version the server holds.
    this.inConflict = false;
    this.conflictEl.classList.add("d-none");
    this.dirty = true;
    storageSet(this.key, { values: this.values(), base: this.version, at: Date.now() });
    this.saveSoon(0);
  };

  Unit.prototype.recover = function () {
    var draft = storageGet(this.key);
    if (!draft || !draft.values) return false;
    var server = this.values();
    if (JSON.stringify(draft.values) === JSON.stringify(server)) { storageRemove(this.key); return false; }
    if (readonly) {
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
    if (draft.base === this.version && !draft.conflict) {
      this.setValues(draft.values);
      this.dirty = true;
      this.show("unsaved", msg.msgUnsaved);
      this.saveSoon(500);
      return true;
    }
    // Someone saved after this draft was typed: show both, never pick one silently.
    var theirs = { text: this.main ? this.main.value : "", version: this.version };
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
  var restored = false;
  units.forEach(function (u) { if (u.recover()) restored = true; });
  if (restored && !readonly) restoredBanner.classList.remove("d-none");

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
