/**
 * Everything the app holds, allocated once at start-up from the checked options (app-options.ts):
 * the engine heap (detector state, its output, the frame, the message buffer, the MAC key) checked
 * against the board's appHeapBytes, and the external memory (raw view, background, encoded bundles
 * waiting for their ack, one chunk) checked against externalBytes. Nothing else is allocated per
 * frame (see app.ts). ES5-safe.
 */
import { checkKernels, configHash, createDetector, createOutput, DETECTOR_VERSION } from '../../src/core/index.js';
import type { DetectorOutput, MotionDetector } from '../../src/core/index.js';
import { bundleSize } from '../../src/protocol/bundle.js';
import type { Bundle, RawView } from '../../src/protocol/bundle.js';
import { macKey } from '../../src/protocol/mac.js';
import { checkSha256Blocks, useNativeSha256Blocks } from '../../src/protocol/sha256.js';
import type { HmacSha256 } from '../../src/protocol/sha256.js';
import { APP_DEFAULTS } from './app-options.js';
import type { AppSetup } from './app-options.js';
import { EVENT_MESSAGE_BYTES } from './event-message.js';
import type { Ports } from './hardware.js';
import { UnackedBundles } from './unacked.js';

/** The engine-heap part. */
export interface EngineHeap {
  detector: MotionDetector;
  out: DetectorOutput;
  frame: Uint8Array;
  message: Uint8Array;
  key: HmacSha256;
  /** Bytes held in typed arrays (and the MAC state's estimate). */
  stateBytes: number;
  /** Why the native kernels / SHA-256 were refused (null: used, or none). */
  kernelsBad: string | null;
  digestBad: string | null;
  nativeKernels: boolean;
  nativeDigest: boolean;
}

/** The external-memory part. */
export interface ExternalMemory {
  view: Uint8Array;
  chunk: Uint8Array;
  /** The bundle, filled in place per snapshot; its outputs are the detector's. */
  bundle: Bundle;
  noView: RawView;
  unacked: UnackedBundles;
  externalBytes: number;
}

function outputBytes(o: DetectorOutput): number {
  return o.motion.byteLength + o.staticMask.byteLength + o.sky.byteLength + o.foreground.byteLength + o.boxes.byteLength + o.boxAreas.byteLength;
}

/**
 * Engine heap. Native kernels are trusted only once they reproduce the reference on a few cases (a
 * board built with another compiler or flags must not drift silently); otherwise the TypeScript ones
 * run. The same for the native SHA-256 compression the MACs use.
 */
export function allocateHeap(ports: Ports, s: AppSetup): EngineHeap {
  let kernels = ports.kernels;
  const kernelsBad = kernels ? checkKernels(kernels, APP_DEFAULTS.kernelCheckCases, 1) : null;
  if (kernelsBad !== null) kernels = undefined;
  const digest = ports.digest;
  const digestBad = digest ? checkSha256Blocks(digest.sha256Blocks, APP_DEFAULTS.kernelCheckCases, 1) : null;
  useNativeSha256Blocks(digest && digestBad === null ? digest.sha256Blocks : null);
  const detector = createDetector(s.detector, kernels);
  const out = createOutput(s.width, s.height, detector.cellSize, s.maxBoxes, false);
  const frame = new Uint8Array(s.width * s.height);
  const message = new Uint8Array(EVENT_MESSAGE_BYTES);
  const stateBytes = detector.stateBytes() + outputBytes(out) + frame.byteLength + message.byteLength + 32 + APP_DEFAULTS.macStateBytes;
  if (stateBytes > s.appHeapBytes) {
    throw new RangeError('firmware app: ' + s.width + 'x' + s.height + ' needs ' + stateBytes + ' bytes of engine heap, the board allows appHeapBytes ' + s.appHeapBytes);
  }
  return {
    detector: detector, out: out, frame: frame, message: message, key: macKey(s.secret), stateBytes: stateBytes,
    kernelsBad: kernelsBad, digestBad: digestBad, nativeKernels: !!kernels, nativeDigest: !!digest && digestBad === null,
  };
}

/** External memory: raw view, background + encoded bundles (one per unacknowledged slot), one chunk. */
export function allocateExternal(ports: Ports, s: AppSetup, out: DetectorOutput): ExternalMemory {
  const bgBytes = s.width * s.height;
  const noView = { width: 0, height: 0, jpeg: new Uint8Array(0) };
  const bundle: Bundle = {
    cameraId: s.cameraId, bundleId: 'x', captureTimeMs: 0, detectorVersion: DETECTOR_VERSION, configHash: configHash(s.detector),
    width: s.width, height: s.height, cellSize: out.cellSize, cols: out.cols, rows: out.rows, rawView: noView,
    sky: out.sky, staticMask: out.staticMask, motion: out.motion, boxCount: 0, boxes: out.boxes, boxAreas: out.boxAreas,
    background: { width: s.width, height: s.height, pixels: noView.jpeg }, purposes: 0, consentVersion: 0,
  };
  // Worst case: longest bundle id, every box, the largest raw view.
  const maxEncoded = bundleSize(bundle) - 1 + 64 + 10 * s.maxBoxes + bgBytes + s.maxViewBytes;
  const external = s.maxViewBytes + bgBytes + s.unackedBundles * maxEncoded + s.chunkSize;
  if (external > s.externalBytes) {
    throw new RangeError('firmware app: buffers need ' + external + ' bytes of external memory, the board allows externalBytes ' + s.externalBytes);
  }
  const view = ports.memory.external(s.maxViewBytes > 0 ? s.maxViewBytes : 1);
  bundle.background.pixels = ports.memory.external(bgBytes);
  const unacked = new UnackedBundles(ports.memory, s.unackedBundles, maxEncoded, s.ackTimeoutMs);
  const chunk = ports.memory.external(s.chunkSize);
  return { view: view, chunk: chunk, bundle: bundle, noView: noView, unacked: unacked, externalBytes: external };
}
