/** When the board sends event frames (firmware/app/event-frames.ts): at the offsets, while the event lasts. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EventFrameSchedule } from '../../firmware/app/event-frames.ts';

test('frames at 0, 1 s and 3 s of the event, one each', () => {
  const s = new EventFrameSchedule([0, 1000, 3000]);
  s.started(5000);
  const got = [];
  for (let t = 5000; t <= 10000; t += 100) {
    const i = s.due(t);
    if (i >= 0) got.push([i, s.offset(t)]);
  }
  assert.equal(got, [[0, 0], [1, 1000], [2, 3000]]);
});

test('no frame after the event ended; a new event starts over', () => {
  const s = new EventFrameSchedule([0, 1000]);
  s.started(0);
  assert.is(s.due(0), 0);
  s.ended();
  assert.is(s.due(2000), -1);
  s.started(9000);
  assert.is(s.due(9000), 0);
});

test('a late frame stands for the offsets it passed', () => {
  const s = new EventFrameSchedule([0, 1000, 3000]);
  s.started(0);
  assert.is(s.due(0), 0);
  assert.is(s.due(3500), 1);
  assert.is(s.due(4000), -1);
});

test('bad schedules are refused; an empty one sends nothing', () => {
  assert.throws(() => new EventFrameSchedule([0, 0]), /increasing/);
  assert.throws(() => new EventFrameSchedule([0, 1, 2, 3, 4, 5, 6, 7, 8]), /at most 8/);
  const s = new EventFrameSchedule([]);
  s.started(0);
  assert.is(s.due(0), -1);
});

test.run();
