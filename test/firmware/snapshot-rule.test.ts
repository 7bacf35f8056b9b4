import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GAP_OK, GAP_TOO_LONG, GAP_TOO_SHORT, GAP_UNKNOWN, SnapshotRule } from '../../firmware/app/snapshot-rule.ts';

const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const WALL = Date.UTC(2025, 5, 1, 12);

/** Settings that survive "reboots" (a new SnapshotRule on the same store). */
function store(initial: Record<string, string> = {}) {
  const m = new Map(Object.entries(initial));
  return { get: (k: string) => m.get(k), set: (k: string, v: string) => void m.set(k, v), m };
}

/** A board on a virtual clock: wall and ticks advance together unless a jump is applied. */
function board(settings = store()) {
  let wall = WALL;
  let ticks = 0;
  let rule = new SnapshotRule(settings);
  return {
    settings,
    get rule() { return rule; },
    wait(ms: number) { wall += ms; ticks += ms; },
    jumpWall(ms: number) { wall += ms; },
    setWall(ms: number) { wall = ms; },
    reboot(downMs = 0) { wall += downMs; ticks = 0; rule = new SnapshotRule(settings); },
    start: () => rule.eventStarted(wall, ticks),
    end: () => rule.eventEnded(wall, ticks),
  };
}

/** One event of `lengthMs`, then `quietMs` of quiet; returns the decision at its start. */
function eventThenQuiet(b: ReturnType<typeof board>, lengthMs: number, quietMs: number): number {
  const d = b.start();
  b.wait(lengthMs);
  b.end();
  b.wait(quietMs);
  return d;
}

test('first event ever: gap unknown, no snapshot', () => {
  assert.is(board().start(), GAP_UNKNOWN);
});

test('seconds: an event 30 s after the previous one ended is too soon', () => {
  const b = board();
  eventThenQuiet(b, 10 * S, 30 * S);
  assert.is(b.start(), GAP_TOO_SHORT);
});

test('minutes: 6 and 59 minutes after the end take a snapshot', () => {
  const b = board();
  eventThenQuiet(b, 10 * S, 6 * MIN);
  assert.is(eventThenQuiet(b, 10 * S, 59 * MIN), GAP_OK);
  assert.is(b.start(), GAP_OK);
});

test('bounds are exclusive: exactly 5 min and exactly 60 min take none; 5 min + 1 ms does', () => {
  const b = board();
  eventThenQuiet(b, 1 * S, 5 * MIN);
  assert.is(eventThenQuiet(b, 1 * S, 60 * MIN), GAP_TOO_SHORT);
  assert.is(eventThenQuiet(b, 1 * S, 5 * MIN + 1), GAP_TOO_LONG);
  assert.is(eventThenQuiet(b, 1 * S, 60 * MIN - 1), GAP_OK);
  assert.is(b.start(), GAP_OK);
});

test('the gap runs from the END of the previous event, not its start', () => {
  const b = board();
  eventThenQuiet(b, 20 * MIN, 2 * MIN); // started 22 min ago, ended 2 min ago
  assert.is(b.start(), GAP_TOO_SHORT);
});

test('hours: 2 h and 30 h after the end take none', () => {
  const b = board();
  eventThenQuiet(b, 5 * S, 2 * H);
  assert.is(eventThenQuiet(b, 5 * S, 30 * H), GAP_TOO_LONG);
  assert.is(b.start(), GAP_TOO_LONG);
});

test('clock jumps within a boot do not matter: the monotonic clock measures the gap', () => {
  const b = board();
  eventThenQuiet(b, 5 * S, 10 * MIN);
  b.jumpWall(-3 * H); // SNTP correction backwards
  assert.is(b.start(), GAP_OK, 'backward jump');
  b.wait(5 * S);
  b.end();
  b.wait(2 * MIN);
  b.jumpWall(+45 * MIN); // forward jump would fake a 47-minute gap
  assert.is(b.start(), GAP_TOO_SHORT, 'forward jump');
});

test('reboot in between: the persisted end time gives the gap after a reboot', () => {
  const b = board();
  eventThenQuiet(b, 5 * S, 0);
  assert.ok(/^\d+$/.test(b.settings.m.get('lastEventEnd')!), 'end time persisted');
  b.reboot(8 * MIN);
  assert.is(b.start(), GAP_OK);
  const c = board(store({ lastEventEnd: String(WALL - 2 * MIN) }));
  assert.is(c.start(), GAP_TOO_SHORT);
  const d = board(store({ lastEventEnd: String(WALL - 3 * H) }));
  assert.is(d.start(), GAP_TOO_LONG);
});

test('reboot during an event: its end was never seen, so the next start has no snapshot', () => {
  const b = board();
  eventThenQuiet(b, 5 * S, 10 * MIN);
  assert.is(b.start(), GAP_OK);
  assert.is(b.settings.m.get('lastEventEnd'), '', 'open event persisted as unknown');
  b.reboot(10 * MIN);
  assert.is(b.start(), GAP_UNKNOWN);
});

test('after a reboot, a wall clock behind the persisted end (clock went back) gives no snapshot', () => {
  const b = board();
  eventThenQuiet(b, 5 * S, 0);
  b.reboot(0);
  b.jumpWall(-2 * H);
  b.wait(10 * MIN);
  assert.is(b.start(), GAP_UNKNOWN);
});

test('unsynced wall clock (1970 after a cold boot): no snapshot across reboots, nothing persisted', () => {
  const b = board();
  eventThenQuiet(b, 5 * S, 0);
  b.reboot(0);
  b.setWall(12 * MIN); // RTC restarted at the epoch, SNTP not yet synced
  assert.is(b.start(), GAP_UNKNOWN);
  b.wait(5 * S);
  b.end();
  assert.is(b.settings.m.get('lastEventEnd'), '', 'an unsynced end is not persisted');
  b.wait(10 * MIN);
  assert.is(b.start(), GAP_OK, 'within the boot, ticks still measure the gap');
});

test('malformed persisted values read as unknown', () => {
  for (const v of ['', 'abc', '-5', '1e12', '12345678901234567']) {
    assert.is(board(store({ lastEventEnd: v })).start(), GAP_UNKNOWN, JSON.stringify(v));
  }
});

test('gap bounds are validated', () => {
  assert.throws(() => new SnapshotRule(store(), { minGapMs: 10, maxGapMs: 5 }), /minGapMs/);
});

test.run();
