/* What the server's answer to a save does to its unit (summaries/views/common.py
 * unit_json): confirmed, merged with another laptop's save, refused as stale (the
 * conflict), signed out, closed, refused, or not answered at all. */

import { same } from "./values.js";
import { Outcome, retryDelay, SIGNED_OUT_RETRY_MS } from "./protocol.js";
import { differences, typedOver } from "./reconcile.js";
import { DEBOUNCE_MS, hhmm, State } from "./state.js";

export function answered(unit, outcome, data, sent) {
  unit.page.banners.offline(outcome === Outcome.NETWORK);
  if (outcome === Outcome.SAVED) return saved(unit, data, sent);
  if (outcome === Outcome.STALE) return stale(unit, data, sent);
  if (outcome === Outcome.SIGNED_OUT) {
    unit.page.banners.signedOut(data.error || "");
    unit.on("signed_out");
    unit.saveSoon(SIGNED_OUT_RETRY_MS);
    return;
  }
  if (outcome === Outcome.CLOSED) {
    unit.on("closed", data.error || "");
    unit.page.lock(data.error);
    return;
  }
  if (outcome === Outcome.REFUSED) {
    unit.on("refused", data.error || "");
    return;
  }
  unit.on("network_failed");
  unit.saveSoon(retryDelay(unit.retry));
  unit.retry += 1;
}

function saved(unit, data, sent) {
  unit.retry = 0;
  unit.page.banners.signedOut(null);
  unit.setVersion(data.version);
  const written = sent;
  const merged = data.merged_from && data.values ? unit.merged(data.values, data.merged_from, sent) : [];
  const now = unit.controls.values();
  // What the server holds now: what was sent, with the merged fields as shown.
  const held = { ...sent };
  for (const name of merged) held[name] = now[name];
  // Which fields came from the other laptop, by their labels on this page.
  const from = data.merged_from || [];
  let note = from.length ? ` — ${unit.msg.msgMerged}: ${from.map((name) => unit.controls.label(name)).join(", ")}` : "";
  if (data.removed) note += ` — ${unit.msg.msgRemovedElsewhere}`;
  if (same(now, held) && unit.state === State.SAVING) {
    // Only copies that still hold exactly what this tab wrote, now confirmed, go.
    unit.page.drafts.confirm(unit.key, written, unit.lastSeq, unit.adopted);
    // The server may have normalised the text (line ends, control characters).
    if (data.values) {
      unit.controls.set(data.values);
      unit.refresh();
    }
    unit.on("confirmed", hhmm(data.saved_at, unit.msg.timeZone) + note);
    showSaved(unit, data);
  } else {
    const over = data.merged_from && data.values ? typedOver(unit.controls.values(), data.values, data.merged_from, sent) : {};
    if (Object.keys(over).length) {
      // The other laptop's value of a field typed into meanwhile: the person decides.
      unit.conflict(over, { version: data.version, saved_by: data.saved_by, saved_at: data.saved_at });
      return;
    }
    // Typed on while saving (or merged): keep the newer values, re-based on the new version.
    unit.keep();
    if (unit.state === State.SAVING) unit.on("edit");
    unit.saveSoon(DEBOUNCE_MS);
  }
}

/** What the unit shows computed from what was saved: a flag (a financing mix whose
 * shares do not add up to 100 %, saved anyway) and figures (its totals), as the server
 * computed them. */
function showSaved(unit, data) {
  const flag = unit.el.querySelector("[data-role=flag]");
  if (flag) {
    flag.querySelector("[data-role=flag-text]").textContent = data.flag || "";
    flag.hidden = !data.flag;
  }
  const figures = data.figures || [];
  unit.el.querySelectorAll("[data-role=figure]").forEach((cell, i) => {
    cell.textContent = figures[i] || "";
  });
}

function stale(unit, data, sent) {
  // Only the fields both laptops changed are in conflict; the rest is merged.
  const current = data.current || {};
  let conflicts = data.conflicts || {};
  if (data.merged) {
    const rest = Object.keys(data.merged).filter((name) => !(name in conflicts));
    conflicts = { ...conflicts, ...typedOver(unit.controls.values(), data.merged, rest, sent) };
    unit.merged(data.merged, rest, sent);
  }
  if (!Object.keys(conflicts).length) conflicts = differences(unit.controls.values(), current.values || {});
  unit.setVersion(current.version || 0);
  unit.conflict(conflicts, current, data.sentences);
}
