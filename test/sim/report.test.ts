import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { createOutput, EVENT_START } from '../../src/core/index.js';
import { runSource, type FrameContext, type RunResult } from '../../sim/runner.js';
import { defaultReportDir, FrameSampler, writeReport } from '../../sim/report/index.js';
import { renderPanels, PANEL_STYLE } from '../../sim/report/panels.js';
import { niceStep, timelineSvg } from '../../sim/report/timeline-svg.js';
import { squareSource, StandInDetector } from './runner-fixtures.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const count = (s: string, needle: string) => s.split(needle).length - 1;

/** Two motion episodes -> two events with the stand-in detector. */
async function twoEventRun(samples = 6): Promise<{ result: RunResult; sampler: FrameSampler }> {
  const sampler = new FrameSampler({ samples });
  const source = squareSource({ frames: 90, moving: [[15, 25], [50, 60]] });
  const result = await runSource(source, { width: 32, detector: new StandInDetector(32, 24), onFrame: sampler.onFrame });
  return { result, sampler };
}

/** A fake frame context, enough for the sampler. */
function ctx(step: number, eventState = 0, eventId = 0): FrameContext {
  const out = createOutput(8, 8, 4);
  out.eventState = eventState;
  out.eventId = eventId;
  const det = new StandInDetector(8, 8);
  return {
    step, timeMs: step * 100, frame: { index: step, timeMs: step * 100, grey: new Uint8Array(64), scored: true },
    nativeWidth: 8, nativeHeight: 8, grid: new Uint8Array(64), out, detector: det, motionCells: 0, staticCells: 0, skyCells: 0,
  };
}

test('writeReport writes index.html and every PNG it references', async () => {
  const { result, sampler } = await twoEventRun();
  assert.is(result.events.length, 2);
  const dir = mkdtempSync(join(tmpdir(), 'quietcam-report-'));
  try {
    const samples = sampler.samples();
    const rep = await writeReport(result, samples, { dir });
    assert.is(rep.index, join(dir, 'index.html'));
    const html = readFileSync(rep.index, 'utf8');
    const srcs = [...html.matchAll(/<img src="([^"]+)"/g)].map((m) => m[1]);
    assert.is(srcs.length, samples.length * 5, 'five images per sampled frame');
    for (const src of srcs) {
      assert.not.match(src, /^(https?:|\/)/, 'relative links only: the folder works offline');
      const buf = readFileSync(join(dir, src));
      assert.equal(buf.subarray(0, 8), PNG_SIGNATURE, src);
      const png = PNG.sync.read(buf);
      assert.is(png.width, 32 * 10, 'grid 32 px upscaled x10 to ~320 px');
      assert.is(png.height, 24 * 10);
    }
    assert.is(count(html, 'class="event-span"'), 2);
    assert.is(count(html, '<section class="sample"'), samples.length);
    assert.not.match(html, /<script|<link /, 'no scripts or external stylesheets');
    assert.match(html, /test:square/);
    assert.match(html, /32x24/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('samples are evenly spaced plus the first frame of each event', async () => {
  const { result, sampler } = await twoEventRun(6);
  const samples = sampler.samples();
  const starts = samples.filter((s) => s.eventStart).map((s) => s.step);
  assert.equal(starts, result.events.map((e) => e.startStep));
  const even = samples.filter((s) => s.even);
  assert.is(even.length, 6);
  assert.is(even[0].step, 0);
  // Copies, not views of the reused buffers: the first sample's frame still has no square.
  assert.ok(samples.every((s) => s.grid.length === 32 * 24));
  assert.is(Math.max(...samples[0].grid), 109);
});

test('the sampler keeps n evenly spaced frames of a run of unknown length', () => {
  const sampler = new FrameSampler({ samples: 16, eventSamples: 0 });
  for (let i = 0; i < 1000; i++) sampler.onFrame(ctx(i));
  const steps = sampler.samples().map((s) => s.step);
  assert.is(steps.length, 16);
  const gaps = steps.slice(1).map((s, i) => s - steps[i]);
  assert.ok(Math.max(...gaps) - Math.min(...gaps) <= 64, `even spacing, gaps ${gaps.join(',')}`);
  assert.ok(steps[15] >= 900, 'reaches the end of the run');
});

test('the sampler thins many event starts evenly', () => {
  const sampler = new FrameSampler({ samples: 1, eventSamples: 8 });
  for (let i = 0; i < 300; i++) sampler.onFrame(i % 10 === 5 ? ctx(i, EVENT_START, (i - 5) / 10 + 1) : ctx(i));
  const ids = sampler.samples().filter((s) => s.eventStart).map((s) => s.eventStart);
  assert.is(ids.length, 8);
  assert.is(ids[0], 1);
  assert.ok(ids[7] >= 25, `spread over all 30 events, got ${ids.join(',')}`);
});

test('bad sampler options are refused', () => {
  assert.throws(() => new FrameSampler({ samples: 0 }), /samples/);
  assert.throws(() => new FrameSampler({ eventSamples: 1.5 }), /eventSamples/);
});

test('the box drawing outlines boxes and tints moving cells', async () => {
  const { sampler } = await twoEventRun();
  const s = sampler.samples().find((x) => x.boxCount > 0)!;
  assert.ok(s, 'a sample with a box');
  const boxes = renderPanels(s).find((p) => p.kind === 'boxes')!;
  const png = PNG.sync.read(boxes.png);
  const cellPx = s.cellSize * s.scale;
  const px = (x: number, y: number) => [...png.data.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 3)];
  assert.equal(px(s.boxes[0] * cellPx, s.boxes[1] * cellPx), [...PANEL_STYLE.box.colour], 'box corner in the box colour');
  const raw = PNG.sync.read(renderPanels(s)[0].png);
  assert.is(raw.width, boxes.width);
});

test('the timeline marks global changes, calibration runs and sample ticks', () => {
  const n = 50;
  const z = () => new Array(n).fill(0);
  const tl = {
    timeMs: Array.from({ length: n }, (_, i) => i * 100), index: Array.from({ length: n }, (_, i) => i),
    motionCells: z(), staticCells: z(), skyCells: z(), boxCount: z(), globalChange: z(), calibrating: z(), eventState: z(),
  };
  tl.calibrating[0] = tl.calibrating[1] = tl.calibrating[30] = tl.calibrating[31] = 1;
  tl.globalChange[30] = 1;
  tl.motionCells[10] = 7;
  const result: RunResult = {
    source: { name: 'x', width: 8, height: 8, fps: 10, hasTruth: false },
    grid: { width: 8, height: 8, cellSize: 4, cols: 2, rows: 2 },
    frames: n, durationMs: 4900, events: [], timeline: tl,
    detectorMsPerFrame: 0, reduceMsPerFrame: 0, wallMs: 0, stateBytes: 0,
  };
  const svg = timelineSvg(result, [{ step: 3, timeMs: 300, eventStart: 0 }, { step: 9, timeMs: 900, eventStart: 1 }]);
  assert.is(count(svg, 'class="global-change"'), 1);
  assert.is(count(svg, 'class="calibrating"'), 2);
  assert.is(count(svg, 'class="sample-tick"'), 2);
  assert.is(count(svg, 'class="event-span"'), 0);
  assert.match(svg, /href="#f9"/);
  assert.match(svg, />time \(s, virtual clock\)</);
});

test('niceStep picks 1-2-5 steps', () => {
  assert.is(niceStep(60, 10), 10);
  assert.is(niceStep(9, 10), 1);
  assert.is(niceStep(0.9, 10), 0.1);
  assert.is(niceStep(130, 4), 50);
});

test('the default report folder is file-safe and time-stamped', () => {
  assert.is(defaultReportDir('scene:busy:7', new Date(2025, 0, 2, 3, 4, 5)), join('reports', 'scene-busy-7-20250102-030405'));
  assert.is(defaultReportDir('my clip.avi', new Date(2025, 0, 2, 3, 4, 5), 'out'), join('out', 'my-clip.avi-20250102-030405'));
});

test('a report of the real detector is written too', async () => {
  const sampler = new FrameSampler({ samples: 4 });
  const source = squareSource({ width: 80, height: 60, frames: 80, size: 12, moving: [[40, 60]], noise: 2 });
  const result = await runSource(source, { width: 80, onFrame: sampler.onFrame });
  const dir = mkdtempSync(join(tmpdir(), 'quietcam-report-'));
  try {
    const rep = await writeReport(result, sampler.samples(), { dir });
    const html = readFileSync(rep.index, 'utf8');
    assert.is(count(html, 'class="event-span"'), result.events.length);
    assert.match(html, /detector config/);
    for (const f of rep.files) assert.ok(existsSync(join(dir, f)), f);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
