/**
 * The board's status message and live view (firmware/app/status.ts, live-view.ts, owner-link.ts),
 * in Node and, for the same inputs, in the desktop runtime (C + Duktape): the status is signed and
 * says what the board is; a live view starts only on the owner's fresh request, sends a few
 * signed frames per second for the time asked (capped by the profile) and stops; forged, other
 * cameras', replayed (also after a reboot) and expired requests are ignored.
 */
// test-timeout: 120 s
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { runFirmware, type FirmwareRun, type FirmwareRunOptions } from '../../firmware/node/run.ts';
import { SIMULATED_SYSTEM } from '../../firmware/node/node-ports.ts';
import { FIRMWARE_VERSION, StatusReporter } from '../../firmware/app/status.ts';
import { LiveView } from '../../firmware/app/live-view.ts';
import { WALL_2025 } from '../../firmware/node/synthetic.ts';
import type { FirmwareInput } from '../../firmware/node/wire.ts';
import { demoCameraSecret, macKey } from '../../src/protocol/mac.ts';
import { openStatus } from '../../src/protocol/camera-status.ts';
import { openLiveFrame, signLiveRequest, type LiveRequest } from '../../src/protocol/live-view.ts';
import { CAMERA, H, W, frames, warm } from './scenario.ts';

const KEY = macKey(demoCameraSecret(CAMERA));
const OTHER = macKey(demoCameraSecret('garage'));
const opts: FirmwareRunOptions = { runtime: 'node', width: W, height: H, viewWidth: 320, viewHeight: 240, settings: { camera: CAMERA }, quietLogs: true };
const COMMAND = `quietcam/${CAMERA}/command`;

/** Frames with a raw view (fake JPEG bytes, different per frame), 10 per second. */
function withViews(inputs: FirmwareInput[]): FirmwareInput[] {
  return inputs.map((r, i) => (r.kind === 'frame' ? { ...r, view: new Uint8Array(2000 + (i % 5) * 100).map((_, k) => (k * 17 + i) & 255) } : r));
}

const request = (r: Partial<LiveRequest> = {}, key = KEY, camera = CAMERA): FirmwareInput => {
  const counter = r.counter ?? WALL_2025 + 7000;
  const text = signLiveRequest(key, camera, { counter, expiresMs: r.expiresMs ?? counter + 30000, seconds: r.seconds ?? 60, fps: r.fps ?? 2 });
  return { kind: 'message', topic: COMMAND, payload: new Uint8Array(Buffer.from(text, 'ascii')) };
};

/** 10 s of frames, the request(s) after the first 7 s, then `after` s more. */
function scenario(requests: FirmwareInput[], afterSeconds = 10): FirmwareInput[] {
  const all = frames([warm, { frames: 10 * afterSeconds, frameMs: 100, motion: false }]);
  return withViews([...all.slice(0, 70), ...requests, ...all.slice(70)]);
}

const live = (r: FirmwareRun) => r.publishes.filter((p) => p.topic === `quietcam/${CAMERA}/live`);

test('the status: at the first frame and every interval, signed, with version, board, frame rate, heap, Wi-Fi and uptime', async () => {
  const r = await runFirmware(withViews(frames([warm, { frames: 1300, frameMs: 100, motion: false }])), opts);
  const st = r.publishes.filter((p) => p.topic === `quietcam/${CAMERA}/status`);
  assert.is(st.length, 3, 'at 0 s, 60 s and 120 s of a 137 s run');
  const s = st.map((p) => openStatus(KEY, CAMERA, Buffer.from(p.payload).toString('ascii')));
  assert.ok(s.every((x) => x !== null), 'each carries the camera MAC');
  assert.is(openStatus(OTHER, CAMERA, Buffer.from(st[0].payload).toString('ascii')), null, 'another key does not open it');
  assert.is(s[1]!.fw, FIRMWARE_VERSION);
  assert.is(s[1]!.board, 'desktop');
  assert.is(s[1]!.everyMs, 60000);
  assert.is(s[1]!.fps10, 100, '10 frames per second');
  assert.is(s[1]!.heap, SIMULATED_SYSTEM.freeHeap);
  assert.is(s[1]!.rssi, SIMULATED_SYSTEM.rssi);
  assert.is(s[1]!.uptimeS, 60);
  assert.is(s[2]!.uptimeS, 120);
  assert.ok(st.every((p) => p.qos === 0));
  assert.is(r.app.statusSent, 3);
});

test('a board name longer than the message carries is cut, not thrown at every frame; without a system port heap and Wi-Fi read unknown', () => {
  const r = new StatusReporter(CAMERA, 'b'.repeat(40), KEY, 60000);
  const s = openStatus(KEY, CAMERA, r.message(5000, WALL_2025, true, 50, 0, 0, undefined));
  assert.is(s!.board, 'b'.repeat(32));
  assert.is(s!.heap, -1);
  assert.is(s!.rssi, 0);
  assert.is(s!.fps10, 100);
});

test('FIRMWARE_VERSION is the package version', () => {
  assert.is(FIRMWARE_VERSION, JSON.parse(readFileSync('package.json', 'utf8')).version);
});

test('a reconnection brings a status at the next frame (not more than once per 5 s)', async () => {
  const all = withViews(frames([warm, { frames: 100, frameMs: 100, motion: false }]));
  const r = await runFirmware([...all.slice(0, 30), { kind: 'connected' }, ...all.slice(30, 32), { kind: 'connected' }, ...all.slice(32, 100), { kind: 'connected' }, ...all.slice(100)], opts);
  const st = r.publishes.filter((p) => p.topic.endsWith('/status')).map((p) => openStatus(KEY, CAMERA, Buffer.from(p.payload).toString('ascii'))!.uptimeS);
  assert.equal(st, [0, 5, 10], 'first frame, 5 s after it (the two reconnects within 5 s count once), then at 10 s');
});

test('the owner\'s request starts 2 signed frames a second for the time asked, then they stop', async () => {
  const r = await runFirmware(scenario([request({ seconds: 5 })]), opts);
  const f = live(r).map((p) => openLiveFrame(KEY, CAMERA, p.payload));
  assert.ok(f.every((x) => x !== null), 'each frame carries the camera live MAC');
  assert.is(f.length, 10, '5 s at 2 per second');
  assert.equal(f.map((x) => x!.index), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.ok(f.every((x) => x!.eventId === (WALL_2025 + 7000) % 2 ** 32 && x!.width === 320 && x!.jpeg.length >= 2000));
  assert.ok(f[9]!.offsetMs >= 4500 && f[9]!.offsetMs < 5000);
  assert.ok(live(r).every((p) => p.qos === 0));
  assert.is(openLiveFrame(OTHER, CAMERA, live(r)[0].payload), null);
  assert.is(r.app.liveStarted, 1);
  assert.is(r.app.liveFrames, 10);
});

test('the profile caps fps and length: asked 5/s for 120 s, the desktop profile gives 2/s for 60 s', async () => {
  const r = await runFirmware(scenario([request({ seconds: 120, fps: 5 })], 70), opts);
  assert.is(live(r).length, 120);
});

test('forged, other camera\'s, replayed and expired requests are ignored', async () => {
  const t0 = WALL_2025 + 7000;
  const cases: [string, FirmwareInput[]][] = [
    ['forged (another key)', [request({}, OTHER)]],
    ['another camera\'s', [request({}, KEY, 'garage')]],
    ['unsigned', [{ kind: 'message', topic: COMMAND, payload: new Uint8Array(Buffer.from(`{"v":1,"type":"live","camera":"${CAMERA}","counter":${t0},"expiresMs":${t0 + 30000},"seconds":60,"fps":2}`)) }]],
    ['expired', [request({ counter: t0 - 60000, expiresMs: t0 - 30000 })]],
  ];
  for (const [what, msgs] of cases) {
    const r = await runFirmware(scenario(msgs, 3), opts);
    assert.is(live(r).length, 0, what);
    assert.is(r.app.liveRejected, 1, what);
  }
  // the same request twice: the second is a replay (the first's frames only)
  const twice = await runFirmware(scenario([request({ seconds: 1 })], 3).flatMap((x, i, a) => (i === a.length - 10 ? [request({ seconds: 1 }), x] : [x])), opts);
  assert.is(twice.app.liveStarted, 1);
  assert.is(twice.app.liveRejected, 1);
  assert.is(live(twice).length, 2);
});

test('a reboot does not forget the counter: a recorded request sent again after it is refused', async () => {
  const first = await runFirmware(scenario([request({ seconds: 1 })], 2), opts);
  assert.is(first.settings!.livectr, String(WALL_2025 + 7000));
  const again = await runFirmware(scenario([request({ seconds: 1 })], 2), { ...opts, settings: first.settings });
  assert.is(again.app.liveRejected, 1);
  assert.is(live(again).length, 0);
  const newer = await runFirmware(scenario([request({ seconds: 1, counter: WALL_2025 + 7001 })], 2), { ...opts, settings: first.settings });
  assert.is(newer.app.liveStarted, 1);
});

test('without a clock sync the expiry cannot be checked, the counter still refuses replays', () => {
  const settings = new Map<string, string>();
  const lv = new LiveView({ get: (k) => settings.get(k), set: (k, v) => void settings.set(k, v) }, CAMERA, KEY, { maxFps: 2, maxSeconds: 60, maxBytes: 1000 });
  const p = (r: FirmwareInput) => (r as { payload: Uint8Array }).payload;
  const old = request({ counter: 5000, expiresMs: 6000 });
  assert.is(lv.receive(p(old), 1000000, true, 0), 'expired');
  assert.is(lv.receive(p(old), 1000, false, 0), '', 'unsynced board: taken on the counter alone');
  assert.is(lv.receive(p(old), 1000, false, 0), 'replayed');
  const off = new LiveView({ get: () => undefined, set: () => {} }, CAMERA, KEY, null);
  assert.is(off.receive(p(old), 1000, false, 0), 'off');
});

test('Node and Duktape publish the same bytes: status, live frames, refused requests (expired, replayed, forged, unsigned)', async () => {
  const t0 = WALL_2025 + 7000;
  const unsigned: FirmwareInput = { kind: 'message', topic: COMMAND, payload: new Uint8Array(Buffer.from(`{"v":1,"type":"live","camera":"${CAMERA}","counter":${t0 + 2},"expiresMs":${t0 + 30000},"seconds":60,"fps":2}`)) };
  // the inbox holds 4 messages between frames (qc_inbox.h): the five requests come over two frames
  const first = scenario([request({ counter: t0 - 60000, expiresMs: t0 - 30000 }), request({ counter: t0, seconds: 3 }), request({ counter: t0 })], 5);
  const inputs = [...first.slice(0, 74), request({ counter: t0 + 1 }, OTHER), unsigned, { kind: 'connected' } as FirmwareInput, ...first.slice(74)];
  const n = await runFirmware(inputs, opts);
  const e = await runFirmware(inputs, { ...opts, runtime: 'embedded' });
  assert.ok(live(n).length >= 6 && n.publishes.some((p) => p.topic.endsWith('/status')));
  assert.is(e.publishes.length, n.publishes.length, 'publish count');
  for (let i = 0; i < n.publishes.length; i++) {
    assert.is(e.publishes[i].topic, n.publishes[i].topic);
    assert.ok(Buffer.from(e.publishes[i].payload).equals(Buffer.from(n.publishes[i].payload)), `publish ${i} (${n.publishes[i].topic}) differs`);
  }
  for (const k of ['statusSent', 'liveStarted', 'liveRejected', 'liveFrames', 'liveFramesSkipped']) assert.is(e.app[k], n.app[k], k);
  assert.is(n.app.liveRejected, 4);
  assert.equal(e.logs.filter((l) => /live view request ignored/.test(l.text)).map((l) => l.text.replace(/.*\(/, '')), ['expired)', 'replayed)', 'bad-mac)', 'bad-mac)']);
});

test.run();
