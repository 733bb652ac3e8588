/* A unit's values are its named form controls, whatever the question kind: text,
 * number, month and hidden inputs, textareas, selects, radios and checkboxes (several
 * checkboxes with one name hold a list, a checkbox alone a boolean). Names lose the
 * unit's prefix (data-prefix, "q3-" on the session page's single form), so the values
 * carry the form's field names, as the server's JSON does. Controls of the conflict
 * view, the version and the CSRF token are not values. A checkbox marked data-list is
 * part of a list even when it is the only one; a list with nothing ticked is sent as
 * one empty value (as the plain form's data-role=empty-list hidden input does), so
 * that unticking everything is saved too. Hidden inputs of a list (a form's row keys)
 * are its structure as the server rendered it: they are read and sent, never
 * rewritten from values. */

const NOT_VALUES = new Set(["submit", "button", "reset", "file", "image"]);

function isToggle(control) {
  return control.type === "checkbox" || control.type === "radio";
}

function text(value) {
  return value === null || value === undefined ? "" : String(value);
}

function isList(group) {
  return group.length > 1 || "list" in group[0].dataset;
}

function read(group) {
  const [first] = group;
  if (first.type === "checkbox") {
    return isList(group) ? group.filter((c) => c.checked).map((c) => c.value) : first.checked;
  }
  if (first.type === "radio") return (group.find((c) => c.checked) || { value: "" }).value;
  if (first.tagName === "SELECT" && first.multiple) return [...first.selectedOptions].map((o) => o.value);
  return group.length === 1 ? first.value : group.map((c) => c.value);
}

// Writes only what differs: setting a textarea's value moves the caret.
function write(group, value) {
  const [first] = group;
  const list = Array.isArray(value) ? value.map(text) : null;
  group.forEach((control, i) => {
    if (control.type === "checkbox") {
      const checked = list ? list.includes(control.value) : value === true || value === "on";
      if (control.checked !== checked) control.checked = checked;
    } else if (control.type === "radio") {
      const checked = control.value === text(value);
      if (control.checked !== checked) control.checked = checked;
    } else if (control.tagName === "SELECT" && control.multiple) {
      for (const option of control.options) option.selected = (list || [text(value)]).includes(option.value);
    } else if (list && control.type === "hidden") {
      // A list's structure (row keys): kept as rendered.
    } else {
      const wanted = list ? (list[i] ?? "") : text(value);
      if (control.value !== wanted) control.value = wanted;
    }
  });
  return first;
}

// As the server cleans typed text at the door (common/text.py): line breaks made
// "\n" and, in a one-line box, a space; other control characters removed. Done as the
// person types, so what the box shows, what is counted and what is saved are one text.
const LINE_BREAKS = /\r\n|[\r\x0b\x0c\x85\u2028\u2029]/g;
const CONTROL = /[\x00-\x08\x0e-\x1f\x7f-\x9f]/g;
const TYPED = new Set(["text", "search", "email", "url", "tel"]);

function cleanText(value, oneLine) {
  const text = value.replace(LINE_BREAKS, "\n").replace(CONTROL, "");
  return oneLine ? text.replace(/\n/g, " ") : text;
}

/** Cleans what was typed or pasted into ``control``, keeping the caret where it was. */
export function cleanTyped(control) {
  const oneLine = control.tagName === "INPUT";
  if (!oneLine && control.tagName !== "TEXTAREA") return;
  if (oneLine && !TYPED.has(control.type)) return;
  const cleaned = cleanText(control.value, oneLine);
  if (cleaned === control.value) return;
  const caret = cleanText(control.value.slice(0, control.selectionStart ?? 0), oneLine).length;
  control.value = cleaned;
  control.setSelectionRange(caret, caret);
}

export class Controls {
  constructor(el, prefix = "") {
    this.el = el;
    this.prefix = prefix;
    this.groups = new Map(); // field name -> [control]
    for (const control of el.querySelectorAll("input[name], select[name], textarea[name]")) {
      if (NOT_VALUES.has(control.type) || control.name === "csrfmiddlewaretoken") continue;
      if (control.dataset.role === "version" || control.dataset.role === "empty-list") continue;
      if (control.closest("[data-role=conflict]")) continue;
      const name = control.name.startsWith(prefix) ? control.name.slice(prefix.length) : control.name;
      if (!this.groups.has(name)) this.groups.set(name, []);
      this.groups.get(name).push(control);
    }
  }

  get all() {
    return [...this.groups.values()].flat();
  }

  /** The fields whose long texts the server merges (data-mergeable). */
  get mergeable() {
    return [...this.groups.keys()].filter((name) => this.groups.get(name).some((c) => "mergeable" in c.dataset));
  }

  values() {
    const values = {};
    for (const [name, group] of this.groups) values[name] = read(group);
    return values;
  }

  /** Put `values` (by field name; others left alone) into the controls. */
  set(values) {
    for (const [name, value] of Object.entries(values)) {
      const group = this.groups.get(name);
      if (group) write(group, value);
    }
  }

  /** What the unit posts: the controls form-encoded, as the browser posts the form
   * without JavaScript, under the field names, with the version they are based on. */
  body(version) {
    const body = new URLSearchParams();
    for (const [name, group] of this.groups) {
      if (group[0].type === "checkbox" && isList(group) && !group.some((c) => c.checked)) {
        body.append(name, "");
        continue;
      }
      for (const control of group) {
        if (isToggle(control)) {
          if (control.checked) body.append(name, control.value);
        } else if (control.tagName === "SELECT" && control.multiple) {
          for (const option of control.selectedOptions) body.append(name, option.value);
        } else {
          body.append(name, control.value);
        }
      }
    }
    body.append("version", String(version));
    return body;
  }

  /** The field's label as the page shows it. */
  label(name) {
    const [first] = this.groups.get(name) || [];
    if (!first) return name;
    const fieldset = this.groups.get(name).length > 1 ? first.closest("fieldset") : null;
    const label = fieldset ? fieldset.querySelector("legend") : first.labels && first.labels[0];
    return label ? label.textContent.replace("*", "").trim() : name;
  }

  /** A value of the field as a person reads it (a select's option text, a list joined). */
  display(name, value, messages) {
    const [first] = this.groups.get(name) || [];
    if (first && first.tagName === "SELECT") {
      const values = Array.isArray(value) ? value.map(text) : [text(value)];
      return [...first.options].filter((o) => values.includes(o.value) && o.value !== "").map((o) => o.text).join(", ");
    }
    if (typeof value === "boolean") return value ? messages.msgYes : messages.msgNo;
    return Array.isArray(value) ? value.map(text).join(", ") : text(value);
  }

  focus(name) {
    const [first] = this.groups.get(name) || [];
    if (first) first.focus();
  }

  /** Make the controls read-only until the returned function is called; controls
   * already read-only stay so. */
  hold() {
    const held = [];
    for (const control of this.all) {
      const prop = isToggle(control) || control.tagName === "SELECT" ? "disabled" : "readOnly";
      if (!control[prop]) {
        control[prop] = true;
        held.push([control, prop]);
      }
    }
    return () => {
      for (const [control, prop] of held) control[prop] = false;
    };
  }

  /** Read-only: nothing can be typed (text) or changed (toggles, selects). */
  lock(locked) {
    for (const control of this.all) {
      if (isToggle(control) || control.tagName === "SELECT") control.disabled = locked;
      else control.readOnly = locked;
    }
  }
}
