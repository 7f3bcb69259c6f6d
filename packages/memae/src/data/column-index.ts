// Column lookups by name, shared by the CSV reader (Node) and the tabular preprocessor (Node and the browser: no
// Node imports here).

/** Each column name's first index (what `names.indexOf` gives), built once per table: a lookup per column stays
 *  linear on a table of 100,000 columns, where `indexOf` per column took minutes. */
export function firstIndexOf(names: readonly string[]): Map<string, number> {
  const at = new Map<string, number>();
  names.forEach((n, i) => { if (!at.has(n)) at.set(n, i); });
  return at;
}
