/**
 * Scoring protocol v1 of ../shared/EVAL.md, as an accumulator over the frames of one sequence.
 *
 * Masks come in at the working grid (one byte per grid pixel, non-zero = marked); ground truth
 * and the ROI come at native resolution. Each grid pixel is one EVAL "cell" (the grid map of
 * sim/grid.ts). A detector's cell-resolution static/sky masks must be expanded to the grid first
 * (`cellsToGrid` in sim/grid.ts); `SequenceScorer` never sees detector cells.
 *
 * Limits: frames must be added in order (the static rule looks back over the last 25 scored
 * frames). Unscored frames are skipped entirely: they neither count nor break a static run; a
 * scored frame without a motion mask does break it. EVAL.md does not say how an ROI bears on the
 * false-alarm figures: here they count the cells with at least half their pixels inside the ROI
 * (every cell when there is none). All per-frame work uses arrays allocated in the constructor.
 *
 * @example
 * const s = new SequenceScorer({ nativeW: 352, nativeH: 240, Wg: 80, roi: src.roi });
 * for (...) s.add(frame.truth, frame.scored, out.foreground, staticGrid, skyGrid);
 * console.log(s.result().cell?.f);
 */
import { GridMap } from '../grid.js';
import type { FrameTruth } from '../sources/types.js';

/** Values fixed by the protocol (EVAL.md v1); changing one changes what the figures mean. */
export const PROTOCOL = {
  version: 1,
  /** Ground-truth labels. */
  gtForeground: 255,
  gtOutsideRoi: 85,
  gtUnknown: 170,
  skyYes: 255,
  skyUncertain: 128,
  /** A cell is GT-static after this many consecutive scored frames as GT-foreground. */
  staticFrames: 25,
};

const IGNORED = 0;
const GT_FG = 1;
const GT_BG = 2;

export interface Prf {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  precision: number;
  recall: number;
  /** 2PR/(P+R), and 0 when TP = 0. */
  f: number;
}

export interface FalseAlarms {
  /** Scored frames considered. */
  frames: number;
  /** Scored frames with at least one marked cell. */
  framesMarked: number;
  /** framesMarked / frames (0 when there are no frames). */
  rate: number;
  /** Mean over scored frames of the fraction of cells marked. */
  meanMarkedFraction: number;
}

export interface IouSummary {
  /** IoU at the last scored frame that had the needed truth. */
  last: number;
  /** Mean IoU over the frames named in `frames` (null when there were none). */
  mean: number | null;
  /** Frames averaged: for static, frames where GT-static is non-empty; for sky, frames with sky truth. */
  frames: number;
}

export interface SequenceScore {
  protocol: number;
  scoredFrames: number;
  /** Scored frames that carried a motion mask. */
  truthFrames: number;
  /** Cell- and pixel-level figures; absent when no scored frame had a motion mask. */
  cell?: Prf;
  pixel?: Prf;
  falseAlarm: FalseAlarms;
  static?: IouSummary;
  sky?: IouSummary;
}

export interface ScorerOptions {
  nativeW: number;
  nativeH: number;
  /** Working-grid width; the height follows EVAL's rule. */
  Wg: number;
  /** Native spatial ROI (non-zero = inside); absent = whole frame. */
  roi?: Uint8Array;
}

/** Precision, recall and F from counts, with EVAL's conventions (0 instead of 0/0; F = 0 when TP = 0). */
export function prf(tp: number, fp: number, fn: number, tn = 0): Prf {
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  const f = tp > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { tp, fp, fn, tn, precision, recall, f };
}

export class SequenceScorer {
  readonly map: GridMap;
  readonly width: number;
  readonly height: number;
  private readonly roi?: Uint8Array;
  private readonly nCells: number;
  // Per-cell work arrays, reused every frame.
  private readonly nvalid: Uint32Array;
  private readonly nfg: Uint32Array;
  private readonly cls: Uint8Array;
  /** Consecutive scored frames each cell has been GT-foreground. */
  private readonly run: Uint32Array;
  /** Cells that count for the false-alarm figures: at least half their pixels inside the ROI. */
  private readonly alarmCell: Uint8Array;
  private readonly alarmCells: number;

  private scoredFrames = 0;
  private truthFrames = 0;
  private cellTp = 0; private cellFp = 0; private cellFn = 0; private cellTn = 0;
  private pixTp = 0; private pixFp = 0; private pixFn = 0; private pixTn = 0;
  private framesMarked = 0;
  private markedFractionSum = 0;
  private staticLast = NaN; private staticSum = 0; private staticFrames = 0;
  private skyLast = NaN; private skySum = 0; private skyFrames = 0;

  constructor(opts: ScorerOptions) {
    this.map = new GridMap(opts.nativeW, opts.nativeH, opts.Wg);
    this.width = this.map.width;
    this.height = this.map.height;
    const nPix = opts.nativeW * opts.nativeH;
    if (opts.roi && opts.roi.length !== nPix) throw new RangeError(`ROI has ${opts.roi.length} bytes, expected ${nPix}`);
    this.roi = opts.roi;
    this.nCells = this.width * this.height;
    this.nvalid = new Uint32Array(this.nCells);
    this.nfg = new Uint32Array(this.nCells);
    this.cls = new Uint8Array(this.nCells);
    this.run = new Uint32Array(this.nCells);
    this.alarmCell = new Uint8Array(this.nCells);
    if (this.roi) {
      this.countInside(this.nvalid);
      for (let c = 0; c < this.nCells; c++) this.alarmCell[c] = 2 * this.nvalid[c] >= this.map.npix[c] ? 1 : 0;
    } else {
      this.alarmCell.fill(1);
    }
    let n = 0;
    for (let c = 0; c < this.nCells; c++) n += this.alarmCell[c];
    this.alarmCells = n;
  }

  private countInside(out: Uint32Array): void {
    out.fill(0);
    const m = this.map;
    const roi = this.roi!;
    let i = 0;
    for (let y = 0; y < m.nativeH; y++) {
      const base = m.rowBaseOf[y];
      for (let x = 0; x < m.nativeW; x++, i++) if (roi[i]) out[base + m.colOf[x]]++;
    }
  }

  private checkGrid(what: string, a: Uint8Array | undefined): void {
    if (a && a.length !== this.nCells) throw new RangeError(`${what} mask has ${a.length} bytes, expected ${this.nCells} (${this.width}x${this.height} grid)`);
  }

  private checkNative(what: string, a: Uint8Array): void {
    const n = this.map.nativeW * this.map.nativeH;
    if (a.length !== n) throw new RangeError(`${what} truth has ${a.length} bytes, expected ${n} (${this.map.nativeW}x${this.map.nativeH})`);
  }

  /**
   * Adds one frame. `fg`, `staticMask` and `sky` are working-grid masks (non-zero = marked);
   * missing static/sky masks count as empty.
   */
  add(truth: FrameTruth | undefined, scored: boolean, fg: Uint8Array, staticMask?: Uint8Array, sky?: Uint8Array): void {
    this.checkGrid('foreground', fg);
    this.checkGrid('static', staticMask);
    this.checkGrid('sky', sky);
    if (!scored) return;
    this.scoredFrames++;
    this.addAlarms(fg);
    if (truth?.motion) {
      this.checkNative('motion', truth.motion);
      this.truthFrames++;
      this.addMotion(truth.motion, fg);
      this.addStatic(staticMask);
    } else {
      // Nothing is known about this scored frame, so no cell can be foreground "in each of the
      // last 25 scored frames" across it.
      this.run.fill(0);
    }
    if (truth?.sky) {
      this.checkNative('sky', truth.sky);
      this.addSky(truth.sky, sky);
    }
  }

  private addAlarms(fg: Uint8Array): void {
    if (this.alarmCells === 0) return;
    let marked = 0;
    for (let c = 0; c < this.nCells; c++) if (fg[c] && this.alarmCell[c]) marked++;
    if (marked > 0) this.framesMarked++;
    this.markedFractionSum += marked / this.alarmCells;
  }

  /** Cell and pixel counts for one frame, then the cell classes used by the static rule. */
  private addMotion(gt: Uint8Array, fg: Uint8Array): void {
    const m = this.map;
    const nvalid = this.nvalid;
    const nfg = this.nfg;
    const roi = this.roi;
    nvalid.fill(0);
    nfg.fill(0);
    let tp = 0, fp = 0, fn = 0, tn = 0;
    let i = 0;
    for (let y = 0; y < m.nativeH; y++) {
      const base = m.rowBaseOf[y];
      for (let x = 0; x < m.nativeW; x++, i++) {
        const v = gt[i];
        if ((roi && !roi[i]) || v === PROTOCOL.gtOutsideRoi || v === PROTOCOL.gtUnknown) continue;
        const c = base + m.colOf[x];
        nvalid[c]++;
        // Only 255 is foreground: 0, 50 (shadow) and any other value are background.
        const isFg = v === PROTOCOL.gtForeground;
        if (isFg) nfg[c]++;
        // Pixel level: the grid mask upsampled to native (nearest) is fg[c] itself.
        if (fg[c]) {
          if (isFg) tp++;
          else fp++;
        } else if (isFg) fn++;
        else tn++;
      }
    }
    this.pixTp += tp; this.pixFp += fp; this.pixFn += fn; this.pixTn += tn;

    tp = fp = fn = tn = 0;
    const cls = this.cls;
    for (let c = 0; c < this.nCells; c++) {
      // Integer forms of nvalid < npix/2, nfg >= nvalid/4: no rounding questions at odd sizes.
      let k = IGNORED;
      if (2 * nvalid[c] >= m.npix[c]) {
        if (4 * nfg[c] >= nvalid[c]) k = GT_FG;
        else if (nfg[c] === 0) k = GT_BG;
      }
      cls[c] = k;
      if (k === IGNORED) continue;
      if (fg[c]) {
        if (k === GT_FG) tp++;
        else fp++;
      } else if (k === GT_FG) fn++;
      else tn++;
    }
    this.cellTp += tp; this.cellFp += fp; this.cellFn += fn; this.cellTn += tn;
  }

  private addStatic(pred: Uint8Array | undefined): void {
    const cls = this.cls;
    const run = this.run;
    let inter = 0, union = 0, gtCells = 0;
    for (let c = 0; c < this.nCells; c++) {
      run[c] = cls[c] === GT_FG ? run[c] + 1 : 0;
      if (cls[c] === IGNORED) continue;
      const g = run[c] >= PROTOCOL.staticFrames;
      const p = pred !== undefined && pred[c] !== 0;
      if (g) gtCells++;
      if (g && p) inter++;
      if (g || p) union++;
    }
    const iou = union === 0 ? 1 : inter / union;
    this.staticLast = iou;
    if (gtCells > 0) {
      this.staticSum += iou;
      this.staticFrames++;
    }
  }

  private addSky(gt: Uint8Array, pred: Uint8Array | undefined): void {
    const m = this.map;
    const nvalid = this.nvalid;
    const nsky = this.nfg;
    const roi = this.roi;
    nvalid.fill(0);
    nsky.fill(0);
    let i = 0;
    for (let y = 0; y < m.nativeH; y++) {
      const base = m.rowBaseOf[y];
      for (let x = 0; x < m.nativeW; x++, i++) {
        const v = gt[i];
        if ((roi && !roi[i]) || v === PROTOCOL.skyUncertain) continue;
        const c = base + m.colOf[x];
        nvalid[c]++;
        if (v === PROTOCOL.skyYes) nsky[c]++;
      }
    }
    let inter = 0, union = 0;
    for (let c = 0; c < this.nCells; c++) {
      if (2 * nvalid[c] < m.npix[c]) continue;
      // Sky if >= 75 % of the valid pixels are sky, not sky if <= 10 %, else ignored.
      let g: boolean;
      if (4 * nsky[c] >= 3 * nvalid[c]) g = true;
      else if (10 * nsky[c] <= nvalid[c]) g = false;
      else continue;
      const p = pred !== undefined && pred[c] !== 0;
      if (g && p) inter++;
      if (g || p) union++;
    }
    const iou = union === 0 ? 1 : inter / union;
    this.skyLast = iou;
    this.skySum += iou;
    this.skyFrames++;
  }

  result(): SequenceScore {
    const n = this.scoredFrames;
    const out: SequenceScore = {
      protocol: PROTOCOL.version,
      scoredFrames: n,
      truthFrames: this.truthFrames,
      falseAlarm: {
        frames: n,
        framesMarked: this.framesMarked,
        rate: n ? this.framesMarked / n : 0,
        meanMarkedFraction: n ? this.markedFractionSum / n : 0,
      },
    };
    if (this.truthFrames > 0) {
      out.cell = prf(this.cellTp, this.cellFp, this.cellFn, this.cellTn);
      out.pixel = prf(this.pixTp, this.pixFp, this.pixFn, this.pixTn);
      out.static = { last: this.staticLast, mean: this.staticFrames ? this.staticSum / this.staticFrames : null, frames: this.staticFrames };
    }
    if (this.skyFrames > 0) out.sky = { last: this.skyLast, mean: this.skySum / this.skyFrames, frames: this.skyFrames };
    return out;
  }
}
