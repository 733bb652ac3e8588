/* Limits that lose nothing, and word counters.
 *
 * No field has a maxlength that would cut a paste. Near a field's limit
 * (data-max-length) a counter appears; over it, the unit says by how much, keeps every
 * character in the field and in the browser's copy, and is not sent until it is short
 * enough (the server would refuse it anyway). */

const segmenter = window.Intl && Intl.Segmenter ? new Intl.Segmenter(undefined, { granularity: "word" }) : null;
export function countWords(text) {
  if (!text.trim()) return 0;
  if (segmenter) {
    // Thai is written without spaces between words: count real word segments.
    let n = 0;
    for (const part of segmenter.segment(text)) if (part.isWordLike) n++;
    return n;
  }
  return text.trim().split(/\s+/).length;
}

function format(template, values) {
  return Object.entries(values).reduce(
    (text, [name, value]) => text.replace(`%(${name})s`, value.toLocaleString()),
    template,
  );
}

/** Show the counters of `controls` near or over their limits; true if one is over. */
export function checkLimits(controls, messages) {
  let over = false;
  for (const control of controls) {
    const limit = parseInt(control.dataset.maxLength || "0", 10);
    if (!limit || control.type === "checkbox" || control.type === "radio" || control.tagName === "SELECT") continue;
    const next = control.nextElementSibling;
    let counter = next && next.dataset && next.dataset.role === "limit" ? next : null;
    const length = control.value.length;
    // A counter near long limits only (not "3 of 3" under a currency code).
    if (length <= limit && (length < limit * 0.8 || limit < 100)) {
      if (counter) counter.remove();
      continue;
    }
    if (!counter) {
      counter = document.createElement("div");
      counter.dataset.role = "limit";
      counter.setAttribute("aria-live", "polite");
      control.insertAdjacentElement("afterend", counter);
    }
    const isOver = length > limit;
    counter.className = "small " + (isOver ? "text-danger fw-semibold" : "text-body-secondary");
    counter.textContent = isOver
      ? format(messages.msgOverLimit, { over: length - limit, limit })
      : format(messages.msgNearLimit, { length, limit });
    if (isOver) over = true;
  }
  return over;
}

/** The unit's word counters ([data-words-of] the id of the text they count). */
export function countWordsIn(el) {
  for (const counter of el.querySelectorAll("[data-words-of]")) {
    const source = document.getElementById(counter.dataset.wordsOf);
    if (source) counter.textContent = countWords(source.value);
  }
}

/** Long texts grow with what is typed in them. */
export function grow(textarea) {
  textarea.style.height = "auto";
  textarea.style.height = textarea.scrollHeight + 2 + "px";
}
