/* One unit's state: the states a unit can be in, the one table of transitions between
 * them (`Unit.on(event)` is the only way through it), and how each state reads on the
 * page. */

export const DEBOUNCE_MS = 2000;

export const State = Object.freeze({
  CLEAN: "clean", // what the server holds (as the page was loaded)
  DIRTY: "dirty", // typed here, a save is due
  SAVING: "saving", // a save is on its way, nothing typed since it left
  SAVED: "saved", // the server confirmed exactly what the editor holds
  RETRYING: "retrying", // the save did not reach the server: tried again, with back-off
  OFFLINE: "offline", // the same while offline, and the text is on disk in this browser
  SIGNED_OUT: "signed_out", // the sign-in expired: kept here, tried again after signing in
  OVER_LIMIT: "over_limit", // a field is over its limit: kept here, not sent
  REFUSED: "refused", // the server refused the values and said why
  CONFLICT: "conflict", // both laptops changed the same thing: the person decides
  CLOSED: "closed", // the session no longer accepts writes: nothing more is sent
});

// state -> event -> next state. Events not listed leave the state as it is.
const failed = (ctx) => (!ctx.online && ctx.kept ? State.OFFLINE : State.RETRYING);
export const TRANSITIONS = {
  [State.CLEAN]: { edit: State.DIRTY, send: State.SAVING, conflict: State.CONFLICT, closed: State.CLOSED },
  [State.DIRTY]: {
    send: State.SAVING,
    over_limit: State.OVER_LIMIT,
    conflict: State.CONFLICT,
    closed: State.CLOSED,
    // An answer for a save that left before the last keystroke.
    network_failed: failed,
    signed_out: State.SIGNED_OUT,
    refused: State.REFUSED,
  },
  [State.SAVING]: {
    edit: State.DIRTY,
    confirmed: State.SAVED,
    network_failed: failed,
    signed_out: State.SIGNED_OUT,
    refused: State.REFUSED,
    conflict: State.CONFLICT,
    closed: State.CLOSED,
  },
  [State.SAVED]: { edit: State.DIRTY, send: State.SAVING, conflict: State.CONFLICT, closed: State.CLOSED },
  [State.RETRYING]: { edit: State.DIRTY, send: State.SAVING, kept: failed, closed: State.CLOSED, over_limit: State.OVER_LIMIT },
  [State.OFFLINE]: { edit: State.DIRTY, send: State.SAVING, closed: State.CLOSED, over_limit: State.OVER_LIMIT },
  [State.SIGNED_OUT]: { edit: State.DIRTY, send: State.SAVING, closed: State.CLOSED, over_limit: State.OVER_LIMIT },
  [State.OVER_LIMIT]: { edit: State.DIRTY, send: State.SAVING, closed: State.CLOSED },
  [State.REFUSED]: { edit: State.DIRTY, send: State.SAVING, over_limit: State.OVER_LIMIT, closed: State.CLOSED },
  [State.CONFLICT]: { resolved: State.DIRTY, closed: State.CLOSED },
  [State.CLOSED]: {},
};

/** States holding something the server does not have yet (leaving the page warns). */
export const UNSAVED = new Set([
  State.DIRTY, State.SAVING, State.RETRYING, State.OFFLINE, State.SIGNED_OUT,
  State.OVER_LIMIT, State.REFUSED, State.CONFLICT, State.CLOSED,
]);
/** States in which a save is due as soon as it can go (a blur, the network back). */
export const DUE = new Set([State.DIRTY, State.RETRYING, State.OFFLINE, State.SIGNED_OUT, State.REFUSED, State.OVER_LIMIT]);

/** The time of `iso` as the page writes times: in the workshop's time zone. */
export function hhmm(iso, timeZone) {
  const d = iso ? new Date(iso) : new Date();
  const options = { hour: "2-digit", minute: "2-digit" };
  try {
    return d.toLocaleTimeString(document.documentElement.lang || undefined, { ...options, timeZone: timeZone || undefined });
  } catch {
    return d.toLocaleTimeString(document.documentElement.lang || undefined, options); // a zone the browser lacks
  }
}

/** What the state line says (`text`) and how it looks (`look`, a CSS class). */
export function stateLine(state, detail, m) {
  const text = {
    [State.CLEAN]: "",
    [State.DIRTY]: m.msgUnsaved,
    [State.SAVING]: m.msgSaving,
    [State.SAVED]: `${m.msgSaved} ${detail}`,
    [State.RETRYING]: navigator.onLine ? m.msgRetrying : m.msgUnsaved,
    [State.OFFLINE]: m.msgOffline,
    [State.SIGNED_OUT]: m.msgError,
    [State.OVER_LIMIT]: `${m.msgError} — ${m.msgShorten}`,
    [State.REFUSED]: `${m.msgError} — ${detail}`,
    [State.CONFLICT]: m.msgConflict,
    [State.CLOSED]: `${m.msgError} — ${detail}`,
  }[state];
  const look = {
    [State.SAVED]: "saved",
    [State.SAVING]: "saving",
    [State.OFFLINE]: "offline",
    [State.CONFLICT]: "conflict",
    [State.SIGNED_OUT]: "error",
    [State.OVER_LIMIT]: "error",
    [State.REFUSED]: "error",
    [State.CLOSED]: "error",
  }[state] || "unsaved";
  return { text, look };
}
