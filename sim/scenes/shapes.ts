/**
 * Anti-aliased vector drawing into sprites: tapered capsules (limbs), rotated ellipses (heads,
 * hands, feet) and polygons, painted in order (later layers cover earlier ones) and sampled
 * SAMPLES x SAMPLES times per pixel. A pixel's grey is the mean of the paints under its covered
 * samples and its alpha the covered fraction, so edges blend into the frame when blitted
 * (canvas.ts blit); the truth mask is the pixels at least half covered.
 */
import type { Paint, Sprite } from './canvas.js';

export type Shape =
  /** Segment (x0, y0)-(x1, y1) with a radius going from r0 to r1 along it, round ends. */
  | { kind: 'capsule'; x0: number; y0: number; x1: number; y1: number; r0: number; r1: number }
  /** Ellipse centred at (cx, cy), radii rx, ry, turned by `angle` radians. */
  | { kind: 'ellipse'; cx: number; cy: number; rx: number; ry: number; angle?: number }
  /** Polygon [x0, y0, x1, y1, ...] (even-odd rule). */
  | { kind: 'polygon'; pts: number[] };

export interface Layer {
  shape: Shape;
  paint: Paint;
}

const SAMPLES = 4;

/** Axis-aligned bounds [x0, y0, x1, y1] of a shape. */
function bounds(s: Shape): [number, number, number, number] {
  if (s.kind === 'capsule') {
    const r = Math.max(s.r0, s.r1);
    return [Math.min(s.x0, s.x1) - r, Math.min(s.y0, s.y1) - r, Math.max(s.x0, s.x1) + r, Math.max(s.y0, s.y1) + r];
  }
  if (s.kind === 'ellipse') {
    const r = Math.max(s.rx, s.ry);
    return [s.cx - r, s.cy - r, s.cx + r, s.cy + r];
  }
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let k = 0; k < s.pts.length; k += 2) {
    x0 = Math.min(x0, s.pts[k]);
    x1 = Math.max(x1, s.pts[k]);
    y0 = Math.min(y0, s.pts[k + 1]);
    y1 = Math.max(y1, s.pts[k + 1]);
  }
  return [x0, y0, x1, y1];
}

/** The point (x, y) is inside the shape. */
export function inside(s: Shape, x: number, y: number): boolean {
  if (s.kind === 'capsule') {
    const dx = s.x1 - s.x0, dy = s.y1 - s.y0;
    const len2 = dx * dx + dy * dy;
    const t = len2 > 0 ? Math.max(0, Math.min(1, ((x - s.x0) * dx + (y - s.y0) * dy) / len2)) : 0;
    const px = x - (s.x0 + t * dx), py = y - (s.y0 + t * dy);
    const r = s.r0 + t * (s.r1 - s.r0);
    return px * px + py * py <= r * r;
  }
  if (s.kind === 'ellipse') {
    const c = Math.cos(s.angle ?? 0), sn = Math.sin(s.angle ?? 0);
    const u = ((x - s.cx) * c + (y - s.cy) * sn) / s.rx;
    const v = (-(x - s.cx) * sn + (y - s.cy) * c) / s.ry;
    return u * u + v * v <= 1;
  }
  const p = s.pts;
  let odd = false;
  for (let i = 0, j = p.length - 2; i < p.length; j = i, i += 2) {
    if ((p[i + 1] > y) !== (p[j + 1] > y) && x < p[i] + ((y - p[i + 1]) * (p[j] - p[i])) / (p[j + 1] - p[i + 1])) odd = !odd;
  }
  return odd;
}

/**
 * Paint `layers` into the sprite (which must be empty): grey, alpha (0..255 coverage) and mask
 * (coverage >= 1/2). Paints are called with sample coordinates in sprite pixels.
 */
export function paintLayers(sp: Sprite, layers: Layer[]): void {
  const alpha = sp.alpha ?? (sp.alpha = new Uint8Array(sp.w * sp.h));
  const boxes = layers.map((l) => bounds(l.shape));
  const n = SAMPLES * SAMPLES;
  for (let y = 0; y < sp.h; y++) {
    const live: number[] = [];
    for (let k = 0; k < layers.length; k++) if (boxes[k][1] <= y + 1 && boxes[k][3] >= y) live.push(k);
    if (!live.length) continue;
    for (let x = 0; x < sp.w; x++) {
      let sum = 0, hits = 0;
      for (let j = 0; j < SAMPLES; j++) {
        const sy = y + (j + 0.5) / SAMPLES;
        for (let i = 0; i < SAMPLES; i++) {
          const sx = x + (i + 0.5) / SAMPLES;
          for (let q = live.length - 1; q >= 0; q--) {
            const k = live[q];
            const b = boxes[k];
            if (sx < b[0] || sx > b[2] || sy < b[1] || sy > b[3] || !inside(layers[k].shape, sx, sy)) continue;
            sum += layers[k].paint(sx, sy);
            hits++;
            break;
          }
        }
      }
      if (!hits) continue;
      const idx = y * sp.w + x;
      sp.grey[idx] = Math.max(0, Math.min(255, Math.round(sum / hits)));
      alpha[idx] = Math.round((255 * hits) / n);
      sp.mask[idx] = 2 * hits >= n ? 1 : 0;
    }
  }
}
