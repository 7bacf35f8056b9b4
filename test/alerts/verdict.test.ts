/** The verdict of one event from its frame scores (src/alerts/verdict.ts): pure, no detector. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ALERT_DEFAULTS, addFrameScore, endVerdict, needsScoring, newVerdict, retentionCutoff } from '../../src/alerts/verdict.ts';

const P = { personScore: 0.5 };
const box = (score: number) => [{ x: 1, y: 2, w: 3, h: 4, score }];

test('a frame at the threshold makes the alert; the event is "person" at once', () => {
  const v = newVerdict();
  assert.is(addFrameScore(v, 0, 0.49, box(0.49), P), false);
  assert.is(v.verdict, 'pending');
  assert.is(addFrameScore(v, 1, 0.5, box(0.5), P), true);
  assert.is(v.verdict, 'person');
  assert.is(v.bestFrame, 1);
  assert.is(needsScoring(v), false, 'an alerted event needs no more scoring');
});

test('at most one alert per event, the best frame is kept', () => {
  const v = newVerdict();
  const alerts = [0.9, 0.7, 0.95].map((s, i) => addFrameScore(v, i, s, box(s), P));
  assert.equal(alerts, [true, false, false]);
  assert.is(v.bestScore, 0.95);
  assert.is(v.bestFrame, 2);
  assert.equal(v.boxes, box(0.95));
  endVerdict(v);
  assert.is(v.verdict, 'person', 'the end keeps "person"');
});

test('an event that ends without a frame at the threshold is "no-person", with its best score', () => {
  const v = newVerdict();
  for (const [i, s] of [0.1, 0.35, 0.2].entries()) assert.is(addFrameScore(v, i, s, [], P), false);
  assert.is(v.verdict, 'pending');
  endVerdict(v);
  assert.is(v.verdict, 'no-person');
  assert.is(v.bestScore, 0.35);
  assert.is(v.bestFrame, 1);
});

test('an event with no frame at all ends "no-person"', () => {
  const v = newVerdict();
  endVerdict(v);
  assert.is(v.verdict, 'no-person');
  assert.is(v.bestFrame, -1);
});

test('the threshold sits between the measured sides (empty <= 0.35, people >= 0.60)', () => {
  assert.ok(ALERT_DEFAULTS.personScore > 0.35 && ALERT_DEFAULTS.personScore < 0.6);
});

test('retention: 7 days', () => {
  assert.is(retentionCutoff(10 * 86400000, ALERT_DEFAULTS), 3 * 86400000);
});

test.run();
