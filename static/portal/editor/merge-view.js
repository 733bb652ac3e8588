/* The conflict view of one unit: for each field both laptops changed, what the server
 * holds and what was typed here. A long text (data-mergeable) shows both texts side by
 * side and can put both in the editor to merge; a short field (a month, a cost, a
 * choice) shows both values and can take the saved one. Nothing is decided for the
 * person: the editor keeps their text until they choose. The markup comes from
 * summaries/templates/summaries/_conflict.html (its <template>s). */

export class MergeView {
  /** `pane`: the unit's [data-role=conflict]; `onEdited()` when the view changed the
   * editor, `onResolve()` when the person chose what to save (the editor holds it). */
  constructor(pane, { controls, messages, onEdited, onResolve }) {
    this.pane = pane;
    this.controls = controls;
    this.messages = messages;
    this.onEdited = onEdited;
    this.onResolve = onResolve;
    this.conflicts = {};
    this.fields = pane.querySelector("[data-role=conflict-fields]");
    this.actions = pane.querySelector("[data-role=conflict-actions]");
    this.note = pane.querySelector("[data-role=conflict-note]");
    pane.addEventListener("click", (event) => {
      const button = event.target.closest("[data-action]");
      if (button) this.act(button.dataset.action, button.dataset.name);
    });
  }

  get visible() {
    return !this.pane.classList.contains("d-none");
  }

  /** Show `conflicts` ({name: {mine, theirs}}); `by` says who saved theirs, and when;
   * `sentences` ({name: {mine, theirs}}, each a list of [piece, marked]) marks in a long
   * text the sentence both laptops changed. */
  show(conflicts, by, sentences = {}) {
    this.conflicts = conflicts;
    this.sentences = sentences || {};
    this.render(by);
    this.note.textContent = this.note.dataset.default;
    this.actions.classList.remove("d-none");
    this.saveMerged(false);
    this.pane.classList.remove("d-none");
  }

  /** Read-only (the page can no longer save): what was typed here, to copy. */
  showUnsent(conflicts) {
    this.conflicts = conflicts;
    this.sentences = {};
    this.render("");
    for (const button of this.pane.querySelectorAll("button")) button.classList.add("d-none");
    this.note.textContent = this.messages.msgUnsent;
    this.pane.classList.remove("d-none");
  }

  hide() {
    this.pane.classList.add("d-none");
    this.conflicts = {};
  }

  render(by) {
    this.fields.replaceChildren();
    const mergeable = new Set(this.controls.mergeable);
    const unitId = this.pane.closest("[id]").id;
    for (const [name, { mine, theirs }] of Object.entries(this.conflicts)) {
      const long = mergeable.has(name);
      const row = this.pane.querySelector(long ? "template[data-role=long-field]" : "template[data-role=short-field]")
        .content.firstElementChild.cloneNode(true);
      row.dataset.name = name;
      row.querySelector("[data-role=field-label]").textContent = this.controls.label(name);
      for (const by_ of row.querySelectorAll("[data-role=theirs-by]")) by_.textContent = by;
      for (const button of row.querySelectorAll("[data-action]")) button.dataset.name = name;
      const marked = this.sentences[name];
      if (long && marked) row.querySelector("[data-role=sentence-note]").classList.remove("d-none");
      for (const [role, value] of [["theirs", theirs], ["mine", mine]]) {
        const el = row.querySelector(`[data-role=${role}]`);
        if (long) {
          const label = row.querySelector(`[data-for=${role}]`);
          label.id = `${unitId}-${name}-${role}-label`;
          el.setAttribute("aria-labelledby", label.id);
          const text = value == null ? "" : String(value);
          // The server's parts are of the same texts; a text changed since shows whole.
          const parts = marked && marked[role].map(([piece]) => piece).join("") === text ? marked[role] : [[text, false]];
          el.replaceChildren(...parts.map(([piece, isMarked]) => {
            if (!isMarked) return document.createTextNode(piece);
            const mark = document.createElement("mark");
            mark.textContent = piece;
            return mark;
          }));
        } else {
          el.textContent = this.controls.display(name, value, this.messages) || "—";
        }
      }
      this.fields.append(row);
    }
  }

  saveMerged(shown) {
    this.pane.querySelector("[data-action=save-merged]").classList.toggle("d-none", !shown);
  }

  act(action, name) {
    if (action === "merge") {
      // Both texts in the editor, the person's first, to merge by hand.
      const mine = String(this.controls.values()[name] ?? "");
      const theirs = String(this.conflicts[name].theirs ?? "");
      this.controls.set({ [name]: mine + (mine && theirs ? "\n\n" : "") + theirs });
      this.controls.focus(name);
      this.saveMerged(true);
      this.onEdited();
      return;
    }
    if (action === "use-theirs") {
      this.controls.set({ [name]: this.conflicts[name].theirs });
      this.saveMerged(true);
      this.onEdited();
      return;
    }
    if (action === "take-theirs") {
      const theirs = {};
      for (const [field, values] of Object.entries(this.conflicts)) theirs[field] = values.theirs;
      this.controls.set(theirs);
    }
    // keep-mine, take-theirs and save-merged all save what is in the editor now.
    this.hide();
    this.onResolve();
  }
}
