/**
 * Sky: a smooth vertical gradient above the horizon, brighter towards the horizon as on a clear
 * day. It is only backdrop; clouds.ts drifts over it. Marks its pixels as sky for the sky truth.
 */
import { readParams } from './params.js';
import { SKY_YES, type Backdrop, type Element, type SkySpec } from './types.js';

export const SKY_PARAMS = {
  top: { def: 196, min: 0, max: 255 }, // grey level at the top row
  bottom: { def: 230, min: 0, max: 255 }, // grey level just above the horizon (leaves room for bright clouds)
};

export function createSky(spec: SkySpec): Element {
  const p = readParams(spec, SKY_PARAMS, 'sky');
  return {
    kind: 'sky',
    layer: 0,
    foreground: false,
    bake(b: Backdrop) {
      const { width: W, horizonY } = b.g;
      for (let y = 0; y < horizonY; y++) {
        const v = Math.round(p.top + ((p.bottom - p.top) * y) / Math.max(1, horizonY - 1));
        b.grey.fill(v, y * W, (y + 1) * W);
        b.skyClass.fill(SKY_YES, y * W, (y + 1) * W);
      }
    },
  };
}
