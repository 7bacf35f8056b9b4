/**
 * Per-cell decisions after the difference pass: which cells are foreground, how each cell's
 * noise and flicker level adapt, which foreground is static, and how fast each cell's background
 * may learn. Works on cells only (1/16 of the pixels at 4x4), except the still test, which sums
 * the pixels of foreground cells.
 */
import { DetectorConfig } from './config.js';
import { State } from './state.js';
import { absorbCell, cellSum } from './background.js';

/** Frames a cell must have been still to count as someone standing (besideStanding). */
const STANDING_FRAMES = 4;

/** Mark raw foreground cells; returns how many there are. */
export function classifyCells(s: State): number {
  // Arrays in locals: a property read per use costs more than the work in an interpreter.
  const cnt = s.cnt;
  const minPix = s.minPix;
  const raw = s.raw;
  const cells = s.cells;
  let n = 0;
  for (let c = 0; c < cells; c++) {
    const fg = cnt[c] >= minPix[c] ? 1 : 0;
    raw[c] = fg;
    n += fg;
  }
  return n;
}

/** Foreground that moved in and has stood still a few frames: someone waiting, not leaves. */
function standing(s: State, n: number): boolean {
  return s.moved[n] === 1 && s.raw[n] === 1 && s.stillAge[n] >= STANDING_FRAMES;
}

/** A 4-neighbour of cell c is standing foreground. */
function besideStanding(s: State, c: number): boolean {
  const cols = s.cols;
  const cx = c % cols;
  return (cx > 0 && standing(s, c - 1)) || (cx < cols - 1 && standing(s, c + 1)) ||
    (c >= cols && standing(s, c - cols)) || (c + cols < s.cells && standing(s, c + cols));
}

/**
 * Learn noise and flicker, then derive next frame's thresholds. Noise learns only from cells
 * that are not foreground, and a single frame can at most double it, so a person passing by does
 * not teach the cell to ignore people. Flicker counts state flips: swaying branches flip often,
 * a person crossing flips twice.
 */
export function adaptCells(s: State, cfg: DetectorConfig, learnFlicker: boolean): void {
  // Locals, not config reads, inside the loop: it runs per cell on every frame.
  const step = cfg.dynamicStep;
  const dshift = cfg.dynamicShift;
  const gain = cfg.noiseGain;
  const raise = cfg.dynamicMaxRaise;
  const tmin = cfg.thresholdMin;
  const tmax = cfg.thresholdMax;
  const noise = s.noise;
  const dynA = s.dyn;
  const raw = s.raw;
  const rawPrev = s.rawPrev;
  const sad = s.sad;
  const cnt = s.cnt;
  const minPix = s.minPix;
  const inv16 = s.inv16;
  const thr = s.thr;
  const cells = s.cells;
  for (let c = 0; c < cells; c++) {
    let nz = noise[c];
    const fg = raw[c];
    if (!fg) {
      let mad16 = (sad[c] * inv16[c]) >>> 16;
      const cap = 2 * nz + 32;
      if (mad16 > cap) mad16 = cap;
      // The edge of an object that moved in and stands in the next cell (a person waiting) is
      // not noise: with half a moving cell's pixels over threshold beside it, the level may only
      // fall, or the threshold would climb and eat the object from its outline inwards. Leaves
      // are never still, so a tree still learns its own noise.
      if (mad16 > nz && 2 * cnt[c] >= minPix[c] && besideStanding(s, c)) mad16 = nz;
      nz += (mad16 - nz) >> 4;
      noise[c] = nz;
    }
    let dyn = dynA[c];
    if (learnFlicker) {
      dyn -= dyn >> dshift;
      if (fg !== rawPrev[c]) {
        dyn += step;
        if (dyn > 65535) dyn = 65535;
      }
      dynA[c] = dyn;
    }
    let t = ((nz * gain + 8) >> 4) + ((dyn * raise) >>> 16);
    if (t < tmin) t = tmin;
    if (t > tmax) t = tmax;
    thr[c] = t;
    rawPrev[c] = fg;
  }
}

/**
 * An 8-neighbour of cell c holds a static object (`moving` 0), or is foreground that is not
 * static (`moving` 1).
 */
function beside(s: State, c: number, moving: number): boolean {
  const cols = s.cols;
  const rows = s.rows;
  const staticAge = s.staticAge;
  const raw = s.raw;
  const cx = c % cols;
  const cy = (c - cx) / cols;
  for (let dy = -1; dy <= 1; dy++) {
    const ny = cy + dy;
    if (ny < 0 || ny >= rows) continue;
    for (let dx = -1; dx <= 1; dx++) {
      const nx = cx + dx;
      if ((dx === 0 && dy === 0) || nx < 0 || nx >= cols) continue;
      const n = ny * cols + nx;
      if (moving ? raw[n] === 1 && staticAge[n] === 0 : staticAge[n] > 0) return true;
    }
  }
  return false;
}

function absDiff(a: number, b: number): number {
  return a > b ? a - b : b - a;
}

/**
 * Ghost test at the object's own outline: for each pixel of the cell that differs from the
 * background, and each 4-neighbour that does not, add the contrast of that pair in the frame and
 * in the background model. An object that arrived has the higher contrast in the frame (object vs
 * surroundings); a place an object left (a ghost) has it in the model (the old object's edge).
 */
function isGhostRim(s: State, frame: Uint8Array, c: number, t: number): boolean {
  const cs = s.cellSize;
  const w = s.width;
  const h = s.height;
  const x0 = (c % s.cols) * cs;
  const y0 = ((c / s.cols) | 0) * cs;
  const x1 = Math.min(x0 + cs, w);
  const y1 = Math.min(y0 + cs, h);
  const bg = s.bg8;
  let sf = 0;
  let sb = 0;
  let pairs = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = y * w + x;
      if (absDiff(frame[i], bg[i]) <= t) continue;
      for (let k = 0; k < 4; k++) {
        const nx = k === 0 ? x - 1 : k === 1 ? x + 1 : x;
        const ny = k === 2 ? y - 1 : k === 3 ? y + 1 : y;
        if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
        const j = ny * w + nx;
        if (absDiff(frame[j], bg[j]) > t) continue;
        sf += absDiff(frame[i], frame[j]);
        sb += absDiff(bg[i], bg[j]);
        pairs++;
      }
    }
  }
  return pairs > 0 && 3 * sf < 2 * sb;
}

/**
 * Track stillness inside the foreground. A cell that stays foreground while its mean stops
 * changing for `staticFrames` becomes static (a parked car, a dropped package); it stays static
 * until it stops being foreground (the object left) or `staticMaxFrames` pass, when the object
 * is absorbed into the background, as is a ghost. Also sets each cell's background rate for this frame.
 */
export function trackStatic(s: State, cfg: DetectorConfig, frame: Uint8Array, bgShift: number, heldShift: number): void {
  const still16 = cfg.stillLevel * 16;
  const dynStep = cfg.dynamicStep;
  // A branch that settled flickered well above the event level; a car that braked through a
  // few cells (each jump of content counts as flicker) only just reaches it.
  const settled = cfg.dynamicLevel + (cfg.dynamicLevel >> 1);
  const raw = s.raw;
  const stillAge = s.stillAge;
  const staticAge = s.staticAge;
  const prevMean = s.prevMean;
  const rate = s.rate;
  const seenBg = s.seenBg;
  const moved = s.moved;
  const cnt = s.cnt;
  const minPix = s.minPix;
  const cells = s.cells;
  for (let c = 0; c < cells; c++) {
    if (!raw[c]) {
      stillAge[c] = 0;
      staticAge[c] = 0;
      prevMean[c] = 0xffff;
      // A cell with the edge of someone standing next door in it (half a moving cell's pixels
      // over threshold) learns as slowly as one under them, or they would be absorbed from their
      // outline inwards.
      rate[c] = 2 * cnt[c] >= minPix[c] && besideStanding(s, c) ? heldShift : bgShift;
      seenBg[c] = 1;
      moved[c] = 0;
      continue;
    }
    const mean16 = (cellSum(s, frame, c) * s.inv16[c]) >>> 16;
    const prev = s.prevMean[c];
    let d = mean16 - prev;
    if (d < 0) d = -d;
    if (prev === 0xffff && s.staticAge[c] > 0) {
      // First look after a global change: a static object stays as still as it was.
    } else if (prev !== 0xffff && d <= still16) {
      if (s.stillAge[c] < 65535) s.stillAge[c]++;
    } else {
      s.stillAge[c] = 0;
      // A big jump of a foreground cell's content is flicker too: a branch swinging between two
      // poses keeps the cell foreground in both (the background holds their blend), so the
      // on/off flips alone would never see it. A walker adds a few of these, once.
      if (prev !== 0xffff && d > 4 * still16) {
        const dyn = s.dyn[c] + (dynStep >> 1);
        s.dyn[c] = dyn > 65535 ? 65535 : dyn;
      }
    }
    s.prevMean[c] = mean16;
    let age = s.staticAge[c];
    let absorb = false;
    if (age === 0 && s.stillAge[c] >= cfg.staticFrames) {
      // Only what moved in can become static. Still foreground that never belonged to an
      // event-worthy component in this spell (a twig at a new rest, a shadow that settled, a ghost
      // of something there at boot) is a change of the background itself.
      // One that flickered hard until just now (a branch at rest, or a bag its owner kept
      // reaching over) waits, still foreground, until the flicker fades below the settled level.
      if (!s.moved[c]) absorb = true;
      else if (s.dyn[c] < settled) age = 1;
    } else if (age > 0) {
      if (age < 65535) age++;
      // A static cell is absorbed after staticMaxFrames; so is one that turns out to be a ghost:
      // never seen as background since calibration, or on the outline of a place an object left
      // (isGhostRim, checked every 8 frames). The outline test waits while something moves beside
      // the cell: then its surroundings are not background (an owner sitting beside the bag they
      // put down, partly over it). Flicker over a static object (someone reaching over it) is not
      // a reason to absorb it.
      absorb = age > cfg.staticMaxFrames || !s.seenBg[c] ||
        ((age & 7) === 1 && !beside(s, c, 1) && isGhostRim(s, frame, c, s.thr[c]));
    }
    if (absorb) {
      absorbCell(s, frame, c);
      age = 0;
      s.stillAge[c] = 0;
      s.moved[c] = 0;
    }
    s.staticAge[c] = age;
    // Static objects are held exactly; moving ones leak into the background very slowly.
    // So are moving cells touching one: whoever stays beside a bag they put down (and reaches
    // over it) would otherwise leak into the background with the part of the bag they hide, and
    // both would be lost (or left as a ghost) once they leave.
    s.rate[c] = age > 0 || beside(s, c, 0) ? 0 : heldShift;
  }
}
