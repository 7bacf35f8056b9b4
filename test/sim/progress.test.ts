import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Writable } from 'node:stream';
import { createProgress } from '../../sim/progress.js';

function sink(isTTY = false): Writable & { text: string; isTTY: boolean } {
  const w = new Writable({
    write(chunk, _enc, cb) {
      w.text += String(chunk);
      cb();
    },
  }) as Writable & { text: string; isTTY: boolean };
  w.text = '';
  w.isTTY = isTTY;
  return w;
}

test('without a TTY it prints a plain line every 10 %', () => {
  const out = sink();
  const p = createProgress({ label: 'clip', total: 200, stream: out });
  for (let i = 1; i <= 200; i++) p.update(i);
  p.stop();
  const lines = out.text.trim().split('\n');
  assert.is(lines.length, 10, '10 % .. 90 % and the closing line');
  assert.is(lines[0], 'clip: 10% (20/200 frames)');
  assert.is(lines[9], 'clip: 100% (200 frames), done');
});

test('an unknown total prints frame counts', () => {
  const out = sink();
  const p = createProgress({ stream: out, plainStepFrames: 100 });
  for (let i = 1; i <= 250; i++) p.update(i);
  p.stop();
  assert.equal(out.text.trim().split('\n'), ['100 frames', '200 frames', '250 frames, done']);
});

test('silent prints nothing, and stop is idempotent', () => {
  const out = sink();
  const p = createProgress({ total: 10, stream: out, silent: true });
  p.update(5);
  p.stop();
  p.stop();
  assert.is(out.text, '');
});

test('on a TTY it draws a bar', () => {
  const out = sink(true);
  const p = createProgress({ label: 'clip', total: 10, stream: out });
  for (let i = 1; i <= 10; i++) p.update(i);
  p.stop();
  p.stop();
  assert.match(out.text, /clip/);
  assert.match(out.text, /10\/10 frames/);
});

test('on a TTY a total first given by update still gets a percentage bar', () => {
  const out = sink(true);
  const p = createProgress({ stream: out });
  for (let i = 1; i <= 4; i++) p.update(i, 4);
  p.stop();
  assert.match(out.text, /100% \| 4\/4 frames/);
});

test.run();
