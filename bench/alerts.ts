/**
 * `npm run bench -- alerts`: smart alerts, measured.
 * 1. The person detector candidates on the same labelled frames: speed, memory, frames flagged
 *    (bench/alerts-candidates.ts).
 * 2. Verdict quality, per frame, with the default detector (src/adapters/person-models.ts): the
 *    person score on labelled frames of the real footage (bench/alerts-frames.ts), the highest
 *    score without a person and the lowest with one, and what the threshold makes of them.
 * 3. Verdict quality, per event: each clip and generated scene played through the device app
 *    (event frames at 0, 1 s, 3 s), the events' verdicts (sim/alerts.ts).
 * 4. Latency to MQTT and the webhook, and memory, with 8 cameras' events at once
 *    (bench/alerts-load.ts), for each worker count in ALERTS_LOAD_WORKERS.
 * Env: ALERTS_SCENE_SECONDS (60), ALERTS_LOAD_WORKERS (none,1: no model, then the default; e.g. none,0,1,2),
 * ALERTS_CANDIDATES (see alerts-candidates.ts; 'none' skips them).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PERSON_DETECTOR_DEFAULT, personDetectorHere } from '../src/adapters/person-models.ts';
import type { PersonDetector } from '../src/alerts/types.ts';
import { ALERT_DEFAULTS } from '../src/alerts/verdict.ts';
import { runAlertsOnSource } from '../sim/alerts.ts';
import { openSource } from '../sim/sources/open.ts';
import { FOOTAGE, hallFrames, treeFrames, vtestFrames, type LabelledFrame } from './alerts-frames.ts';

/** Generated scenes and whether a person is in them (sim/scenes/catalog.ts descriptions). */
const SCENES: [string, boolean][] = [
  ['tree-person', true], ['busy', true], ['package', true], ['queue', true], ['plain', true],
  ['tree', false], ['clouds', false], ['parked-car', false], ['light-switch', false], ['exposure', false], ['ir-night', false], ['noise', false],
];

async function frameQuality(detector: PersonDetector): Promise<void> {
  const frames: LabelledFrame[] = [...vtestFrames(), ...treeFrames(), ...(await hallFrames())];
  if (!frames.length) {
    console.log(`  !!!!! SKIPPED: ${FOOTAGE} is absent: no per-frame figures !!!!!`);
    return;
  }
  const t = ALERT_DEFAULTS.personScore;
  const byClip = new Map<string, { label: string; scores: number[] }[]>();
  let cpu = 0;
  for (const f of frames) {
    const c0 = process.cpuUsage();
    const r = await detector.detect(f.jpeg);
    const c = process.cpuUsage(c0);
    cpu += (c.user + c.system) / 1000;
    const rows = byClip.get(f.clip) ?? [];
    let row = rows.find((x) => x.label === f.label);
    if (!row) rows.push((row = { label: f.label, scores: [] }));
    row.scores.push(r.score);
    byClip.set(f.clip, rows);
  }
  console.log(`\nper frame (threshold ${t}): person frames should score >= ${t}, others below`);
  for (const [clip, rows] of byClip) {
    for (const r of rows) {
      const hit = r.scores.filter((s) => s >= t).length;
      const lo = Math.min(...r.scores).toFixed(2), hi = Math.max(...r.scores).toFixed(2);
      console.log(`  ${clip.padEnd(15)} ${r.label.padEnd(7)} ${String(r.scores.length).padStart(3)} frames  scores ${lo}..${hi}  flagged ${hit}/${r.scores.length}`);
    }
  }
  console.log(`  detector CPU: ${(cpu / frames.length).toFixed(0)} ms a frame (user+system, one call at a time)`);
}

async function eventQuality(detector: PersonDetector): Promise<void> {
  const seconds = Number(process.env.ALERTS_SCENE_SECONDS ?? 60);
  const clips: [string, string][] = [
    [join(FOOTAGE, 'vtest.avi'), 'people'], [join(FOOTAGE, 'tree.avi'), 'tree, then a hand (not a person)'],
    [join(FOOTAGE, 'sbi2015_HallAndMonitor'), 'a person'],
  ];
  console.log('\nper event (device app -> event frames -> alert stage):');
  for (const [path, what] of clips) {
    if (!existsSync(path)) {
      console.log(`  !!!!! SKIPPED: ${path} is absent !!!!!`);
      continue;
    }
    const r = await runAlertsOnSource(await openSource(path), { runtime: 'node', detector, quietLogs: true });
    console.log(`  ${r.source.padEnd(22)} (${what}): ${r.events.map((e) => `${e.startS}s ${e.verdict} ${e.bestScore.toFixed(2)}`).join('; ') || 'no events'}`);
  }
  for (const [name, person] of SCENES) {
    const r = await runAlertsOnSource(await openSource(`scene:${name}`, { seconds }), { runtime: 'node', detector, quietLogs: true, seconds });
    const alerts = r.events.filter((e) => e.verdict === 'person').length;
    console.log(`  scene:${name.padEnd(16)} (${person ? 'person' : 'no person'}): ${r.events.length} events, ${alerts} alerts; best scores ${r.events.map((e) => e.bestScore.toFixed(2)).join(' ') || '-'}`);
  }
}

export async function main(): Promise<void> {
  if (process.env.ALERTS_CANDIDATES !== 'none') await (await import('./alerts-candidates.ts')).main();
  const d = PERSON_DETECTOR_DEFAULT;
  const detector = await personDetectorHere(d.model, d.input);
  console.log(`\nsmart alerts with the default detector (${detector.name}, tfjs WASM, one process)`);
  try {
    await frameQuality(detector);
    await eventQuality(detector);
  } finally {
    await detector.close();
  }
  const load = await import('./alerts-load.ts');
  // 'none' first: the same traffic without a model, the baseline for the model's memory and the bundles' latency
  for (const w of (process.env.ALERTS_LOAD_WORKERS ?? `none,${d.workers}`).split(',')) await load.main(w === 'none' ? { ALERTS_MODEL: 'none' } : { ALERTS_WORKERS: w });
}
