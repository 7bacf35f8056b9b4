/**
 * The board's side of event frames and of the camera credentials, measured in the desktop runtime
 * (Duktape 2.7, the bundle of the ESP32-CAM board profile: event frames at 0, 1 and 3 s of an event):
 * - bytes on air per event frame: the message (header + camera id + motion boxes + JPEG + MAC, protocol/event-frame.ts)
 *   and the MQTT framing around it (PUBLISH QoS 1 header, topic, packet id; the broker's PUBACK),
 *   before TCP/IP and TLS;
 * - engine heap: the peak above the bundle's code with event frames sent and with them skipped (no view
 *   from the camera, so nothing else changes), both without consent (no snapshot bundles);
 * - the credentials: the MAC bytes each message carries, and the MAC state the app accounts for.
 * The JPEG bytes are fake (the app treats them as opaque): the figures scale with the JPEG length L.
 */
import { runFirmware, type FirmwareRun } from '../firmware/node/run.ts';
import { syntheticFrames, WALL_2025 } from '../firmware/node/synthetic.ts';
import type { FirmwareInput } from '../firmware/node/wire.ts';
import { decodeEventFrame, EVENT_FRAME_OVERHEAD } from '../src/protocol/event-frame.ts';
import { MAC_BYTES } from '../src/protocol/mac.ts';

export const FRAMES_BENCH = {
  camera: 'porch',
  /** The board profile whose bundle runs (its event frames: 0, 1 and 3 s, JPEGs up to 32 KB). */
  board: 'esp32-cam-ai-thinker',
  /** A QVGA JPEG of a street scene is ~5-10 KB at the camera's default quality. */
  jpegBytes: 6000,
};

export interface EventFrameFigures {
  jpegBytes: number;
  framesPerEvent: number;
  /** The message on `quietcam/<camera>/frame`, and what it adds to the JPEG. */
  messageBytes: number;
  messageOverhead: number;
  /** Motion boxes in each frame of the event (4 B each; the first frame's are in messageBytes). */
  boxes: number[];
  /** Every frame of the event on air: messages + MQTT framing. */
  eventBytes: number;
  /** MQTT PUBLISH framing (QoS 1) + the PUBACK back. */
  mqttBytes: number;
  /** Engine heap above the bundle's code, peak: frames sent vs skipped. */
  peakWithFrames: number;
  peakWithout: number;
  /** The app's own accounting: engine-heap state and external memory (the view buffer is reused). */
  stateBytes: number;
  externalBytes: number;
  /** MAC bytes in an event frame (binary) and in a JSON event message ("mac" member with its hex). */
  frameMacBytes: number;
  eventMacBytes: number;
}

function varintLength(n: number): number {
  return n < 128 ? 1 : n < 16384 ? 2 : n < 2097152 ? 3 : 4;
}

/** MQTT 3.1.1 bytes of a QoS 1 PUBLISH of `payload` bytes on `topic` besides the payload, plus its PUBACK (4). */
export function mqttFraming(topic: string, payload: number): number {
  const remaining = 2 + topic.length + 2 + payload;
  return 1 + varintLength(remaining) + 2 + topic.length + 2 + 4;
}

function scenario(withViews: boolean): FirmwareInput[] {
  const segments = [{ frames: 70, frameMs: 100, motion: false }, { frames: 40, frameMs: 100, motion: true }, { frames: 25, frameMs: 100, motion: false }];
  const out: FirmwareInput[] = [];
  let i = 0;
  for (const r of syntheticFrames({ width: 80, height: 60, segments, wallStartMs: WALL_2025, seed: 1, ticksStartMs: 0 })) {
    if (withViews && r.kind === 'frame') out.push({ ...r, view: new Uint8Array(FRAMES_BENCH.jpegBytes).map((_, k) => (k * 31 + i) & 255) });
    else out.push(r);
    i++;
  }
  return out;
}

async function run(withViews: boolean): Promise<FirmwareRun> {
  return runFirmware(scenario(withViews), {
    runtime: 'embedded', board: FRAMES_BENCH.board, width: 80, height: 60, viewWidth: withViews ? 320 : 0, viewHeight: withViews ? 240 : 0,
    settings: { camera: FRAMES_BENCH.camera }, quietLogs: true, heapCap: 0, // Duktape keeps the compiled bundle in its heap: more than the board's 256 KB (JerryScript's)
  });
}

export async function eventFrameFigures(): Promise<EventFrameFigures> {
  const sent = await run(true);
  const skipped = await run(false);
  const topic = `quietcam/${FRAMES_BENCH.camera}/frame`;
  const frames = sent.publishes.filter((p) => p.topic === topic);
  if (frames.length === 0 || skipped.publishes.some((p) => p.topic === topic)) throw new Error('event frames: the scenario sent none, or sent some without a view');
  const event = sent.publishes.find((p) => p.topic.endsWith('/event'));
  const text = event ? Buffer.from(event.payload).toString('utf8') : '';
  const mac = /,"mac":"[0-9a-f]+"/.exec(text);
  const messageBytes = frames[0].payload.length;
  const heap = (r: FirmwareRun) => (r.heap as Record<string, number>).peakAboveBase - (r.heap as Record<string, number>).codeBytes;
  return {
    jpegBytes: FRAMES_BENCH.jpegBytes,
    framesPerEvent: frames.length,
    messageBytes,
    messageOverhead: messageBytes - FRAMES_BENCH.jpegBytes,
    boxes: frames.map((p) => decodeEventFrame(p.payload).frame?.motion?.count ?? -1),
    eventBytes: frames.reduce((a, p) => a + p.payload.length + mqttFraming(topic, p.payload.length), 0),
    mqttBytes: mqttFraming(topic, messageBytes),
    peakWithFrames: heap(sent),
    peakWithout: heap(skipped),
    stateBytes: sent.app.stateBytes,
    externalBytes: sent.app.externalBytes,
    frameMacBytes: MAC_BYTES,
    eventMacBytes: mac ? mac[0].length : 0,
  };
}

export function printEventFrames(f: EventFrameFigures): void {
  const id = FRAMES_BENCH.camera.length;
  console.log(`  event frames (desktop runtime, Duktape, 80x60, board profile '${FRAMES_BENCH.board}', camera id of ${id} characters, a ${f.jpegBytes}-byte JPEG):`);
  console.log(`    on air per event frame: ${f.messageBytes} B message = JPEG + ${f.messageOverhead} B (header ${EVENT_FRAME_OVERHEAD - MAC_BYTES} + camera id ${id} + motion boxes 4 x ${f.boxes[0]} + MAC ${f.frameMacBytes}; `
    + `boxes in the event's frames: ${f.boxes.join(', ')}), + ${f.mqttBytes} B MQTT (QoS 1 PUBLISH header, topic, packet id, PUBACK) before TCP/IP and TLS; ${f.framesPerEvent} frames in a 4 s event: ${f.eventBytes} B`);
  console.log(`    engine heap, peak above the bundle's code: ${f.peakWithFrames} B with the frames sent, ${f.peakWithout} B with them skipped (no view): ${f.peakWithFrames - f.peakWithout} B for the frames; `
    + `no buffer of their own (the JPEG is read into the raw-view buffer in external memory, header and MAC written around it): app state ${f.stateBytes} B, external ${f.externalBytes} B`);
  console.log(`    credentials: every message carries the camera secret's MAC: ${f.frameMacBytes} B in an event frame or bundle, ${f.eventMacBytes} B in a JSON event message (the "mac" member); `
    + `the key's state (SHA-256 inner/outer states, schedule, pads) is counted as ~1.3 KB of the app state`);
}
