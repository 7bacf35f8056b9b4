/**
 * The alert stage (src/relay/alerts.ts) with the SQLite event history (src/adapters/sqlite-alerts.ts)
 * and a fake detector: signed frames in, one alert per person event, the history with its frame
 * files, forged and unenrolled frames refused, retention and deletion on a virtual clock.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteEventHistory } from '../../src/adapters/sqlite-alerts.ts';
import { openDatabase, type SqliteDatabase } from '../../src/adapters/sqlite-schema.ts';
import type { HistoryEvent, PersonAlert, PersonDetector } from '../../src/alerts/types.ts';
import { bytesToHex, encodeEventFrame, eventMacDomain, macKey, signJson, type EventFrameHeader } from '../../src/protocol/index.ts';
import { AlertStage } from '../../src/relay/alerts.ts';
import { MemoryCameraRegistry } from '../../src/relay/consent.ts';
import { silentLogger } from '../../src/log.ts';
import { tempDir } from '../relay/helpers/env.ts';

const SECRET = new Uint8Array(32).map((_, i) => i + 1);
const KEY = macKey(SECRET);
const DAY = 86400000;
const T0 = 1_760_000_000_000;

/** A fake JPEG whose first byte is the score the fake detector gives it, in hundredths. */
const jpeg = (score: number) => new Uint8Array([Math.round(score * 100), 0xd8, 1, 2, 3]);
const fakeDetector: PersonDetector = {
  name: 'fake',
  async detect(j) {
    const s = j[0] / 100;
    return { person: false, score: s, boxes: s > 0.3 ? [{ x: 1, y: 1, w: 5, h: 9, score: s }] : [] };
  },
  async close() {},
};

function frameMsg(camera: string, eventId: number, index: number, score: number, key = KEY, motion?: EventFrameHeader['motion'], size = [160, 120]) {
  const h: EventFrameHeader = { cameraId: camera, eventId, index, count: 3, timeMs: T0 + index * 1000, offsetMs: index * 1000, width: size[0], height: size[1], motion };
  const out = new Uint8Array(200);
  const j = jpeg(score);
  const n = encodeEventFrame(out, key, h, j, j.length);
  return { topic: `quietcam/${camera}/frame`, payload: out.slice(0, n), receivedMs: T0 };
}

function endMsg(camera: string, eventId: number) {
  const text = signJson(KEY, eventMacDomain(camera), `{"v":2,"type":"end","camera":"${camera}","event":${eventId},"timeMs":${T0 + 5000}}`);
  return { topic: `quietcam/${camera}/event`, payload: Buffer.from(text, 'latin1'), receivedMs: T0 };
}

interface Fixture { stage: AlertStage; history: SqliteEventHistory; alerts: PersonAlert[]; finals: HistoryEvent[]; now: { ms: number }; close(): void }

function fixture(): Fixture {
  const { dir, cleanup } = tempDir('quietcam-alerts-');
  const db: SqliteDatabase = openDatabase(join(dir, 'relay.db'));
  const history = new SqliteEventHistory(db, join(dir, 'alerts'));
  const registry = new MemoryCameraRegistry();
  for (const [cam, owner] of [['porch', 'alice'], ['yard', 'bob']]) {
    registry.put({ cameraId: cam, ownerId: owner, placement: 'exterior', secret: bytesToHex(SECRET, 0, 32), consent: null });
  }
  history.setEnrolled('porch', true, 'alice', T0);
  history.setEnrolled('yard', true, 'bob', T0);
  const now = { ms: T0 };
  const alerts: PersonAlert[] = [];
  const finals: HistoryEvent[] = [];
  const stage = new AlertStage({
    detector: fakeDetector, history, registry, log: silentLogger, clock: () => now.ms,
    channels: [{ name: 'test', onAlert: (a) => void alerts.push(a), onEvent: (e) => void finals.push(e) }],
  });
  return { stage, history, alerts, finals, now, close: () => (db.close(), cleanup()) };
}

async function withFixture(f: (x: Fixture) => Promise<void>): Promise<void> {
  const x = fixture();
  try {
    await f(x);
  } finally {
    x.close();
  }
}

test('a person event: one alert (the first frame at the threshold), the frames stored as files', () => withFixture(async (x) => {
  for (const [i, s] of [0.2, 0.8, 0.9].entries()) x.stage.handle(frameMsg('porch', 7, i, s));
  x.stage.handle(endMsg('porch', 7));
  await x.stage.whenIdle();
  assert.is(x.alerts.length, 1, 'one alert');
  const a = x.alerts[0];
  assert.is(a.cameraId, 'porch');
  assert.is(a.ownerId, 'alice');
  assert.is(a.score, 0.8);
  assert.is(a.atMs, T0);
  assert.ok(existsSync(a.imagePath) && readFileSync(a.imagePath)[0] === 80, 'the deciding frame is on disk');
  const e = x.history.get(a.eventId)!;
  assert.is(e.verdict, 'person');
  assert.is(e.frames.length, 3, 'all three frames kept');
  assert.equal(e.frames.map((f) => f.score), [0.2, 0.8, -1], 'the frame after the alert is not scored');
  assert.is(e.endMs, T0 + 5000);
  assert.ok(e.alertMs !== null);
  assert.is(x.finals.length, 1, 'the final event reported once');
}));

test('an event without a person: no alert, verdict no-person once it ends', () => withFixture(async (x) => {
  for (const [i, s] of [0.1, 0.35, 0.2].entries()) x.stage.handle(frameMsg('yard', 3, i, s));
  await x.stage.whenIdle();
  assert.is(x.history.list()[0].verdict, 'pending', 'not final before the end');
  x.stage.handle(endMsg('yard', 3));
  assert.is(x.alerts.length, 0);
  const [e] = x.history.list({ ownerId: 'bob' });
  assert.is(e.verdict, 'no-person');
  assert.is(e.bestScore, 0.35);
  assert.is(x.history.list({ peopleOnly: true }).length, 0);
}));

test('forged, unknown-camera and unenrolled frames are refused and stored nowhere', () => withFixture(async (x) => {
  x.stage.handle(frameMsg('porch', 1, 0, 0.9, macKey(new Uint8Array(32))));
  x.stage.handle(frameMsg('ghost', 1, 0, 0.9));
  const other = frameMsg('porch', 1, 0, 0.9);
  x.stage.handle({ ...other, topic: 'quietcam/yard/frame' });
  x.history.setEnrolled('yard', false, 'bob', T0);
  x.stage.handle(frameMsg('yard', 1, 0, 0.9));
  await x.stage.whenIdle();
  assert.equal(x.stage.stats().rejected, { 'bad-mac': 1, 'unknown-camera': 1, 'topic-mismatch': 1, 'not-enrolled': 1 });
  assert.is(x.history.list().length, 0);
  assert.is(x.alerts.length, 0);
}));

test('retention on a virtual clock: kept until 7 days, then rows and files deleted', () => withFixture(async (x) => {
  x.stage.handle(frameMsg('porch', 1, 0, 0.9));
  x.stage.handle(endMsg('porch', 1));
  await x.stage.whenIdle();
  const path = x.alerts[0].imagePath;
  x.now.ms = T0 + 7 * DAY - 1;
  assert.is(x.stage.tick(), 0);
  assert.ok(existsSync(path));
  x.now.ms = T0 + 7 * DAY + 1;
  assert.is(x.stage.tick(), 1);
  assert.ok(!existsSync(path), 'frame file deleted');
  assert.is(x.history.list().length, 0, 'rows deleted');
}));

test('an event whose end never comes is closed by the tick', () => withFixture(async (x) => {
  x.stage.handle(frameMsg('porch', 2, 0, 0.1));
  await x.stage.whenIdle();
  x.now.ms = T0 + 121000;
  x.stage.tick();
  assert.is(x.history.list()[0].verdict, 'no-person');
  assert.is(x.finals.length, 1);
}));

test('delete one (owner checked) and delete all of an owner', () => withFixture(async (x) => {
  for (let e = 1; e <= 3; e++) x.stage.handle(frameMsg('porch', e, 0, 0.9));
  x.stage.handle(frameMsg('yard', 9, 0, 0.9));
  await x.stage.whenIdle();
  const mine = x.history.list({ ownerId: 'alice' });
  assert.is(mine.length, 3);
  assert.is(x.history.delete(mine[0].id, 'bob'), false, "bob cannot delete alice's event");
  assert.is(x.history.delete(mine[0].id, 'alice'), true);
  assert.ok(!existsSync(mine[0].frames[0].path));
  assert.is(x.history.deleteAll('alice'), 2);
  assert.is(x.history.list({ ownerId: 'alice' }).length, 0);
  assert.is(x.history.list({ ownerId: 'bob' }).length, 1, "bob's event untouched");
}));

test('two frames at most are with the detector at once (the next decodes while one is scored)', async () => {
  const { dir, cleanup } = tempDir('quietcam-alerts-inflight-');
  const db: SqliteDatabase = openDatabase(join(dir, 'relay.db'));
  const held: (() => void)[] = [];
  try {
    const history = new SqliteEventHistory(db, join(dir, 'alerts'));
    const registry = new MemoryCameraRegistry();
    registry.put({ cameraId: 'porch', ownerId: 'alice', placement: 'exterior', secret: bytesToHex(SECRET, 0, 32), consent: null });
    history.setEnrolled('porch', true, 'alice', T0);
    let asked = 0;
    const detector: PersonDetector = { ...fakeDetector, detect: (j) => (asked++, new Promise((r) => held.push(() => r(fakeDetector.detect(j))))) };
    const stage = new AlertStage({ detector, history, registry, log: silentLogger, clock: () => T0, channels: [] });
    for (let e = 1; e <= 4; e++) stage.handle(frameMsg('porch', e, 0, 0.1));
    await new Promise((r) => setTimeout(r, 20));
    assert.is(asked, 2, 'two handed over, two wait');
    assert.ok(stage.busy());
    held.shift()!();
    await new Promise((r) => setTimeout(r, 20));
    assert.is(asked, 3, 'one answered: the next handed over');
    while (held.length) {
      held.shift()!();
      await new Promise((r) => setTimeout(r, 20));
    }
    await stage.whenIdle();
    assert.is(asked, 4);
    assert.not.ok(stage.busy());
  } finally {
    for (const h of held) h();
    db.close();
    cleanup();
  }
});

test('a frame with the board\'s motion boxes is scored as the region around them; without boxes, whole', async () => {
  const { dir, cleanup } = tempDir('quietcam-alerts-regions-');
  const db: SqliteDatabase = openDatabase(join(dir, 'relay.db'));
  try {
    const history = new SqliteEventHistory(db, join(dir, 'alerts'));
    const registry = new MemoryCameraRegistry();
    registry.put({ cameraId: 'porch', ownerId: 'alice', placement: 'exterior', secret: bytesToHex(SECRET, 0, 32), consent: null });
    history.setEnrolled('porch', true, 'alice', T0);
    const asked: unknown[] = [];
    const detector: PersonDetector = {
      ...fakeDetector,
      inputs: { full: { width: 288, height: 224 }, region: { width: 192, height: 192 } },
      detect: (j, region) => (asked.push(region ?? null), fakeDetector.detect(j)),
    };
    const stage = new AlertStage({ detector, history, registry, log: silentLogger, clock: () => T0, channels: [] });
    stage.handle(frameMsg('porch', 1, 0, 0.2, KEY, { cols: 20, rows: 15, count: 1, boxes: [9, 4, 12, 9] }, [640, 480]));
    await stage.whenIdle();
    stage.handle(frameMsg('porch', 2, 0, 0.2, KEY, null, [640, 480]));
    await stage.whenIdle();
    stage.handle(frameMsg('porch', 3, 0, 0.2, KEY, { cols: 20, rows: 15, count: 1, boxes: [1, 1, 18, 13] }, [640, 480]));
    await stage.whenIdle();
    assert.equal(asked, [{ x: 160, y: 32, w: 384, h: 384 }, null, null], 'region; no boxes: whole; most of the frame moving: whole');
    assert.is(stage.stats().regions, 1);
    const stored = history.list({}).map((e) => e.frames[0].region);
    assert.equal(stored, [null, null, { x: 160, y: 32, w: 384, h: 384 }], 'the history keeps where the detector looked (newest first)');
    assert.is(stage.stats().scored, 3);
  } finally {
    db.close();
    cleanup();
  }
});

test.run();
