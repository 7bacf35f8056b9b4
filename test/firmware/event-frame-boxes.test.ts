/**
 * The board's event frames carry the detector's motion boxes of the frame they were sent with
 * (firmware/app/app-events.ts, src/protocol/event-frame.ts v2): the app in Node, frame by frame,
 * against a detector of the same config run beside it on the same frames; the same bytes from the
 * ES5 bundle in Duktape (more than 8 boxes merged there too); a grid too wide for a byte.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FirmwareApp } from '../../firmware/app/app.ts';
import { appOptionsFromBoard } from '../../firmware/app/board-options.ts';
import { readOptions } from '../../firmware/app/app-options.ts';
import { runFirmware } from '../../firmware/node/run.ts';
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

test('the same event frames from the bundle in Duktape, 11 boxes merged to 8 included', async () => {
  const inputs = scene().map((r, i) => ({ kind: 'frame' as const, ...r, view: new Uint8Array(2000 + i).map((_, k) => (k * 7 + i) & 255) }));
  const o = { board: 'esp32-cam-ai-thinker', width: W, height: H, viewWidth: 320, viewHeight: 240, settings: { camera: CAMERA, secret: SECRET }, quietLogs: true, heapCap: 0 }; // Duktape holds the compiled bundle too: above the board's 256 KB
  const node = await runFirmware(inputs, { ...o, runtime: 'node' });
  const embedded = await runFirmware(inputs, { ...o, runtime: 'embedded' });
  const framesOf = (r: typeof node) => r.publishes.filter((p) => p.topic === frameTopic(CAMERA)).map((p) => Buffer.from(p.payload).toString('hex'));
  assert.equal(framesOf(embedded), framesOf(node));
  const counts = node.publishes.filter((p) => p.topic === frameTopic(CAMERA)).map((p) => decodeEventFrame(p.payload).frame!.motion!.count);
  assert.equal(counts, [3, 8, 8], 'at 0 s three blobs, at 1 s and 3 s eleven sent as 8');
});

test('a grid wider than 255 cells is sent as "no motion information"', () => {
  const w = 520; // cellSize 2: 260 x 4 cells
  const h = 8;
  const board = loadBoard('desktop');
  const outputs: FirmwareOutput[] = [];
  const ports = new NodePorts({ width: w, height: h, viewWidth: 320, viewHeight: 240, externalBytes: board.memory.externalBytes,
    settings: new Map([['camera', CAMERA], ['secret', SECRET]]), outputs, quietLogs: true });
  const app = new FirmwareApp(ports.ports, { ...appOptionsFromBoard(board), detector: { cellSize: 2 } });
  const bg = new Uint8Array(w * h).map((_, p) => 60 + ((p * 7) % 40));
  for (let f = 0; f < 100; f++) {
    const g = bg.slice();
    if (f >= 70) for (let y = 0; y < h; y++) for (let x = 100 + f * 4; x < 116 + f * 4; x++) g[y * w + x] = 230;
    ports.setFrame(WALL_2025 + f * 100, f * 100, g, new Uint8Array(500).fill(f));
    app.step();
  }
  const sent = outputs.filter((o) => o.kind === 'publish' && o.topic === frameTopic(CAMERA)) as { payload: Uint8Array }[];
  assert.ok(sent.length >= 1, 'an event and its first frame');
  for (const p of sent) {
    const d = decodeEventFrame(p.payload);
    assert.is(d.error, '');
    assert.is(d.frame!.motion, null);
    assert.is(d.frame!.jpeg.length, 500);
  }
});

test.run();
