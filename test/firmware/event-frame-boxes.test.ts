/**
 * The board's event frames carry the detector's motion boxes of the frame they were sent with
 * (firmware/app/app-events.ts, src/protocol/event-frame.ts v2): the app in Node, frame by frame,
 * against a detector of the same config run beside it on the same frames.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FirmwareApp } from '../../firmware/app/app.ts';
import { appOptionsFromBoard } from '../../firmware/app/board-options.ts';
import { readOptions } from '../../firmware/app/app-options.ts';
import { NodePorts } from '../../firmware/node/node-ports.ts';
import { syntheticFrames, WALL_2025 } from '../../firmware/node/synthetic.ts';
import type { FirmwareOutput } from '../../firmware/node/wire.ts';
import { loadBoard } from '../../boards/schema.ts';
import { createDetector, createOutput, type DetectorOutput } from '../../src/core/index.ts';
import { decodeEventFrame, eventFrameMacOk, frameTopic, macKey, MAX_FRAME_BOXES } from '../../src/protocol/index.ts';

const W = 80;
const H = 60;
const CAMERA = 'porch';
const SECRET = '42'.repeat(32);

/** `n` bright 8x8 blobs on cell borders (2x2 cells each, 3 cells apart), nudged one cell every other frame. */
function blobs(base: Uint8Array, n: number, f: number): Uint8Array {
  const g = base.slice();
  for (let b = 0; b < n; b++) {
    const x0 = 4 + (b % 4) * 20 + (f & 1) * 4;
    const y0 = 4 + Math.floor(b / 4) * 20;
    for (let y = y0; y < y0 + 8; y++) for (let x = x0; x < x0 + 8; x++) g[y * W + x] = 230;
  }
  return g;
}

/** Quiet frames (calibration, warm-up), then an event whose blobs go from 3 to 11, then quiet. */
function scene(): { wallMs: number; ticksMs: number; grey: Uint8Array }[] {
  const quiet = [...syntheticFrames({ width: W, height: H, segments: [{ frames: 70, frameMs: 100, motion: false }], wallStartMs: WALL_2025 })];
  const base = (quiet[0] as { grey: Uint8Array }).grey;
  const out = quiet.map((r) => r as { wallMs: number; ticksMs: number; grey: Uint8Array });
  for (let f = 0; f < 60; f++) {
    const t = (70 + f) * 100;
    out.push({ wallMs: WALL_2025 + t, ticksMs: t, grey: f < 40 ? blobs(base, f < 12 ? 3 : 11, f) : base.slice() });
  }
  return out;
}

/** The boxes a message carries for a detector output: 7 as they are, the 8th the union of the rest. */
function expected(o: DetectorOutput): number[] {
  const k = Math.min(o.boxCount, MAX_FRAME_BOXES);
  const b = Array.from(o.boxes.subarray(0, k * 4));
  for (let j = k; j < o.boxCount; j++) {
    b[28] = Math.min(b[28], o.boxes[j * 4]);
    b[29] = Math.min(b[29], o.boxes[j * 4 + 1]);
    b[30] = Math.max(b[30], o.boxes[j * 4 + 2]);
    b[31] = Math.max(b[31], o.boxes[j * 4 + 3]);
  }
  return b;
}

test("each event frame carries the grid and the boxes of the detector's frame it was sent with", () => {
  const board = { ...loadBoard('esp32-cam-ai-thinker'), eventFrames: { atMs: [0, 300, 600, 900, 1200, 1500, 1800, 2100], maxBytes: 32768 } };
  const outputs: FirmwareOutput[] = [];
  const ports = new NodePorts({ width: W, height: H, viewWidth: 320, viewHeight: 240, externalBytes: board.memory.externalBytes,
    settings: new Map([['camera', CAMERA], ['secret', SECRET]]), outputs, quietLogs: true });
  const options = appOptionsFromBoard(board);
  const setup = readOptions(ports.ports, options);
  const ref = createDetector(setup.detector);
  const refOut = createOutput(W, H, ref.cellSize, setup.maxBoxes, false);
  const app = new FirmwareApp(ports.ports, options);
  const key = macKey(Uint8Array.from(Buffer.from(SECRET, 'hex')));
  const seen: number[] = [];
  scene().forEach((r, i) => {
    const view = new Uint8Array(2000 + i).map((_, k) => (k * 7 + i) & 255);
    ports.setFrame(r.wallMs, r.ticksMs, r.grey, view);
    const before = outputs.length;
    app.step();
    ref.step(r.grey, refOut);
    for (const o of outputs.slice(before)) {
      if (o.kind !== 'publish' || o.topic !== frameTopic(CAMERA)) continue;
      const d = decodeEventFrame(o.payload);
      assert.is(d.error, '', `frame ${i}`);
      assert.ok(eventFrameMacOk(key, o.payload), `frame ${i}: MAC`);
      assert.equal([...d.frame!.jpeg], [...view], `frame ${i}: the JPEG read after the header's room is intact`);
      assert.is(d.frame!.timeMs, r.wallMs);
      assert.equal(d.frame!.motion, { cols: 20, rows: 15, count: Math.min(refOut.boxCount, MAX_FRAME_BOXES), boxes: expected(refOut) }, `frame ${i}`);
      seen.push(refOut.boxCount);
    }
  });
  assert.is(seen.length, 8, `8 event frames (${seen})`);
  assert.ok(seen.some((n) => n >= 1 && n <= MAX_FRAME_BOXES), `some frames with 1..8 boxes (${seen})`);
  assert.ok(seen.some((n) => n > MAX_FRAME_BOXES), `some frames with more than 8 boxes (${seen})`);
});

test.run();
