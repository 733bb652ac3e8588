/* Who is connected to the page and who is typing where (Yjs awareness): each laptop
 * says its writer's name and colour and the field it is in; the page lists the
 * laptops connected and each unit names who else is in it. */

import { colourOf } from "./writer.js";

export class Presence {
  constructor(awareness, root, units) {
    this.awareness = awareness;
    this.msg = root.dataset;
    this.list = document.querySelector("[data-role=live-people]");
    this.units = new Map(units.map((unit) => [unit.key, unit.el.querySelector("[data-role=presence]")]));
    awareness.on("change", () => this.render());
    for (const unit of units) {
      for (const control of unit.controls.all) {
        control.addEventListener("focus", () => this.at(unit.key, control.name));
        control.addEventListener("blur", () => this.at(null, null));
      }
    }
  }

  /** This laptop's writer (name, colour). */
  name(name) {
    const label = name || this.msg.msgLiveUnnamed;
    this.awareness.setLocalStateField("user", { name: label, colour: colourOf(label), named: Boolean(name) });
  }

  at(unit, field) {
    this.awareness.setLocalStateField("where", unit ? { unit, field } : null);
  }

  others() {
    const own = this.awareness.clientID;
    return [...this.awareness.getStates()].filter(([id, state]) => id !== own && state.user).map(([, state]) => state);
  }

  badge(state) {
    const badge = document.createElement("span");
    badge.className = "live-badge";
    badge.style.setProperty("--live-colour", state.user.colour);
    badge.textContent = state.user.name;
    return badge;
  }

  render() {
    const others = this.others();
    if (this.list) {
      this.list.replaceChildren(...others.map((state) => this.badge(state)));
      this.list.closest("[data-role=live-people-box]")?.classList.toggle("d-none", !others.length);
    }
    for (const [key, box] of this.units) {
      if (!box) continue;
      const here = others.filter((state) => state.where && state.where.unit === key);
      box.replaceChildren(...here.map((state) => this.badge(state)));
      if (here.length) box.prepend(document.createTextNode(this.msg.msgLiveHere + " "));
      box.hidden = !here.length;
    }
  }
}
