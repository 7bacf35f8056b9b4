/**
 * The detector's acceptance figures (issue "Foundation"), computed the same way for the test
 * suite and for `npm run bench`: each figure with its goal and whether it is met. Footage under
 * ../shared/footage is used when present and reported as skipped otherwise.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openSource } from './sources/open.js';
import { runSource } from './runner.js';
import { evaluateSource } from './eval/evaluate.js';
import { defaultMethods } from './eval/methods.js';

export const FOOTAGE = fileURLToPath(new URL('../../shared/footage/', import.meta.url));

export interface Figure {
  name: string;
  value: string;
  goal: string;
  pass: boolean | null; // null = skipped (footage absent)
}

function eventsBetween(events: { startMs: number; endMs: number; open: boolean }[], fromMs: number, toMs: number): number {
  return events.filter((e) => e.startMs < toMs && (e.open || e.endMs > fromMs) && e.startMs >= fromMs).length;
}

/** tree.avi: no event from 10 s to 22.5 s (only the tree moves); an event once the hand enters. */
export async function treeFigures(): Promise<Figure[]> {
  const path = FOOTAGE + 'tree.avi';
  if (!existsSync(path)) return [{ name: 'tree.avi', value: 'footage absent', goal: '-', pass: null }];
  const r = await runSource(await openSource(path, {}), {});
  const quiet = eventsBetween(r.events, 10000, 22500);
  const hand = r.events.filter((e) => e.startMs >= 22500 && e.startMs <= 25000);
  return [
    { name: 'tree.avi events starting 10-22.5 s', value: String(quiet), goal: '0', pass: quiet === 0 },
    { name: 'tree.avi event when the hand enters', value: hand.length ? `starts at ${(hand[0].startMs / 1000).toFixed(1)} s` : 'none', goal: '22.5-25 s', pass: hand.length > 0 },
  ];
}

/** vtest.avi: people always walk, so motion events cover the clip after warm-up. */
export async function vtestFigures(): Promise<Figure[]> {
  const path = FOOTAGE + 'vtest.avi';
  if (!existsSync(path)) return [{ name: 'vtest.avi', value: 'footage absent', goal: '-', pass: null }];
  const r = await runSource(await openSource(path, {}), {});
  const steps = r.timeline.eventState.length;
  let inEvent = 0;
  let active = false;
  for (let i = 0; i < steps; i++) {
    const st = r.timeline.eventState[i];
    if (st === 1) active = true;
    if (active && r.timeline.timeMs[i] > 7000) inEvent++;
    if (st === 3) active = false;
  }
  const after = r.timeline.timeMs.filter((t) => t > 7000).length;
  const share = after ? inEvent / after : 0;
  return [{ name: 'vtest.avi time inside motion events (after 7 s start-up)', value: `${(share * 100).toFixed(1)} %`, goal: '>= 95 %', pass: share >= 0.95 }];
}

async function evalCellF(spec: string): Promise<{ f: number; baseline: number; staticMean: number | null }> {
  const res = await evaluateSource(await openSource(spec, {}), { width: 80, methods: defaultMethods() });
  const q = res.methods[0].score;
  return { f: q.cell?.f ?? 0, baseline: res.methods[1].score.cell?.f ?? 0, staticMean: q.static?.mean ?? null };
}

export async function hallFigures(): Promise<Figure[]> {
  const path = FOOTAGE + 'sbi2015_HallAndMonitor';
  if (!existsSync(path)) return [{ name: 'HallAndMonitor', value: 'footage absent', goal: '-', pass: null }];
  const r = await evalCellF(path);
  return [{ name: 'HallAndMonitor cell F (80 wide)', value: `${r.f.toFixed(3)} (frame-diff ${r.baseline.toFixed(3)}, MOG2 0.71)`, goal: '>= 0.75', pass: r.f >= 0.75 }];
}

export async function sceneFigures(): Promise<Figure[]> {
  const out: Figure[] = [];
  const plain = await evalCellF('scene:plain');
  out.push({ name: 'scene:plain cell F', value: `${plain.f.toFixed(3)} (frame-diff ${plain.baseline.toFixed(3)})`, goal: '>= 0.90', pass: plain.f >= 0.9 });
  for (const name of ['parked-car', 'package']) {
    const r = await evalCellF('scene:' + name);
    const v = r.staticMean ?? 0;
    out.push({ name: `scene:${name} static IoU (mean)`, value: v.toFixed(3), goal: '>= 0.6', pass: v >= 0.6 });
  }
  for (const name of ['tree', 'light-switch', 'ir-night', 'exposure', 'noise', 'quiet', 'clouds']) {
    const r = await runSource(await openSource('scene:' + name, {}), {});
    out.push({ name: `scene:${name} events (no motion truth)`, value: String(r.events.length), goal: '0', pass: r.events.length === 0 });
  }
  return out;
}

export function printFigures(title: string, figures: Figure[]): void {
  console.log(title);
  for (const f of figures) {
    const mark = f.pass === null ? 'skip' : f.pass ? 'ok  ' : 'MISS';
    console.log(`  ${mark} ${f.name.padEnd(48)} ${f.value.padEnd(36)} goal ${f.goal}`);
  }
}
