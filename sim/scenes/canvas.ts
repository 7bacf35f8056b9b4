/**
 * Drawing on grey Uint8Array frames and their truth masks. Moving things are pre-rendered once
 * into sprites (grey + coverage mask) and blitted per frame with integer offsets, so a frame
 * costs a copy per object pixel and the texture travels with the object, as on a real one.
 */
import type { FrameContext } from './types.js';

/** CDnet labels (../../shared/EVAL.md). */
export const TRUTH_FG = 255;
export const TRUTH_UNKNOWN = 170;

export interface Sprite {
  w: number;
  h: number;
  grey: Uint8Array;
  /** 1 where the sprite covers the pixel (at least half of it, when `alpha` is set). */
  mask: Uint8Array;
  /** Coverage 0..255 of anti-aliased sprites (shapes.ts): edges blend into the frame. Absent: opaque where mask. */
  alpha?: Uint8Array;
  /** Anchor (the point placed at the object's position), e.g. bottom centre for feet and wheels. */
  ax: number;
  ay: number;
}

export function newSprite(w: number, h: number, ax: number, ay: number): Sprite {
  w = Math.max(1, Math.ceil(w));
  h = Math.max(1, Math.ceil(h));
  return { w, h, grey: new Uint8Array(w * h), mask: new Uint8Array(w * h), ax: Math.round(ax), ay: Math.round(ay) };
}

/** Grey level for a sprite pixel (sprite coordinates), called only while building a sprite. */
export type Paint = (x: number, y: number) => number;

function put(s: Sprite, x: number, y: number, paint: Paint): void {
  if (x < 0 || y < 0 || x >= s.w || y >= s.h) return;
  const i = y * s.w + x;
  s.grey[i] = Math.max(0, Math.min(255, Math.round(paint(x, y))));
  s.mask[i] = 1;
}

/**
 * Fill a convex polygon (points as [x0, y0, x1, y1, ...] in sprite pixels) by scanlines through
 * pixel centres; at least one pixel per row is drawn so thin limbs survive small resolutions.
 */
export function fillPolygon(s: Sprite, pts: number[], paint: Paint): void {
  let ymin = Infinity;
  let ymax = -Infinity;
  for (let k = 1; k < pts.length; k += 2) {
    ymin = Math.min(ymin, pts[k]);
    ymax = Math.max(ymax, pts[k]);
  }
  const n = pts.length / 2;
  for (let y = Math.floor(ymin); y <= Math.ceil(ymax); y++) {
    const yc = Math.min(Math.max(y + 0.5, ymin), ymax);
    let lo = Infinity;
    let hi = -Infinity;
    for (let e = 0; e < n; e++) {
      const x0 = pts[2 * e], y0 = pts[2 * e + 1];
      const x1 = pts[(2 * e + 2) % pts.length], y1 = pts[(2 * e + 3) % pts.length];
      if ((yc < Math.min(y0, y1)) || (yc > Math.max(y0, y1))) continue;
      const x = y1 === y0 ? null : x0 + ((yc - y0) * (x1 - x0)) / (y1 - y0);
      if (x === null) {
        lo = Math.min(lo, x0, x1);
        hi = Math.max(hi, x0, x1);
      } else {
        lo = Math.min(lo, x);
        hi = Math.max(hi, x);
      }
    }
    if (lo > hi) continue;
    const xa = Math.round(lo);
    const xb = Math.max(xa, Math.round(hi) - 1);
    for (let x = xa; x <= xb; x++) put(s, x, y, paint);
  }
}

/** Fill an axis-aligned ellipse centred at (cx, cy) with radii rx, ry (at least one pixel). */
export function fillEllipse(s: Sprite, cx: number, cy: number, rx: number, ry: number, paint: Paint): void {
  rx = Math.max(rx, 0.5);
  ry = Math.max(ry, 0.5);
  for (let y = Math.floor(cy - ry); y <= Math.ceil(cy + ry); y++) {
    const dy = (y + 0.5 - cy) / ry;
    if (dy * dy > 1) continue;
    const half = rx * Math.sqrt(1 - dy * dy);
    const xa = Math.round(cx - half);
    const xb = Math.max(xa, Math.round(cx + half) - 1);
    for (let x = xa; x <= xb; x++) put(s, x, y, paint);
  }
}

/** A left-right mirror image (for objects walking or driving the other way). */
export function mirror(s: Sprite): Sprite {
  const m = newSprite(s.w, s.h, s.w - 1 - s.ax, s.ay);
  for (let y = 0; y < s.h; y++) {
    for (let x = 0; x < s.w; x++) {
      m.grey[y * s.w + x] = s.grey[y * s.w + s.w - 1 - x];
      m.mask[y * s.w + x] = s.mask[y * s.w + s.w - 1 - x];
    }
  }
  if (s.alpha) {
    const a = s.alpha;
    m.alpha = new Uint8Array(a.length);
    for (let y = 0; y < s.h; y++) for (let x = 0; x < s.w; x++) m.alpha[y * s.w + x] = a[y * s.w + s.w - 1 - x];
  }
  return m;
}

/**
 * Copy a sprite into the frame with its anchor at (x, y), clipped, writing `truth` into the
 * motion mask under it. Partly covered edges of an anti-aliased sprite are blended: foreground
 * where at least half covered, else CDnet's "unknown" (170, like the ring below) over background.
 * A moving object also records its box for the unknown ring (see ring()). Returns false when
 * nothing was visible.
 */
export function blit(f: FrameContext, s: Sprite, x: number, y: number, truth: number, moving: boolean): boolean {
  const W = f.g.width;
  const H = f.g.height;
  const left = x - s.ax;
  const top = y - s.ay;
  const x0 = Math.max(0, left);
  const y0 = Math.max(0, top);
  const x1 = Math.min(W, left + s.w);
  const y1 = Math.min(H, top + s.h);
  if (x0 >= x1 || y0 >= y1) return false;
  const grey = f.grey;
  const motion = f.motion;
  const alpha = s.alpha;
  for (let yy = y0; yy < y1; yy++) {
    let si = (yy - top) * s.w + (x0 - left);
    let di = yy * W + x0;
    for (let xx = x0; xx < x1; xx++, si++, di++) {
      const a = alpha ? alpha[si] : s.mask[si] ? 255 : 0;
      if (a === 0) continue;
      grey[di] = a === 255 ? s.grey[si] : Math.round((s.grey[si] * a + grey[di] * (255 - a)) / 255);
      if (s.mask[si]) motion[di] = truth;
      else if (truth === TRUTH_FG && motion[di] !== TRUTH_FG) motion[di] = TRUTH_UNKNOWN;
    }
  }
  if (moving && f.movingCount < f.moving.length / 4) {
    const k = 4 * f.movingCount++;
    f.moving[k] = x0;
    f.moving[k + 1] = y0;
    f.moving[k + 2] = x1 - 1;
    f.moving[k + 3] = y1 - 1;
  }
  return true;
}

/**
 * CDnet's "unknown" boundary: a 1-px ring (4-neighbours) of 170 around the foreground inside
 * each moving object's box grown by one pixel. Only background pixels become 170. Near a parked
 * object a passing person's box may also ring the parked object's edge: acceptable, it is ignored
 * by the scoring either way.
 */
export function ring(f: FrameContext): void {
  const W = f.g.width;
  const H = f.g.height;
  const m = f.motion;
  for (let k = 0; k < f.movingCount; k++) {
    const x0 = Math.max(0, f.moving[4 * k] - 1);
    const y0 = Math.max(0, f.moving[4 * k + 1] - 1);
    const x1 = Math.min(W - 1, f.moving[4 * k + 2] + 1);
    const y1 = Math.min(H - 1, f.moving[4 * k + 3] + 1);
    for (let y = y0; y <= y1; y++) {
      for (let x = x0, i = y * W + x0; x <= x1; x++, i++) {
        if (m[i] !== 0) continue;
        if ((x > 0 && m[i - 1] === TRUTH_FG) || (x < W - 1 && m[i + 1] === TRUTH_FG) ||
            (y > 0 && m[i - W] === TRUTH_FG) || (y < H - 1 && m[i + W] === TRUTH_FG)) m[i] = TRUTH_UNKNOWN;
      }
    }
  }
}
