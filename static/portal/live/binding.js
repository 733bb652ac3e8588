/* One unit's controls bound to the live document, in the layout the server reads
 * (summaries/live/doc.py): each long text (data-mergeable) is the Y.Text
 * "t:<unit>:<field>", every other field an entry of the Y.Map "u:<unit>" (a string, a
 * boolean, or a list as one entry per element, "<field>[]<element>" with its position).
 * What is typed here goes into the document as the least edit; what other laptops type
 * comes into the controls without moving this laptop's caret. */

const LIST = "[]";

/** Make `ytext` read `value` with the least edit (what both share at either end stays). */
export function setText(ytext, value) {
  const old = ytext.toString();
  if (old === value) return;
  let start = 0;
  while (start < old.length && start < value.length && old[start] === value[start]) start += 1;
  let end = 0;
  while (end < old.length - start && end < value.length - start && old[old.length - 1 - end] === value[value.length - 1 - end]) end += 1;
  if (old.length - end > start) ytext.delete(start, old.length - end - start);
  if (value.length - end > start) ytext.insert(start, value.slice(start, value.length - end));
}

/** Where `index` (a caret) goes through a remote change (a Y.Text event's delta). */
function moved(index, delta) {
  let position = 0;
  let result = index;
  for (const op of delta) {
    if (op.retain) position += op.retain;
    else if (op.insert) {
      if (position < index) result += op.insert.length;
      position += op.insert.length;
    } else if (op.delete) {
      if (position < index) result -= Math.min(op.delete, index - position);
    }
  }
  return result;
}

function readMap(map, name) {
  if (map.has(name)) return map.get(name);
  const listed = [...map.entries()].filter(([key]) => key.startsWith(name + LIST));
  if (!listed.length && !map.has(`list:${name}`)) return undefined;
  return listed.sort((a, b) => a[1] - b[1]).map(([key]) => key.slice(name.length + LIST.length));
}

function writeMap(map, name, value) {
  if (!Array.isArray(value)) {
    if (map.get(name) !== value) map.set(name, value);
    return;
  }
  const wanted = new Map(value.map((item, position) => [name + LIST + item, position]));
  for (const key of [...map.keys()]) if (key.startsWith(name + LIST) && !wanted.has(key)) map.delete(key);
  for (const [key, position] of wanted) if (map.get(key) !== position) map.set(key, position);
}

export class Binding {
  /** `unit`: the editor's unit (its key and controls); `origin`: this laptop's edits. */
  constructor(unit, doc, origin, { onLocal }) {
    this.unit = unit;
    this.doc = doc;
    this.origin = origin;
    this.map = doc.getMap(`u:${unit.key}`);
    this.long = new Set(unit.controls.mergeable);
    this.texts = new Map(this.fields.filter((name) => this.long.has(name)).map((name) => [name, doc.getText(`t:${unit.key}:${name}`)]));
    this.onLocal = onLocal;
  }

  get fields() {
    return [...this.unit.controls.groups.keys()];
  }

  /** What the document holds for this unit ({name: value}; a field it lacks is left out). */
  held() {
    const values = {};
    for (const name of this.fields) {
      if (this.texts.has(name)) {
        if (this.texts.get(name).length || this.map.has(`has:${name}`)) values[name] = this.texts.get(name).toString();
      } else {
        const value = readMap(this.map, name);
        if (value !== undefined) values[name] = value;
      }
    }
    return values;
  }

  /** Write the controls' values into the document (what was typed here, unsent). */
  push(names = this.fields) {
    const values = this.unit.controls.values();
    this.doc.transact(() => {
      for (const name of names) {
        if (this.texts.has(name)) setText(this.texts.get(name), String(values[name] ?? ""));
        else writeMap(this.map, name, values[name]);
      }
    }, this.origin);
  }

  /** Start: the document's values into the controls, then both ways as people type. */
  start({ keepTyped }) {
    const held = this.held();
    if (keepTyped) this.push();
    else this.unit.controls.set(held);
    this.unit.refresh();
    for (const [name, group] of this.unit.controls.groups) {
      for (const control of group) {
        const toggle = control.type === "checkbox" || control.type === "radio" || control.tagName === "SELECT";
        control.addEventListener(toggle ? "change" : "input", () => {
          this.push([name]);
          this.onLocal(this.unit, name);
        });
      }
    }
    for (const [name, ytext] of this.texts) {
      ytext.observe((event, transaction) => {
        if (transaction.origin === this.origin) return;
        const [control] = this.unit.controls.groups.get(name);
        const focused = document.activeElement === control;
        const [start, end] = [control.selectionStart, control.selectionEnd];
        control.value = ytext.toString();
        if (focused && start !== null) control.setSelectionRange(moved(start, event.delta), moved(end, event.delta));
        this.unit.refresh();
      });
    }
    this.map.observe((event, transaction) => {
      if (transaction.origin === this.origin) return;
      const values = this.held();
      for (const name of Object.keys(values)) if (this.texts.has(name)) delete values[name];
      this.unit.controls.set(values);
      this.unit.refresh();
    });
  }
}
