/**
 * A simulated camera that stays connected, in real time: the device app (firmware/app) in Node on
 * the Node ports, logged in to the broker as the owner's paired camera, subscribed to its config,
 * acks and commands like a board, and publishing what the app publishes as it publishes it:
 * events, bundles, its status message and, on the owner's signed request, live-view frames (the
 * source's frames as JPEGs). The source plays in a loop at its own frame rate until `seconds`.
 * `quietcam sim SOURCE --camera ID --token T --live` runs it; the browser test of the live view too.
 *
 * Limits: one camera per call; the frame rate is the source's, at most `maxFps`; the JPEG is made
 * with sharp for every frame (a board has it from the sensor).
 * @example
 *   const cam = startLiveCamera(await openSource('scene:busy'), login, { seconds: 60 });
 *   ...; await cam.stop();
 */
import mqtt from 'mqtt';
import sharp from 'sharp';
import { loadBoard } from '../boards/schema.ts';
import { FirmwareApp } from '../firmware/app/app.ts';
import { appOptionsFromBoard } from '../firmware/app/board-options.ts';
import { NodePorts } from '../firmware/node/node-ports.ts';
import type { FirmwareOutput } from '../firmware/node/wire.ts';
import { ackTopic, commandTopic, configTopic } from '../src/protocol/topics.ts';
import { GridReducer } from './grid.ts';
import type { FrameSource } from './sources/types.ts';

export const LIVE_CAMERA_DEFAULTS = {
  width: 80, // the detector's grey frame width, as on the board
  maxFps: 10,
  jpegQuality: 70,
  board: 'desktop',
};

export interface LiveCameraLogin { cameraId: string; token: string; broker: string; secret: string }

export interface LiveCamera {
  /** Resolves when the run ends (time is up or stop() was called), with the app's counters. */
  done: Promise<{ frames: number; published: number; stats: Record<string, number> }>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Connect as the camera and play `source` until `seconds` have passed (or stop()). Rejects when the broker refuses the login. */
export function startLiveCamera(source: FrameSource, login: LiveCameraLogin, o: { seconds: number; width?: number; log?: (line: string) => void }): LiveCamera {
  let stopped = false;
  const run = async () => {
    const client = await mqtt.connectAsync(login.broker, { clientId: login.cameraId, username: login.cameraId, password: login.token, protocolVersion: 4, reconnectPeriod: 1000, connectTimeout: 5000 });
    try {
      return await play(client, source, login, o, () => stopped);
    } finally {
      await client.endAsync(!client.connected); // forced when away (e.g. its login revoked): a graceful end would wait for unacked publishes for ever
    }
  };
  const done = run();
  return {
    done,
    async stop() {
      stopped = true;
      await done.catch(() => {});
    },
  };
}

async function play(client: mqtt.MqttClient, source: FrameSource, login: LiveCameraLogin, o: { seconds: number; width?: number; log?: (line: string) => void }, stopped: () => boolean) {
  const board = loadBoard(LIVE_CAMERA_DEFAULTS.board);
  const reducer = new GridReducer(source.width, source.height, o.width ?? LIVE_CAMERA_DEFAULTS.width);
  const outputs: FirmwareOutput[] = [];
  const ports = new NodePorts({
    width: reducer.width, height: reducer.height, viewWidth: source.width, viewHeight: source.height, externalBytes: board.memory.externalBytes,
    settings: new Map([['camera', login.cameraId], ['secret', login.secret]]), outputs, quietLogs: true,
  });
  const app = new FirmwareApp(ports.ports, appOptionsFromBoard(board));
  client.on('message', (topic, payload) => ports.push(topic, new Uint8Array(payload)));
  client.on('connect', () => ports.markConnected());
  await client.subscribeAsync([configTopic(login.cameraId), ackTopic(login.cameraId), commandTopic(login.cameraId)], { qos: 1 });
  const frameMs = Math.max(1000 / Math.min(source.fps || LIVE_CAMERA_DEFAULTS.maxFps, LIVE_CAMERA_DEFAULTS.maxFps), 1);
  const start = performance.now();
  let frames = 0;
  let published = 0;
  const grey = new Uint8Array(reducer.width * reducer.height);
  while (!stopped() && performance.now() - start < o.seconds * 1000) {
    for await (const f of source.frames()) {
      if (stopped() || performance.now() - start >= o.seconds * 1000) break;
      const due = start + frames * frameMs;
      if (due > performance.now()) await sleep(due - performance.now());
      reducer.reduce(f.grey, grey);
      const view = new Uint8Array(await sharp(f.grey, { raw: { width: source.width, height: source.height, channels: 1 } }).jpeg({ quality: LIVE_CAMERA_DEFAULTS.jpegQuality }).toBuffer());
      ports.setFrame(Date.now(), Math.floor(performance.now() - start), grey, view);
      if (ports.takeConnected()) app.reconnected();
      for (let m = ports.pop(); m; m = ports.pop()) app.receive(m.topic, m.payload);
      app.step();
      frames++;
      for (const out of outputs.splice(0)) {
        if (out.kind === 'log') o.log?.(out.text);
        else {
          client.publish(out.topic, Buffer.from(out.payload), { qos: out.qos as 0 | 1 });
          published++;
        }
      }
    }
  }
  return { frames, published, stats: app.stats() as unknown as Record<string, number> };
}
