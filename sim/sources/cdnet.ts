/**
 * A CDnet 2014-style sequence folder as a frame source (../shared/EVAL.md "Input layout").
 *
 * Layout: `input/` (frames), optional `groundtruth/` (one mask per frame), optional `ROI.bmp`
 * (inside = value > 0 after palette decoding), optional `temporalROI.txt` ("start end", inclusive),
 * and — a quietcam extension — an optional hand-drawn `sky.png`/`sky.bmp` (255 sky, 0 not sky,
 * 128 uncertain) attached to every frame as sky truth.
 *
 * Limits: frame number N = trailing digits of the file stem; files without digits are refused.
 * Input N pairs with ground truth N; a frame whose mask is missing is fed but not scored. Frames
 * are decoded one at a time (nothing is preloaded), each into a fresh array the consumer may keep.
 * Capture times are position-based: frame i (0-based, in sorted order) is at i·1000/fps ms.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { readImage, type GreyImage } from '../image-io.js';
import { findLayout, frameNumber, isDir, type LayoutKind } from './layout.js';
import type { FrameSource, FrameTruth, NativeFrame } from './types.js';

export const CDNET_DEFAULTS = {
  /** Nominal frame rate (frames/s) for the virtual clock: CDnet does not record one. */
  fps: 25,
};

export interface CdnetOptions {
  /** Frames per second (> 0); default CDNET_DEFAULTS.fps. */
  fps?: number;
}

/** A CDnet frame also carries the stem of its input file (e.g. `in000470`), for naming outputs. */
export interface CdnetFrame extends NativeFrame {
  name: string;
}

export interface CdnetSource extends FrameSource {
  readonly frameCount: number;
  /** Inclusive temporal ROI from temporalROI.txt, when present. */
  readonly temporalRoi?: { start: number; end: number };
  /** Absolute folder path. */
  readonly folder: string;
  /** Which public layout the folder follows (sim/sources/layout.ts). */
  readonly layout: LayoutKind;
  frames(): AsyncIterable<CdnetFrame>;
}

export { frameNumber };

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

/** Parses temporalROI.txt: two integers "start end" (any whitespace), start <= end. */
export function parseTemporalRoi(text: string, file = 'temporalROI.txt'): { start: number; end: number } {
  const parts = text.trim().split(/\s+/);
  const start = Number(parts[0]);
  const end = Number(parts[1]);
  if (parts.length < 2 || !Number.isInteger(start) || !Number.isInteger(end) || start > end) {
    throw new Error(`${file}: expected "start end" (two integers, start <= end), got '${text.trim()}'`);
  }
  return { start, end };
}

type SizeCheck = (img: { width: number; height: number }, file: string) => void;

function sizeCheck(width: number, height: number): SizeCheck {
  return (img, file) => {
    if (img.width !== width || img.height !== height) {
      throw new Error(`${file}: ${img.width}x${img.height}, but the sequence is ${width}x${height}`);
    }
  };
}

/** An optional still of the sequence's size (ROI.bmp, sky.png): undefined when the file is absent. */
async function readStill(file: string, checkSize: SizeCheck): Promise<GreyImage | undefined> {
  if (!(await exists(file))) return undefined;
  const img = await readImage(file);
  checkSize(img, file);
  return img;
}

interface CdnetFrameContext {
  inputs: { n: number; file: string }[];
  first: GreyImage;
  checkSize: SizeCheck;
  truthFiles: Map<number, string>;
  hasTruth: boolean;
  sky?: Uint8Array;
  temporalRoi?: { start: number; end: number };
  fps: number;
}

async function* cdnetFrames(c: CdnetFrameContext): AsyncGenerator<CdnetFrame> {
  const inTime = (n: number) => !c.temporalRoi || (n >= c.temporalRoi.start && n <= c.temporalRoi.end);
  for (let i = 0; i < c.inputs.length; i++) {
    const e = c.inputs[i];
    const img = i === 0 ? c.first : await readImage(e.file);
    c.checkSize(img, e.file);
    const truth: FrameTruth = {};
    const gtFile = c.truthFiles.get(e.n);
    if (gtFile) {
      const gt = await readImage(gtFile);
      c.checkSize(gt, gtFile);
      truth.motion = gt.grey;
    }
    if (c.sky) truth.sky = c.sky;
    // With ground truth, a frame is scored only if its mask exists; without any, every frame in
    // the temporal ROI counts for the false-alarm figures.
    const scored = inTime(e.n) && (!c.hasTruth || gtFile !== undefined);
    yield {
      index: e.n,
      timeMs: Math.round((i * 1000) / c.fps),
      // The first image is kept for the size check; hand out a copy so callers may write to it.
      grey: i === 0 ? c.first.grey.slice() : img.grey,
      truth: truth.motion || truth.sky ? truth : undefined,
      scored,
      name: basename(e.file, extname(e.file)),
    };
  }
}

/**
 * Opens a CDnet-layout folder.
 *
 * @example
 * const src = await openCdnet('../shared/footage/sbi2015_HallAndMonitor');
 * for await (const f of src.frames()) if (f.scored) score(f.truth!.motion!);
 */
export async function openCdnet(folder: string, opts: CdnetOptions = {}): Promise<CdnetSource> {
  const root = resolve(folder);
  const fps = opts.fps ?? CDNET_DEFAULTS.fps;
  if (!(fps > 0) || !Number.isFinite(fps)) throw new RangeError(`fps must be a positive number, got ${opts.fps}`);
  if (!(await isDir(root))) throw new Error(`${folder}: not a folder`);
  const layout = await findLayout(root, folder);
  if (layout.kind === 'video+masks') throw new Error(`${folder}: a video with masks, not an image sequence (open it with openFolder)`);
  const inputs = layout.inputs;
  if (inputs.length === 0) throw new Error(`${folder}: no images in its input folder`);
  const truthFiles = layout.truth;
  // An empty groundtruth/ is treated like none: the sequence is scored for false alarms.
  const hasTruth = truthFiles.size > 0;
  const troiFile = join(root, 'temporalROI.txt');
  const temporalRoi = (await exists(troiFile)) ? parseTemporalRoi(await readFile(troiFile, 'utf8'), troiFile) : undefined;

  // The first frame fixes the native size; every other image must match it.
  const first = await readImage(inputs[0].file);
  const checkSize = sizeCheck(first.width, first.height);
  const roiImage = await readStill(join(root, 'ROI.bmp'), checkSize);
  let roi: Uint8Array | undefined;
  if (roiImage) {
    roi = new Uint8Array(first.width * first.height);
    for (let i = 0; i < roi.length; i++) roi[i] = roiImage.grey[i] > 0 ? 1 : 0;
  }
  const sky = (await readStill(join(root, 'sky.png'), checkSize) ?? await readStill(join(root, 'sky.bmp'), checkSize))?.grey;
  const { width, height } = first;
  const frames = () => cdnetFrames({ inputs, first, checkSize, truthFiles, hasTruth, sky, temporalRoi, fps });

  return {
    name: basename(root),
    folder: root,
    layout: layout.kind,
    width,
    height,
    fps,
    frameCount: inputs.length,
    roi,
    hasTruth: hasTruth || sky !== undefined,
    temporalRoi,
    frames,
  };
}
