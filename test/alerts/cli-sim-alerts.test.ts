// test-timeout: 120 s
/**
 * `quietcam sim SOURCE --alerts --json` as a child process on the HallAndMonitor frames (read from
 * ../shared/footage, skipped loudly when absent): one event, "person", its frames listed with
 * their offsets and scores; --json alone is a usage error.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FOOTAGE } from '../../bench/alerts-frames.ts';

const BIN = fileURLToPath(new URL('../../bin/quietcam.js', import.meta.url));
const HALL = join(FOOTAGE, 'sbi2015_HallAndMonitor');

function sim(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, 'sim', ...args], { encoding: 'utf8', timeout: 100000, maxBuffer: 1 << 24 });
  assert.is(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test('HallAndMonitor: a person event with its frames', () => {
  if (!existsSync(HALL)) return console.log(`\n  !!!!! SKIPPED: ${HALL} is absent: the CLI did not run on real frames !!!!!\n`);
  const out = sim([HALL, '--alerts', '--json']);
  assert.is(out.source, 'sbi2015_HallAndMonitor');
  assert.ok(out.events.length >= 1);
  const e = out.events[0];
  assert.is(e.verdict, 'person');
  assert.ok(e.alert);
  assert.ok(e.bestScore >= 0.5);
  assert.ok(typeof e.startS === 'number' && e.endS >= e.startS);
  assert.equal(e.frames.map((f: { offsetMs: number }) => f.offsetMs), [0, 1000, 3000]);
});

test('--json needs --alerts', () => {
  const r = spawnSync(process.execPath, [BIN, 'sim', 'scene:plain', '--json'], { encoding: 'utf8', timeout: 30000 });
  assert.is(r.status, 2);
  assert.match(r.stderr, /--json needs --alerts/);
});

test.run();
