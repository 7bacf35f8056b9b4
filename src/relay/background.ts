/**
 * Image 5's pixels before blur, from the bundle alone (so a re-derive gives the same bytes): the
 * device's background estimate (the detector's running background, low-res grey: long-term,
 * robust, but lagging behind light changes), averaged with this snapshot's raw view where nothing
 * moves (fresh, but only there). Both errors halve where both exist. Without a device estimate the
 * raw view alone is used.
 */
import type { GreyImage } from '../protocol/index.js';

export interface BackgroundPixels {
  pixels: Uint8Array;
  /** 'device+view', 'device' (no motion-free pixel in the view) or 'view' (the bundle has no estimate). */
  source: string;
  /** Share of pixels averaged with the raw view, 0-1. */
  refined: number;
}

/**
 * @param device the device's estimate (0x0 when it sent none)
 * @param view the raw view in grey at the estimate's size (or the grid's when there is none)
 * @param free 1 where the view is motion-free, same size
 * @example backgroundPixels(bundle.background, grey, motionFreeMask(bundle, 80, 60))
 */
export function backgroundPixels(device: GreyImage, view: Uint8Array, free: Uint8Array): BackgroundPixels {
  const n = view.length;
  if (device.pixels.length !== n) return { pixels: view, source: 'view', refined: 0 };
  const out = new Uint8Array(n);
  let refined = 0;
  for (let i = 0; i < n; i++) {
    if (free[i]) {
      out[i] = (device.pixels[i] + view[i] + 1) >> 1;
      refined++;
    } else {
      out[i] = device.pixels[i];
    }
  }
  return { pixels: out, source: refined ? 'device+view' : 'device', refined: n ? refined / n : 0 };
}
