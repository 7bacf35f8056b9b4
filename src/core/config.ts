/**
 * Detector configuration: one defaults object, each value with its unit and allowed range.
 * Time constants are in frames (the core has no clock); the comments give seconds at 10 fps,
 * the board's usual rate. Rates are shifts: a shift of s moves a value 1/2^s of the way per frame.
 */
export interface DetectorConfig {
  width: number;
  height: number;
  cellSize: number;
  calibrationFrames: number;
  warmupFrames: number;
  backgroundShift: number;
  heldShift: number;
  thresholdMin: number;
  thresholdMax: number;
  noiseGain: number;
  cellFill: number;
  dynamicStep: number;
  dynamicShift: number;
  dynamicMaxRaise: number;
  dynamicLevel: number;
  globalFraction: number;
  globalExplained: number;
  settleFrames: number;
  stillLevel: number;
  staticFrames: number;
  staticMaxFrames: number;
  skyEvery: number;
  skyMinBright: number;
  skyMaxTexture: number;
  skyMinCells: number;
  minBoxCells: number;
  eventMinFrames: number;
  eventGapFrames: number;
  maxBoxes: number;
}

interface Field { def: number; min: number; max: number; unit: string; why: string }

/** The defaults, with ranges and units; `validateConfig` checks against these. */
export const CONFIG_FIELDS: { [K in keyof DetectorConfig]: Field } = {
  width: { def: 80, min: 8, max: 1024, unit: 'px', why: 'working-grid width (80: the board decodes a 640-wide JPEG at 1/8 scale)' },
  height: { def: 60, min: 8, max: 1024, unit: 'px', why: 'working-grid height' },
  cellSize: { def: 4, min: 2, max: 16, unit: 'px', why: 'side of a cell: masks, boxes, static and sky logic work per cell' },
  calibrationFrames: { def: 10, min: 1, max: 255, unit: 'frames', why: 'fast background learning at start and after a global change (1 s)' },
  warmupFrames: { def: 50, min: 0, max: 65535, unit: 'frames', why: 'after calibration, no event starts while flicker and noise are first learned (5 s): a camera that just booted does not alert on its trees' },
  backgroundShift: { def: 6, min: 4, max: 12, unit: 'shift', why: 'background learning rate where nothing moves: 1/64 per frame, ~6 s time constant' },
  heldShift: { def: 11, min: 6, max: 15, unit: 'shift', why: 'learning rate under moving objects: 1/2048 per frame, so a person standing still is not absorbed for minutes' },
  thresholdMin: { def: 10, min: 2, max: 100, unit: 'grey levels', why: 'floor of the per-pixel difference threshold (area-averaged frames are nearly noise-free)' },
  thresholdMax: { def: 60, min: 10, max: 200, unit: 'grey levels', why: 'ceiling of the adaptive threshold, so noisy cells still see people' },
  noiseGain: { def: 5, min: 2, max: 16, unit: 'x mean abs diff', why: 'threshold = gain x the cell\'s mean absolute difference on motion-free frames (~4 sigma)' },
  cellFill: { def: 4, min: 1, max: 16, unit: '/16 of a cell', why: 'a cell moves when at least this share of its pixels differ (4/16 = EVAL\'s quarter rule)' },
  dynamicStep: { def: 2048, min: 0, max: 65535, unit: 'Q16', why: 'added to a cell\'s flicker level each time its state flips' },
  dynamicShift: { def: 7, min: 3, max: 12, unit: 'shift', why: 'flicker level decay: 1/128 per frame, ~13 s memory' },
  dynamicMaxRaise: { def: 40, min: 0, max: 120, unit: 'grey levels', why: 'threshold raise at full flicker (swaying trees, water)' },
  dynamicLevel: { def: 12000, min: 0, max: 65535, unit: 'Q16', why: 'flicker level above which a cell alone cannot start an event' },
  globalFraction: { def: 30, min: 5, max: 100, unit: '% of cells', why: 'share of moving cells that triggers the global-change check' },
  globalExplained: { def: 75, min: 50, max: 100, unit: '% of cells', why: 'share of cells a gain+offset change must explain to count as lighting, not motion' },
  settleFrames: { def: 10, min: 1, max: 255, unit: 'frames', why: 'no events while the background re-learns after a global change (1 s)' },
  stillLevel: { def: 3, min: 0, max: 64, unit: 'grey levels', why: 'a cell\'s mean may change this much between frames and still count as still' },
  staticFrames: { def: 20, min: 2, max: 65535, unit: 'frames', why: 'still this long inside the foreground = static (2 s)' },
  staticMaxFrames: { def: 18000, min: 10, max: 65535, unit: 'frames', why: 'a static object is absorbed into the background after this long (30 min)' },
  skyEvery: { def: 32, min: 1, max: 255, unit: 'frames', why: 'the sky mask is re-derived every this many frames (3 s: it changes slowly, and the pass reads every pixel)' },
  skyMinBright: { def: 110, min: 0, max: 255, unit: 'grey level', why: 'sky cells are at least this bright, and above the frame mean' },
  skyMaxTexture: { def: 4, min: 0, max: 255, unit: 'grey levels', why: 'mean absolute gradient inside a sky cell (sky is smooth)' },
  skyMinCells: { def: 4, min: 1, max: 65535, unit: 'cells', why: 'a smaller top-connected region is not sky' },
  minBoxCells: { def: 2, min: 1, max: 65535, unit: 'cells', why: 'smallest component that becomes a motion box' },
  eventMinFrames: { def: 3, min: 1, max: 255, unit: 'frames', why: 'frames in a row with a box before an event starts' },
  eventGapFrames: { def: 20, min: 1, max: 65535, unit: 'frames', why: 'frames without a box before an event ends (2 s)' },
  maxBoxes: { def: 32, min: 1, max: 1024, unit: 'boxes', why: 'boxes reported per frame (largest components first when exceeded)' },
};

/** Defaults, one value per field of CONFIG_FIELDS. */
export const DEFAULT_CONFIG: DetectorConfig = (function () {
  const out: { [k: string]: number } = {};
  const keys = Object.keys(CONFIG_FIELDS);
  for (let i = 0; i < keys.length; i++) out[keys[i]] = (CONFIG_FIELDS as { [k: string]: Field })[keys[i]].def;
  return out as unknown as DetectorConfig;
})();

/**
 * Merge `partial` over the defaults and check every value: integers inside their ranges, no
 * unknown keys. Throws a RangeError naming the field, its value and the allowed range.
 */
export function validateConfig(partial?: Partial<DetectorConfig>): DetectorConfig {
  const fields = CONFIG_FIELDS as { [k: string]: Field };
  const out: { [k: string]: number } = {};
  const keys = Object.keys(fields);
  for (let i = 0; i < keys.length; i++) out[keys[i]] = fields[keys[i]].def;
  if (partial) {
    const given = Object.keys(partial);
    for (let i = 0; i < given.length; i++) {
      const k = given[i];
      const v = (partial as { [k: string]: unknown })[k];
      if (v === undefined) continue;
      const f = fields[k];
      if (!f) throw new RangeError('detector config: unknown field "' + k + '"');
      if (typeof v !== 'number' || v !== v || Math.floor(v) !== v) {
        throw new RangeError('detector config: ' + k + ' must be an integer (' + f.unit + '), got ' + String(v));
      }
      if (v < f.min || v > f.max) {
        throw new RangeError('detector config: ' + k + ' = ' + v + ' is outside ' + f.min + '..' + f.max + ' ' + f.unit);
      }
      out[k] = v;
    }
  }
  if (out.thresholdMin > out.thresholdMax) throw new RangeError('detector config: thresholdMin must not exceed thresholdMax');
  if (out.cellSize > out.width || out.cellSize > out.height) throw new RangeError('detector config: cellSize is larger than the frame');
  return out as unknown as DetectorConfig;
}

/** A short stable hash of a config (FNV-1a over the values in field order), as 8 hex digits. */
export function configHash(cfg: DetectorConfig): string {
  const keys = Object.keys(CONFIG_FIELDS);
  let h = 0x811c9dc5;
  for (let i = 0; i < keys.length; i++) {
    let v = (cfg as unknown as { [k: string]: number })[keys[i]];
    for (let b = 0; b < 4; b++) {
      h ^= v & 255;
      // FNV prime 16777619 = 2^24 + 403: multiply without Math.imul, staying exact in 32 bits.
      h = ((h + (h << 1) + (h << 4) + (h << 7) + (h << 8) + (h << 24)) >>> 0);
      v = v >>> 8;
    }
  }
  const s = '0000000' + h.toString(16);
  return s.substring(s.length - 8);
}
