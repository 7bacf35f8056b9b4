/**
 * Hard cast shadows (CDnet's label 50: background, though it moves with the object). The shadow
 * is the sprite's silhouette laid on the ground: a pixel h rows above the feet lands h·SHEAR to
 * the side and h·SQUASH rows below the feet, darkening the ground to DARKEN of its value. Shadow
 * pixels never cover the object itself (drawn after) and are darkened once per frame.
 */
import type { Sprite } from './canvas.js';
import type { FrameContext } from './types.js';

export const TRUTH_SHADOW = 50;
const SHEAR = 0.7; // sideways run of the shadow per row of height (low sun from the left)
const SQUASH = 0.22; // rows of shadow per row of height
const DARKEN = 0.5; // ground grey under a hard shadow, fraction of its lit value

export function castShadow(f: FrameContext, s: Sprite, x: number, footY: number): void {
  const W = f.g.width;
  const H = f.g.height;
  const left = x - s.ax;
  const top = footY - s.ay;
  for (let sy = 0; sy < s.h; sy++) {
    const h = footY - (top + sy);
    if (h < 0) continue;
    const ty = footY + Math.round(h * SQUASH);
    if (ty < 0 || ty >= H) continue;
    const dx = Math.round(h * SHEAR);
    for (let sx = 0; sx < s.w; sx++) {
      if (!s.mask[sy * s.w + sx]) continue;
      // Two columns per source pixel: the shear spreads rows apart, so fill the gaps.
      for (let k = 0; k < 2; k++) {
        const tx = left + sx + dx + k;
        if (tx < 0 || tx >= W) continue;
        const i = ty * W + tx;
        if (f.motion[i] !== 0) continue;
        f.grey[i] = Math.round(f.grey[i] * DARKEN);
        f.motion[i] = TRUTH_SHADOW;
      }
    }
  }
}

/** Soft contact shadow under a person's feet: at most CONTACT of the ground's light taken away. */
const CONTACT = 0.15;

/**
 * A soft, flat shadow on the ground around the feet at (x, footY) of a person `h` px tall (an
 * overcast look, where no hard shadow is cast): it darkens only background (truth 0), and the
 * pixels it changes are labelled shadow (50), like a hard shadow's: background for the scoring.
 */
export function contactShadow(f: FrameContext, x: number, footY: number, h: number): void {
  const W = f.g.width;
  const H = f.g.height;
  const rx = 0.2 * h, ry = Math.max(1, 0.035 * h);
  const cy = footY - 0.3 * ry;
  for (let y = Math.max(0, Math.floor(cy - ry)); y <= Math.min(H - 1, Math.ceil(cy + ry)); y++) {
    for (let xx = Math.max(0, Math.floor(x - rx)); xx <= Math.min(W - 1, Math.ceil(x + rx)); xx++) {
      const u = (xx + 0.5 - x) / rx, v = (y + 0.5 - cy) / ry;
      const d = u * u + v * v;
      if (d >= 1) continue;
      const i = y * W + xx;
      if (f.motion[i] !== 0) continue;
      const g = Math.round(f.grey[i] * (1 - CONTACT * (1 - d) * (1 - d)));
      if (g === f.grey[i]) continue;
      f.grey[i] = g;
      f.motion[i] = TRUTH_SHADOW;
    }
  }
}
