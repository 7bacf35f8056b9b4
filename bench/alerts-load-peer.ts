/**
 * The world outside the relay for the alerts load bench (bench/alerts-load.ts), in a process of its
 * own so the relay's process holds only what `npm start` runs (broker, relay, alert stage,
 * channels): the 8 cameras (MQTT clients sending event frames, bundles and end messages on the
 * boards' schedule), Home Assistant's MQTT login reading the alerts, and the owner's webhook
 * receiver. Same machine, same clock: the times it reports compare with the relay's.
 * Protocol (IPC): -> { hook } when listening; <- { go }; -> { sent } after the last round;
 * <- { expect: n }; -> { onMqtt, onHook, bundleSent } once n alerts arrived both ways (or 5 s).
 * Run by alerts-load.ts only: argv = broker URL, frames file (alerts-load.ts cameraFrames).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { deserialize } from 'node:v8';
import mqtt from 'mqtt';
import { bundleTopic, chunkBundle, demoCameraSecret, encodeBundle, encodeEventFrame, eventMacDomain, eventTopic, frameTopic, macKey, signJson } from '../src/protocol/index.ts';
import { makeBundle, testJpeg } from '../test/relay/helpers/bundles.ts';
import type { BoardEvent } from './alerts-board-events.ts';

type Frame = BoardEvent['frames'][number];
export type CameraFrames = { person: boolean; events: Frame[][] }[];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const send = (m: unknown) => process.send!(m);
const next = <T>(key: string) => new Promise<T>((resolve) => {
  const on = (m: Record<string, unknown>) => key in m && (process.off('message', on), resolve(m[key] as T));
  process.on('message', on);
});

/** A local webhook receiver: when each alert's event arrived. */
async function webhookReceiver(): Promise<{ url: string; got: Map<string, number>; close(): Promise<void> }> {
  const got = new Map<string, number>();
  const http = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (x) => chunks.push(x));
    req.on('end', () => {
      got.set(String(JSON.parse(Buffer.concat(chunks).toString()).event), Date.now());
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/hook`, got, close: () => new Promise((r) => (http.closeAllConnections(), http.close(() => r()))) };
}

/** One round: every camera's event at once (frames at their offsets, a bundle after the first, the end). */
async function round(r: number, cams: CameraFrames, clients: mqtt.MqttClient[], bundles: Uint8Array[][][], bundleSent: Map<string, number>): Promise<void> {
  const t0 = Date.now();
  await Promise.all(cams.map(async (cam, c) => {
    const id = `cam${c}`, key = macKey(demoCameraSecret(id));
    for (const f of cam.events[r]) {
      await sleep(t0 + f.offsetMs - Date.now());
      const out = new Uint8Array(f.jpeg.length + 200);
      const now = Date.now();
      const n = encodeEventFrame(out, key, { cameraId: id, eventId: r + 1, index: f.index, count: 3, timeMs: now, offsetMs: now - t0, width: f.width, height: f.height, motion: f.motion }, f.jpeg, f.jpeg.length);
      await clients[c].publishAsync(frameTopic(id), Buffer.from(out.subarray(0, n)), { qos: 1 });
      if (f.index === 0) {
        // the contribution of the same moment, after the first frame: the board sends both
        for (const x of bundles[r][c]) await clients[c].publishAsync(bundleTopic(id), Buffer.from(x), { qos: 1 });
        bundleSent.set(`r${r}`, Math.max(bundleSent.get(`r${r}`) ?? 0, Date.now()));
      }
    }
    await clients[c].publishAsync(eventTopic(id), signJson(key, eventMacDomain(id), `{"v":2,"type":"end","camera":"${id}","event":${r + 1},"timeMs":${Date.now()}}`), { qos: 1 });
  }));
  await sleep(Math.max(0, t0 + 5000 - Date.now()));
}

async function peer(brokerUrl: string, framesFile: string): Promise<void> {
  const rounds = Number(process.env.ALERTS_ROUNDS ?? 3);
  const cams = deserialize(readFileSync(framesFile)) as CameraFrames;
  const bundleJpeg = await testJpeg(640, 480);
  const bundles = Array.from({ length: rounds }, (_, r) => cams.map((_, c) => {
    const cameraId = `cam${c}`;
    const b = makeBundle({ cameraId, bundleId: `r${r}`, jpeg: bundleJpeg, rawWidth: 640, rawHeight: 480, captureTimeMs: Date.UTC(2026, 11, 7) });
    return chunkBundle(encodeBundle(b, undefined, macKey(demoCameraSecret(cameraId))), { cameraId, bundleId: b.bundleId });
  }));
  const hook = await webhookReceiver();
  const ha = await mqtt.connectAsync(brokerUrl, { clientId: 'bench-ha' });
  const onMqtt = new Map<string, number>();
  ha.on('message', (topic, payload) => topic.endsWith('/alert') && onMqtt.set(String(JSON.parse(payload.toString()).event), Date.now()));
  await ha.subscribeAsync('quietcam/+/alert');
  const clients = await Promise.all(cams.map((_, c) => mqtt.connectAsync(brokerUrl, { clientId: `cam${c}` })));
  const bundleSent = new Map<string, number>();
  try {
    send({ hook: hook.url });
    await next('go');
    for (let r = 0; r < rounds; r++) await round(r, cams, clients, bundles, bundleSent);
    send({ sent: true });
    const expect = await next<number>('expect');
    for (let i = 0; i < 100 && (onMqtt.size < expect || hook.got.size < expect); i++) await sleep(50);
    send({ onMqtt: [...onMqtt], onHook: [...hook.got], bundleSent: [...bundleSent] });
  } finally {
    await Promise.all([...clients, ha].map((c) => c.endAsync()));
    await hook.close();
  }
}

await peer(process.argv[2], process.argv[3]);
process.exit(0);
