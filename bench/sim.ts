/**
 * Simulator speeds that used to be asserts in tests (they flaked on a busy machine; a test now
 * checks behaviour only): scene generation (target < 20 ms per 320x240 frame), the grid reducer
 * (768x576 -> 80x60, target < 5 ms per frame), and an hour of virtual time through the runner
 * (one frame a minute, target < 5 s of wall time: the runner follows the source clock, never sleeps).
 * Prints each figure with its target; `npm run bench -- sim`.
 */
import { GridReducer } from '../sim/grid.ts';
import { runSource } from '../sim/runner.ts';
import { openScene } from '../sim/scenes/index.ts';
import { squareSource, StandInDetector } from '../test/sim/runner-fixtures.ts';

export interface SimBench { sceneMsPerFrame: number; gridMsPerFrame: number; virtualHourMs: number }

function noise(n: number, seed: number): Uint8Array {
  const a = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    a[i] = s >>> 24;
  }
  return a;
}

export async function benchSim(): Promise<SimBench> {
  const src = openScene('busy', { seconds: 10 });
  for await (const _ of src.frames()); // warm the JIT
  let t0 = performance.now();
  let n = 0;
  for await (const _ of src.frames()) n++;
  const sceneMsPerFrame = (performance.now() - t0) / n;

  const r = new GridReducer(768, 576, 80);
  const native = noise(768 * 576, 3);
  const out = new Uint8Array(r.width * r.height);
  for (let i = 0; i < 5; i++) r.reduce(native, out); // warm-up
  t0 = performance.now();
  for (let i = 0; i < 50; i++) r.reduce(native, out);
  const gridMsPerFrame = (performance.now() - t0) / 50;

  t0 = performance.now();
  await runSource(squareSource({ frameMs: 60_000 }), { width: 32, detector: new StandInDetector(32, 24) });
  const virtualHourMs = performance.now() - t0;
  return { sceneMsPerFrame, gridMsPerFrame, virtualHourMs };
}

export async function main(): Promise<void> {
  const b = await benchSim();
  const line = (what: string, v: number, target: number, unit: string) =>
    console.log(`  ${what.padEnd(44)} ${v.toFixed(3).padStart(9)} ${unit}  (target < ${target} ${unit}: ${v < target ? 'ok' : 'OVER'})`);
  console.log('\nsimulator speeds');
  line('scene busy 320x240, per frame', b.sceneMsPerFrame, 20, 'ms');
  line('grid reduce 768x576 -> 80x60, per frame', b.gridMsPerFrame, 5, 'ms');
  line('runner, 1 h of virtual time (60 frames)', b.virtualHourMs, 5000, 'ms');
}
