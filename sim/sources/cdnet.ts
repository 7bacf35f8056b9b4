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
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { IMAGE_EXTENSIONS, readImage, type GreyImage } from '../image-io.js';
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
  frames(): AsyncIterable<CdnetFrame>;
}

interface Entry { n: number; file: string }

/** Frame number of a file: the trailing digits of its stem, or -1 when there are none. */
export function frameNumber(file: string): number {
  const m = /(\d+)$/.exec(basename(file, extname(file)));
  return m ? Number(m[1]) : -1;
}

async function listImages(dir: string, what: string): Promise<Entry[]> {
  const names = (await readdir(dir)).filter((f) => !f.startsWith('.') && IMAGE_EXTENSIONS.includes(extname(f).toLowerCase()));
  const out: Entry[] = [];
  const seen = new Map<number, string>();
  for (const f of names) {
    const n = frameNumber(f);
    if (n < 0) throw new Error(`${join(dir, f)}: ${what} file name has no trailing frame number (expected e.g. in000470.jpg)`);
    const prev = seen.get(n);
    if (prev) throw new Error(`${dir}: ${what} files '${prev}' and '${f}' both have frame number ${n}`);
    seen.set(n, f);
    out.push({ n, file: join(dir, f) });
  }
  return out.sort((a, b) => a.n - b.n);
}

async function isDir(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

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

/** The sorted images of `<root>/input`, with clear errors for a missing or empty folder. */
async function inputImages(root: string, folder: string): Promise<{ n: number; file: string }[]> {
  if (!(await isDir(root))) throw new Error(`${folder}: not a folder`);
  const inputDir = join(root, 'input');
  if (!(await isDir(inputDir))) throw new Error(`${folder}: no input/ folder (a CDnet sequence holds input/, groundtruth/, ROI.bmp, temporalROI.txt)`);
  const inputs = await listImages(inputDir, 'input');
  if (inputs.length === 0) throw new Error(`${inputDir}: no images (${IMAGE_EXTENSIONS.join(', ')})`);
  return inputs;
}

/** Ground-truth mask file per frame number (empty without a groundtruth/ folder). */
async function groundTruthFiles(root: string): Promise<Map<number, string>> {
  const gtDir = join(root, 'groundtruth');
  const truthFiles = new Map<number, string>();
  if (await isDir(gtDir)) for (const e of await listImages(gtDir, 'ground-truth')) truthFiles.set(e.n, e.file);
  return truthFiles;
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
  const inputs = await inputImages(root, folder);
  const truthFiles = await groundTruthFiles(root);
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
