import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FirmwareApp } from '../../firmware/app/app.ts';
import { appOptionsFromBoard } from '../../firmware/app/board-options.ts';
import { runFirmware } from '../../firmware/node/run.ts';
import { collectBundles } from '../../sim/firmware.ts';
import { NodePorts } from '../../firmware/node/node-ports.ts';
import { loadBoard } from '../../boards/schema.ts';
import { PURPOSE_MOTION } from '../../src/protocol/bundle.ts';
import { CAMERA, CONSENT_BOTH, H, W, config, eventsOf, frames, motion, quiet, settle, twoEvents, warm } from './scenario.ts';

const SECRET = '42'.repeat(32);
const opts = { runtime: 'node' as const, width: W, height: H, settings: { camera: CAMERA } };

test('motion events are published at start and end with a boxes summary', async () => {
  const r = await runFirmware(twoEvents(), opts);
  const ev = eventsOf(r.publishes);
  assert.equal(ev.map((e) => e.type), ['start', 'end', 'start', 'end']);
  assert.equal(ev.map((e) => e.event), [1, 1, 2, 2]);
  const s = ev[0];
  assert.is(s.camera, CAMERA);
  assert.is(s.cols, 20);
  assert.is(s.rows, 15);
  assert.ok((s.boxes as number) >= 1);
  assert.is((s.box as number[]).length, 4);
  assert.is(s.skip, 'gap-unknown', 'first event: gap unknown');
  assert.ok((ev[1].durationMs as number) > 0 && (ev[1].peakCells as number) > 0 && (ev[1].maxBoxes as number) >= 1);
  for (const p of r.publishes) assert.ok(p.payload.length < 400 || p.topic.endsWith('/bundle'), 'events stay small');
  assert.ok(r.publishes.every((p) => p.qos === (p.topic.endsWith('/status') ? 0 : 1)), 'events and chunks QoS 1, the status QoS 0');
});

test('one snapshot for the event that starts 5-60 min after the previous one ended, and it decodes', async () => {
  const r = await runFirmware(twoEvents(), opts);
  const ev = eventsOf(r.publishes);
  assert.ok((ev[2].gapMs as number) > 10 * 60000 && (ev[2].gapMs as number) < 11 * 60000);
  assert.is(ev[2].skip, '');
  const bundles = collectBundles(r.publishes);
  assert.is(bundles.length, 1);
  const b = bundles[0].bundle;
  assert.is(b.bundleId, ev[2].snapshot);
  assert.is(b.cameraId, CAMERA);
  assert.is(b.purposes, 3);
  assert.is(b.consentVersion, 5);
  assert.is(b.width, W);
  assert.is(b.background.pixels.length, W * H);
  assert.ok(b.boxCount >= 1);
  assert.ok(b.motion.some((x) => x === 1));
  assert.is(r.app.snapshots, 1);
  assert.is(r.app.skippedGap, 1);
});

test('at most one snapshot per event, however long it lasts', async () => {
  const inputs = [...config(CONSENT_BOTH), ...frames([warm, motion(), settle, quiet(10), motion(200), settle])];
  const r = await runFirmware(inputs, opts);
  assert.is(collectBundles(r.publishes).length, 1);
  assert.is(eventsOf(r.publishes).filter((e) => e.type === 'start').length, 2);
});

test('no snapshot when consent is off, expired, interior-unconfirmed or absent; the event says why', async () => {
  const cases: [Record<string, unknown> | null, string][] = [
    [{ ...CONSENT_BOTH, purposes: 'off' }, 'off'],
    [{ ...CONSENT_BOTH, expires: '2024-12-31' }, 'expired'],
    [{ ...CONSENT_BOTH, placement: 'interior' }, 'interior-unconfirmed'],
    [null, 'no-consent'],
  ];
  for (const [c, why] of cases) {
    const r = await runFirmware(twoEvents(c), opts);
    assert.is(collectBundles(r.publishes).length, 0, why);
    assert.is(eventsOf(r.publishes)[2].skip, why);
    assert.is(r.app.skippedConsent, 1, why);
  }
  const motionOnly = await runFirmware(twoEvents({ ...CONSENT_BOTH, purposes: 'motion' }), opts);
  assert.is(collectBundles(motionOnly.publishes)[0].bundle.purposes, PURPOSE_MOTION);
});

test('a config change applies from the next frame: consent withdrawn mid-run stops snapshots', async () => {
  const inputs = [...config(CONSENT_BOTH), ...frames([warm, motion(), settle, quiet(10)]),
    ...config({ ...CONSENT_BOTH, purposes: 'off' }), ...frames([motion(), settle], Date.UTC(2025, 0, 1) + 20 * 60000)];
  const r = await runFirmware(inputs, opts);
  assert.is(collectBundles(r.publishes).length, 0);
  assert.is(r.app.configUpdates, 2);
});

test('reboot in between: the last event end survives in settings and the next event gets its snapshot', async () => {
  const inputs = [...config(CONSENT_BOTH), ...frames([warm, motion(), settle, quiet(3)]), { kind: 'reboot' as const },
    ...config(CONSENT_BOTH), ...frames([warm, quiet(5), motion(), settle], Date.UTC(2025, 0, 1) + 10 * 60000, 1, 0)];
  const r = await runFirmware(inputs, opts);
  const ev = eventsOf(r.publishes);
  assert.equal(ev.map((e) => `${e.type}${e.event}`), ['start1', 'end1', 'start1', 'end1'], 'event ids restart after a reboot');
  assert.is(ev[2].skip, '');
  assert.ok(/^\d+$/.test(r.settings!.lastEventEnd));
  assert.is(collectBundles(r.publishes).length, 1);
});

test('the app reports its state size, and refuses a board whose budget it does not fit', () => {
  const board = loadBoard('esp32-cam-ai-thinker');
  const mk = (w: number, h: number, b = board, settings = new Map([['camera', CAMERA], ['secret', SECRET]])) =>
    new FirmwareApp(new NodePorts({ width: w, height: h, externalBytes: b.memory.externalBytes, settings, outputs: [] }).ports, appOptionsFromBoard(b));
  const app = mk(80, 60);
  const st = app.stats();
  assert.ok(st.stateBytes > 20000 && st.stateBytes <= board.memory.appHeapBytes, `state ${st.stateBytes}`);
  assert.ok(st.externalBytes > 0 && st.externalBytes <= board.memory.externalBytes);
  assert.throws(() => mk(160, 120), /160x120 needs \d+ bytes of engine heap, the board allows appHeapBytes 65536/);
  assert.throws(() => mk(80, 60, { ...board, maxViewBytes: 200000 }), /external memory, the board allows externalBytes/);
  assert.throws(() => mk(80, 60, board, new Map()), /settings "camera" must hold the camera id/);
  assert.throws(() => mk(80, 60, board, new Map([['camera', CAMERA]])), /settings "secret" must hold the camera's MAC secret \(64 hex digits/);
  assert.throws(() => mk(80, 60, board, new Map([['camera', CAMERA], ['secret', SECRET.slice(2)]])), /settings "secret"/);
  assert.throws(() => mk(80, 60, { ...board, mqtt: { ...board.mqtt, chunkSize: 100 } }), /chunkSize must be an integer in 256\.\.65536, got 100/);
});

test('frames of the wrong size are counted, not fatal', async () => {
  const outputs: never[] = [];
  const ports = new NodePorts({ width: W, height: H, externalBytes: 1 << 20, settings: new Map([['camera', CAMERA], ['secret', SECRET]]), outputs });
  const app = new FirmwareApp(ports.ports, appOptionsFromBoard(loadBoard('desktop')));
  assert.is(app.step(), -1, 'no frame yet');
  assert.is(app.stats().badFrames, 1);
  void quiet;
});

test.run();
