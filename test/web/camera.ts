/**
 * A simulated camera for the browser test: it reads its retained config from the broker (what the
 * owner's page pushed), runs the device app (firmware/app, in Node) on synthetic frames until it
 * makes a snapshot, and publishes the app's MQTT messages (bundle chunks, QoS 1) to the broker.
 */
import mqtt from 'mqtt';
import sharp from 'sharp';
import { runFirmware } from '../../firmware/node/run.js';
import { bytesToHex, deriveCameraSecret } from '../../src/protocol/mac.js';
import { syntheticFrames, type Segment } from '../../firmware/node/synthetic.js';
import type { FirmwareInput } from '../../firmware/node/wire.js';
import { configTopic } from '../../src/protocol/topics.js';

const W = 80;
const H = 60;
const VIEW_W = 160;
const VIEW_H = 120;

/** The camera's broker login: username = camera id, password = the pairing token the page showed. */
export interface CameraLogin { username: string; password: string }

/** The retained config of `cameraId`, as a board gets it on subscribing. */
export async function retainedConfig(brokerUrl: string, cameraId: string, login: CameraLogin, timeoutMs = 5000): Promise<Uint8Array> {
  const client = await mqtt.connectAsync(brokerUrl, { clientId: `qc-test-cam-${Math.random().toString(36).slice(2, 8)}`, ...login });
  try {
    return await new Promise<Uint8Array>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no retained config on ${configTopic(cameraId)} within ${timeoutMs} ms`)), timeoutMs);
      client.on('message', (topic, payload) => {
        clearTimeout(t);
        resolve(new Uint8Array(payload));
      });
      client.subscribe(configTopic(cameraId), { qos: 1 });
    });
  } finally {
    await client.endAsync();
  }
}

/** Warm-up, a first event, 10 quiet minutes, a second event (5-60 min after: a snapshot), settle. */
const SEGMENTS: Segment[] = [
  { frames: 70, frameMs: 100, motion: false },
  { frames: 20, frameMs: 100, motion: true },
  { frames: 25, frameMs: 100, motion: false },
  { frames: 10, frameMs: 60000, motion: false },
  { frames: 20, frameMs: 100, motion: true },
  { frames: 25, frameMs: 100, motion: false },
];

/**
 * Play the camera; resolves with the number of bundle chunks published.
 * @param endWallMs the last frame's wall time (the run covers ~12 minutes before it)
 * (the camera's MAC secret is derived from the login's password, the pairing token, as provisioning does)
 */
export async function playCamera(brokerUrl: string, cameraId: string, endWallMs: number, login: CameraLogin): Promise<{ chunks: number; snapshots: number }> {
  const secret = bytesToHex(deriveCameraSecret(login.password, cameraId), 0, 32); // what provisioning gives the board
  const config = await retainedConfig(brokerUrl, cameraId, login);
  const span = SEGMENTS.reduce((a, s) => a + s.frames * s.frameMs, 0);
  const inputs: FirmwareInput[] = [{ kind: 'message', topic: configTopic(cameraId), payload: config }];
  for (const f of syntheticFrames({ width: W, height: H, segments: SEGMENTS, wallStartMs: endWallMs - span, ticksStartMs: 0 })) {
    if (f.kind !== 'frame') continue;
    const view = await sharp(f.grey, { raw: { width: W, height: H, channels: 1 } }).resize(VIEW_W, VIEW_H).jpeg({ quality: 80 }).toBuffer();
    inputs.push({ ...f, view: new Uint8Array(view) });
  }
  const run = await runFirmware(inputs, { runtime: 'node', width: W, height: H, viewWidth: VIEW_W, viewHeight: VIEW_H, settings: { camera: cameraId, secret }, quietLogs: true });
  const chunks = run.publishes.filter((p) => p.topic.endsWith('/bundle'));
  const client = await mqtt.connectAsync(brokerUrl, { clientId: `qc-test-cam-${Math.random().toString(36).slice(2, 8)}`, ...login });
  for (const p of run.publishes) await client.publishAsync(p.topic, Buffer.from(p.payload), { qos: 1 });
  await client.endAsync();
  return { chunks: chunks.length, snapshots: run.app.snapshots };
}
