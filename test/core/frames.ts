/** Tiny synthetic frames with known answers for core tests: a textured background, squares. */
export function hash(x: number, y: number, seed: number): number {
  let h = (x * 374761393 + y * 668265263 + seed * 2246822519) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 1274126177) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

export function background(w: number, h: number, base = 90): Uint8Array {
  const f = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) f[y * w + x] = base + (hash(x >> 1, y >> 1, 7) % 40);
  return f;
}

/** Copy of `bg` with per-pixel noise of +-amp (seeded by frame number). */
export function noisy(bg: Uint8Array, w: number, frame: number, amp = 2): Uint8Array {
  const f = new Uint8Array(bg.length);
  for (let i = 0; i < bg.length; i++) {
    const n = (hash(i % w, (i / w) | 0, frame + 1000) % (2 * amp + 1)) - amp;
    f[i] = Math.max(0, Math.min(255, bg[i] + n));
  }
  return f;
}

export function square(f: Uint8Array, w: number, x0: number, y0: number, size: number, value: number): Uint8Array {
  for (let y = y0; y < y0 + size; y++) for (let x = x0; x < x0 + size; x++) if (x >= 0 && x < w && y >= 0 && y * w < f.length) f[y * w + x] = value;
  return f;
}

export function count(a: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) n += a[i] ? 1 : 0;
  return n;
}
