import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, summary } from '../../cli/sim.js';
import type { RunResult } from '../../sim/runner.js';
import { stderrOf } from './helpers.js';

const runQuiet = (args: string[]) => stderrOf(() => run(args));

for (const [args, pattern] of [
  [['--width', 'abc'], /--width must be an integer/],
  [['--width', '4'], /--width/],
  [['--seconds', '0'], /--seconds must be a positive number/],
  [['--samples', '500'], /--samples/],
  [['--bogus'], /Unknown option/i],
  [['a', 'b'], /one source at a time/],
  [['/nonexistent/clip.avi'], /cannot open/],
] as [string[], RegExp][]) {
  test(`bad arguments exit with 2: ${args.join(' ')}`, async () => {
    const { code, err } = await runQuiet(args);
    assert.is(code, 2);
    assert.match(err, pattern);
    assert.match(err, /Usage: quietcam sim/);
  });
}

test('the summary lists events with their virtual times and the report path', () => {
  const r = {
    source: { name: 'scene:x', width: 640, height: 480, fps: 10, hasTruth: true },
    grid: { width: 80, height: 60, cellSize: 4, cols: 20, rows: 15 },
    frames: 100, durationMs: 9900,
    events: [{ id: 1, startMs: 2100, endMs: 4400, startIndex: 21, endIndex: 44, startStep: 21, endStep: 44, open: false, maxBoxes: 2, peakCells: 9, peakStep: 30 }],
    timeline: {} as RunResult['timeline'],
    detectorMsPerFrame: 0.05, reduceMsPerFrame: 0.01, wallMs: 1200, stateBytes: 4096,
  } as RunResult;
  const s = summary(r, 'reports/x/index.html');
  assert.match(s, /100 frames/);
  assert.match(s, /#1 {2}2\.10 s - 4\.40 s/);
  assert.match(s, /0\.050 ms\/frame/);
  assert.match(s, /report: reports\/x\/index.html/);
});

test('a short scene run exits 0, prints a summary and writes the report', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'quietcam-cli-sim-'));
  const orig = console.log;
  let text = '';
  console.log = (...a: unknown[]) => { text += a.join(' ') + '\n'; };
  try {
    const code = await run(['scene:busy', '--seconds', '3', '--samples', '2', '--quiet', '--out', dir]);
    assert.is(code, 0);
    assert.match(text, /scene:busy: \d+ frames, 2\.\d\d s virtual/);
    assert.match(text, new RegExp(`report: ${join(dir, 'index.html').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.ok(existsSync(join(dir, 'index.html')));
  } finally {
    console.log = orig;
    rmSync(dir, { recursive: true, force: true });
  }
});

async function captured(args: string[]): Promise<{ code: number; text: string }> {
  const orig = console.log;
  let text = '';
  console.log = (...a: unknown[]) => { text += a.join(' ') + '\n'; };
  try {
    return { code: await run(args), text };
  } finally {
    console.log = orig;
  }
}

// That both runtimes publish byte-identical bundles for a scene is test/firmware/identity.test.ts
// ("a generated scene through the simulator path", the same runFirmwareOnSource this command
// calls); here only that the command wires --runtime through, with one short embedded run.
test('--runtime node prints the bundles and their digest; --runtime embedded runs the bundle in the desktop runtime', async () => {
  const node = await captured(['scene:plain', '--seconds', '25', '--runtime', 'node', '--quiet']);
  assert.is(node.code, 0);
  assert.match(node.text, /bundles published: [1-9]/);
  assert.match(node.text, /bundles sha256: [0-9a-f]{64}/);
  const embedded = await captured(['scene:plain', '--seconds', '2', '--runtime', 'embedded', '--quiet']);
  assert.is(embedded.code, 0);
  assert.match(embedded.text, /through the device app \(embedded runtime/);
  assert.match(embedded.text, /bundles sha256: [0-9a-f]{64}/);
});

test('--runtime refuses unknown engines', async () => {
  const orig = console.error;
  console.error = () => {};
  try {
    assert.is(await run(['scene:plain', '--runtime', 'espruino']), 2);
    assert.is(await run(['scene:plain', '--runtime', 'node', '--secret', 'abc']), 2);
    assert.is(await run(['scene:plain', '--secret', 'ab'.repeat(32)]), 2);
  } finally {
    console.error = orig;
  }
});

test('--secret: the app signs with the given secret (its bundles differ from the demo secret ones)', async () => {
  const demo = await captured(['scene:plain', '--seconds', '25', '--runtime', 'node', '--quiet']);
  const own = await captured(['scene:plain', '--seconds', '25', '--runtime', 'node', '--quiet', '--secret', 'ab'.repeat(32)]);
  assert.is(own.code, 0);
  const digest = (t: string) => /bundles sha256: ([0-9a-f]{64})/.exec(t)?.[1];
  assert.ok(digest(own.text) && digest(own.text) !== digest(demo.text), 'a different MAC, so different bytes');
});

test.run();
