/* Reconciling what this laptop typed with what the server holds: the fields a merged
 * save brought from another laptop, the fields typed over a value never seen, and the
 * browser's copies to put back after a reload. Pure functions of plain values. */

import { same } from "./values.js";

/** The merged fields ({name: value} of `values`) that can go into the editor: those the
 * other laptop changed and nobody typed into here since the save left (`now` is what
 * the editor holds, `sent` what the save carried). */
export function applyMerged(now, values, names, sent) {
  const applied = {};
  for (const name of names || []) {
    if (name in values && name in now && same(now[name], sent[name])) applied[name] = values[name];
  }
  return applied;
}

/** The fields the other laptop changed (`values` differs from what this save sent) that
 * were typed into here since the save left: the person typed over a value they never
 * saw, so both are shown ({name: {mine, theirs}}), never one kept silently. */
export function typedOver(now, values, names, sent) {
  const conflicts = {};
  for (const name of names || []) {
    if (!(name in values) || !(name in now) || same(now[name], sent[name])) continue;
    if (same(values[name], sent[name]) || same(values[name], now[name])) continue;
    conflicts[name] = { mine: now[name], theirs: values[name] };
  }
  return conflicts;
}

/** {name: {mine, theirs}} for each field `mine` holds differently from `theirs`. */
export function differences(mine, theirs) {
  const conflicts = {};
  for (const name of Object.keys(mine)) {
    if (name in theirs && !same(String(mine[name]), String(theirs[name] ?? ""))) {
      conflicts[name] = { mine: mine[name], theirs: theirs[name] };
    }
  }
  return conflicts;
}

/** Of a unit's `copies` from every tab (Drafts.load), the `draft` to put back (the newest
 * that differs from what the server holds, `server`; null if none), the closed tabs'
 * copies to move into this tab's next copy (`moves`: the draft put back) and those to
 * remove once the server confirms exactly their values (`adopted`). */
export function chooseDraft(copies, server) {
  const differing = copies.filter((c) => !same(c.draft.values, server)).sort((a, b) => (b.draft.at || 0) - (a.draft.at || 0));
  const draft = differing.length ? differing[0].draft : null;
  const closed = copies.filter((c) => !c.live).map((c) => ({ key: c.key, ref: c.draft }));
  const moves = closed.filter((c) => draft && same(c.ref.values, draft.values));
  return { draft, moves, adopted: closed.filter((c) => !moves.includes(c)) };
}
