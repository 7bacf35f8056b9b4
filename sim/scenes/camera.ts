/**
 * Global changes of the whole image that are not motion: a light switch (brightness step), the
 * IR night look (compressed contrast, lifted level, stronger noise) and an auto-exposure jump
 * (small gain step). Each element adjusts the frame's CameraState; the state becomes one 256-entry
 * look-up table applied with the noise in a single pass (noise.ts).
 */
import { readParams } from './params.js';
import type { CameraState, Element, ExposureSpec, FogSpec, IrSpec, LightSpec, SceneEvent } from './types.js';

export const LIGHT_PARAMS = {
  at: { def: 30, min: 0, max: 1e6 }, // s, the switch
  until: { def: Infinity, min: 0, max: Infinity }, // s, switched back (default: never)
  gain: { def: 0.6, min: 0, max: 4 }, // multiplies the grey level (0.6: lights off)
  offset: { def: 0, min: -255, max: 255 }, // grey levels added after the gain
};
export const IR_PARAMS = {
  at: { def: 30, min: 0, max: 1e6 }, // s, the camera switches to IR
  contrast: { def: 0.55, min: 0.05, max: 2 }, // IR images are flat: contrast factor around `level`
  level: { def: 118, min: 0, max: 255 }, // grey level mid-grey maps to
  noise: { def: 4, min: 0, max: 40 }, // grey levels of extra noise sigma (high gain at night)
};
export const EXPOSURE_PARAMS = {
  at: { def: 30, min: 0, max: 1e6 }, // s, auto-exposure settles on a new gain
  gain: { def: 1.12, min: 0.25, max: 4 }, // multiplies the grey level
};

export const FOG_PARAMS = {
  density: { def: 0.75, min: 0, max: 0.98 }, // share of the contrast the fog takes away
  level: { def: 200, min: 0, max: 255 }, // grey of the fog itself (mid-grey maps here)
};

export function resetCamera(cam: CameraState): void {
  cam.gain = 1;
  cam.offset = 0;
  cam.irContrast = 0;
  cam.irLevel = 128;
  cam.sigma = 0;
  cam.extraSigma = 0;
}

/** Fill `lut` for this frame's camera state; false when it is the identity (skip the lookup). */
export function buildLut(cam: CameraState, lut: Uint8Array): boolean {
  if (cam.gain === 1 && cam.offset === 0 && cam.irContrast === 0) return false;
  for (let v = 0; v < 256; v++) {
    let x = cam.irContrast ? cam.irLevel + (v - 128) * cam.irContrast : v;
    x = x * cam.gain + cam.offset;
    lut[v] = Math.max(0, Math.min(255, Math.round(x)));
  }
  return true;
}

export function createLight(spec: LightSpec): Element {
  const p = readParams(spec, LIGHT_PARAMS, 'light');
  if (p.until <= p.at) throw new Error(`light.until (${p.until}) must be after light.at (${p.at})`);
  return {
    kind: 'light',
    layer: 3,
    foreground: false,
    camera(t: number, cam: CameraState) {
      if (t >= p.at && t < p.until) {
        cam.gain *= p.gain;
        cam.offset = cam.offset * p.gain + p.offset;
      }
    },
    events(): SceneEvent[] {
      const ev: SceneEvent[] = [{ t: p.at, kind: 'light', what: 'switch', note: `grey ×${p.gain}${p.offset ? ` ${p.offset > 0 ? '+' : ''}${p.offset}` : ''}` }];
      if (p.until !== Infinity) ev.push({ t: p.until, kind: 'light', what: 'switch', note: 'back' });
      return ev;
    },
  };
}

export function createIr(spec: IrSpec): Element {
  const p = readParams(spec, IR_PARAMS, 'ir');
  return {
    kind: 'ir',
    layer: 3,
    foreground: false,
    camera(t: number, cam: CameraState) {
      if (t < p.at) return;
      cam.irContrast = p.contrast;
      cam.irLevel = p.level;
      cam.extraSigma = Math.hypot(cam.extraSigma, p.noise);
    },
    events: () => [{ t: p.at, kind: 'ir', what: 'switch', note: `IR night look: contrast ×${p.contrast}, noise +${p.noise}` }],
  };
}

export function createExposure(spec: ExposureSpec): Element {
  const p = readParams(spec, EXPOSURE_PARAMS, 'exposure');
  return {
    kind: 'exposure',
    layer: 3,
    foreground: false,
    camera(t: number, cam: CameraState) {
      if (t >= p.at) {
        cam.gain *= p.gain;
        cam.offset *= p.gain;
      }
    },
    events: () => [{ t: p.at, kind: 'exposure', what: 'switch', note: `gain ×${p.gain}` }],
  };
}

/** Fog from the first frame: a constant contrast compression (no event, not a change). */
export function createFog(spec: FogSpec): Element {
  const p = readParams(spec, FOG_PARAMS, 'fog');
  return {
    kind: 'fog',
    layer: 3,
    foreground: false,
    camera(_t: number, cam: CameraState) {
      cam.irContrast = (cam.irContrast || 1) * (1 - p.density);
      cam.irLevel = p.level;
    },
  };
}
