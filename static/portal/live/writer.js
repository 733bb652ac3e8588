/* Who types on this laptop: a delegation shares one account, so each laptop names its
 * writer once (asked at the first edit, kept in this browser, changeable). The name
 * goes into presence, into the authors of each version and into merge notes; the
 * account stays the account for what may be done. */

const KEY = "wp-writer";
const COLOURS = ["#0b5394", "#38761d", "#990000", "#7f6000", "#741b47", "#134f5c", "#b45f06"];

export function writerName() {
  try {
    return (window.localStorage.getItem(KEY) || "").trim();
  } catch {
    return "";
  }
}

/** A stable colour for `name` (the same on every laptop). */
export function colourOf(name) {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.codePointAt(0)) >>> 0;
  return COLOURS[hash % COLOURS.length];
}

/** The writer form ([data-role=writer] on the page): shown at the first edit while no
 * name is kept, and by its "change" button; `onName(name)` when one is saved. */
export function writerForm(root, onName) {
  const box = document.querySelector("[data-role=writer]");
  if (!box) return { ask() {} };
  const form = box.querySelector("form");
  const input = box.querySelector("input");
  const shown = box.querySelector("[data-role=writer-name]");
  const show = (name) => {
    shown.textContent = name;
    box.querySelector("[data-role=writer-known]").hidden = !name;
  };
  show(writerName());
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const name = input.value.trim();
    if (!name || name.length > 80) return input.focus(); // a name, not a paragraph
    try {
      window.localStorage.setItem(KEY, name);
    } catch {
      // not kept: asked again on the next visit
    }
    form.hidden = true;
    show(name);
    onName(name);
  });
  box.querySelector("[data-action=change-writer]").addEventListener("click", () => {
    form.hidden = false;
    input.value = writerName();
    input.focus();
  });
  box.hidden = false;
  return {
    /** At an edit: ask once, without taking the focus from what is being typed. */
    ask() {
      if (!writerName() && form.hidden) form.hidden = false;
    },
  };
}
