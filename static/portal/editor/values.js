/* Comparing a unit's values (by field name; a field with several values is a list). */

/** Equal values (field order aside): what two copies, or a copy and a save, hold. */
export function same(a, b) {
  return stable(a) === stable(b);
}

function stable(value) {
  if (value && typeof value === "object" && !Array.isArray(value)) {
    return "{" + Object.keys(value).sort().map((k) => JSON.stringify(k) + ":" + stable(value[k])).join(",") + "}";
  }
  if (Array.isArray(value)) return "[" + value.map(stable).join(",") + "]";
  return JSON.stringify(value);
}
