import assert from 'node:assert/strict';

/** Asserts |got - want| <= tol element-wise, naming the first offending index. */
export function assertClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(got.length, want.length, `${what}: length ${got.length} != ${want.length}`);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < got.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    if (!(d <= worst)) { worst = d; at = i; }
  }
  assert.ok(worst <= tol, `${what}: max |diff| ${worst} at ${at} (got ${got[at]}, want ${want[at]}) > ${tol}`);
}
