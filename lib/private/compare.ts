/**
 * String order that is the same on every machine. `String.prototype.localeCompare` without a
 * locale uses the process's default locale, taken from `LANG` / `LC_ALL`: under `cs_CZ` "CH"
 * sorts after "H", under `da_DK` "AA" after "Z", so keys sorted with it (environment variables,
 * node selectors, dimensions) could reorder a synthesized template or manifest on a colleague's
 * machine. This compares UTF-16 code units, the order `Array.prototype.sort` uses by default.
 * @see https://tc39.es/ecma402/#sup-String.prototype.localeCompare
 */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `Object.entries(record)` sorted by key with {@link compareStrings}, as a new object. */
export function sortedByKey<T>(record: Readonly<Record<string, T>>): { [key: string]: T } {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => compareStrings(a, b)));
}
