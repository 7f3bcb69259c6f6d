// Synthetic anomalies painted into real gray frames: soft-edged (anti-aliased) textured shapes blended over
// the footage. Used by the vtest benchmark generator; deterministic given the random source.

/** Small seeded PRNG (mulberry32): the same seed gives the same sequence on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type ShapeKind = 'box' | 'ellipse' | 'star';

export interface Sprite {
  shape: ShapeKind;
  /** half width and half height in pixels */
  rx: number;
  ry: number;
  /** base gray level 0..255 and texture amplitude */
  gray: number;
  texture: number;
  /** texture cells (pixels per cell) and seed */
  cell: number;
  seed: number;
}

/** Signed distance-like value of point (u, v) (relative to the centre, in pixels) to the shape's edge: < 0 inside. */
function edgeDistance(s: Sprite, u: number, v: number, angle: number): number {
  const c = Math.cos(angle);
  const sn = Math.sin(angle);
  const x = c * u + sn * v;
  const y = -sn * u + c * v;
  if (s.shape === 'box') return Math.max(Math.abs(x) - s.rx, Math.abs(y) - s.ry);
  const r = Math.hypot(x / s.rx, y / s.ry);
  const scale = Math.min(s.rx, s.ry);
  if (s.shape === 'ellipse') return (r - 1) * scale;
  // five-pointed star: radius oscillates between 0.45 and 1 with the polar angle
  const phi = Math.atan2(y / s.ry, x / s.rx);
  const k = 0.5 + 0.5 * Math.cos(5 * phi);
  return (r - (0.45 + 0.55 * k)) * scale;
}

/** Deterministic value noise in [-1, 1] on a grid of `cell` pixels. */
function noise(seed: number, i: number, j: number): number {
  let h = Math.imul(i, 374761393) ^ Math.imul(j, 668265263) ^ Math.imul(seed, 2246822519);
  h = Math.imul(h ^ (h >>> 13), 1274126177);
  return (((h ^ (h >>> 16)) >>> 0) / 4294967295) * 2 - 1;
}

/** Paints `s` centred at (cx, cy), rotated by `angle`, into a size x size gray frame (in place). */
export function paintSprite(frame: Uint8Array, size: number, s: Sprite, cx: number, cy: number, angle = 0): void {
  const reach = Math.ceil(Math.hypot(s.rx, s.ry)) + 2;
  const x0 = Math.max(0, Math.floor(cx - reach));
  const x1 = Math.min(size - 1, Math.ceil(cx + reach));
  const y0 = Math.max(0, Math.floor(cy - reach));
  const y1 = Math.min(size - 1, Math.ceil(cy + reach));
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const u = x + 0.5 - cx;
      const v = y + 0.5 - cy;
      const alpha = Math.min(1, Math.max(0, 0.5 - edgeDistance(s, u, v, angle)));
      if (alpha === 0) continue;
      // texture fixed to the object (moves with it)
      const t = noise(s.seed, Math.floor((u + reach) / s.cell), Math.floor((v + reach) / s.cell));
      const value = Math.min(255, Math.max(0, s.gray + s.texture * t));
      const at = y * size + x;
      frame[at] = Math.round((1 - alpha) * frame[at] + alpha * value);
    }
  }
}
