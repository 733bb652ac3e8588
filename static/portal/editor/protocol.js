/* The save protocol, the same for every unit (summaries/views/common.py unit_json):
 * a form-encoded POST of the unit's controls with the version they are based on,
 * answered with the unit's JSON ({version, values, saved_at, saved_by, merged_from})
 * or a refusal ({error} and: 409 {current, conflicts, merged}, 403 {closed} or {csrf},
 * 401 signed out). Every answer becomes one outcome for the unit to act on. */

/** How long to wait before the n-th retry of a save that did not reach the server. */
const RETRY_MS = [2000, 4000, 8000, 15000, 30000];
export function retryDelay(attempt) {
  return RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)];
}
export const SIGNED_OUT_RETRY_MS = RETRY_MS[RETRY_MS.length - 1];

export const Outcome = Object.freeze({
  SAVED: "saved", // 200: the unit's JSON
  STALE: "stale", // 409: based on an old version, and not mergeable
  CLOSED: "closed", // 403: the session no longer accepts writes
  SIGNED_OUT: "signed_out", // 401
  REFUSED: "refused", // 400: the server says why (too long, not valid)
  NETWORK: "network", // no answer (offline, a dropped connection, a server error)
});

export class Protocol {
  constructor({ csrf, csrfUrl }) {
    this.csrf = csrf;
    this.csrfUrl = csrfUrl;
  }

  async post(url, body) {
    const response = await fetch(url, {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": this.csrf, "X-Requested-With": "fetch", Accept: "application/json" },
      redirect: "error",
    });
    const data = await response.json().catch(() => ({}));
    return { status: response.status, data };
  }

  // Signed out and in again elsewhere: the page's token is stale. Get a fresh one.
  async refreshCsrf() {
    const response = await fetch(this.csrfUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
    this.csrf = (await response.json()).token;
  }

  /** POST `body` to `url`; resolves to {outcome, data}, never rejects. */
  async save(url, body) {
    try {
      let { status, data } = await this.post(url, body);
      if (status === 403 && data.csrf) {
        await this.refreshCsrf();
        ({ status, data } = await this.post(url, body));
      }
      return { outcome: outcomeOf(status, data), data };
    } catch {
      return { outcome: Outcome.NETWORK, data: {} };
    }
  }
}

function outcomeOf(status, data) {
  if (status === 200) return Outcome.SAVED;
  if (status === 409) return Outcome.STALE;
  if (status === 401) return Outcome.SIGNED_OUT;
  if (status === 403 && data.closed) return Outcome.CLOSED;
  if (status === 400) return Outcome.REFUSED;
  return Outcome.NETWORK;
}
