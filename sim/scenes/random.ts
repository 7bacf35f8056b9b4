/**
 * Seeded integer randomness for the scene generator. Everything a scene draws derives from one
 * 32-bit seed, so the same seed gives the same bytes on every machine (no Math.random anywhere).
 */

/**
 * mulberry32: 32-bit state, period 2^32, passes the usual quick statistical checks. Ample for
 * textures and timing jitter; not for cryptography.
 * @example const r = new Rng(7); r.int(10); // 0..9
 */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  /** Next unsigned 32-bit integer. */
  next(): number {
    const t0 = (this.s = (this.s + 0x6d2b79f5) | 0);
    let t = Math.imul(t0 ^ (t0 >>> 15), t0 | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** Uniform in [0, 1). */
  float(): number {
    return this.next() / 4294967296;
  }
  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }
  /** Uniform in [a, b). */
  range(a: number, b: number): number {
    return a + (b - a) * this.float();
  }
  /** One element of a non-empty list. */
  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)];
  }
}

/** Integer hash of up to three integers (murmur3's finaliser over a simple mix): uint32. */
export function hash32(a: number, b = 0, c = 0): number {
  let h = Math.imul(a | 0, 0x9e3779b1) ^ Math.imul(b | 0, 0x85ebca77) ^ Math.imul(c | 0, 0xc2b2ae3d);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a hash of a string: uint32. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * Seed for one part of a scene. Keyed by a label and an ordinal rather than by list position, so
 * removing a person from a spec does not change the noise or the tree of the same seed (tests
 * rely on this to render "the same scene without the object").
 */
export function subSeed(seed: number, label: string, n = 0): number {
  return hash32(seed, hashString(label), n);
}
