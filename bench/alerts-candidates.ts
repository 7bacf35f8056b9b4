/**
 * Person detector candidates on the same labelled frames (bench/alerts-frames.ts), each in a child
 * process of its own (clean RSS): CPU ms per frame (median, user+system of the process: the model
 * runs on one core, sharp's decode included), wall ms per frame, the RSS the model adds (loaded, and
 * after all frames), and per clip the frames flagged at the alert threshold. The reference, NanoDet at
 * its converted 416x416, runs first and last, so the speed column is also printed as a ratio to it
 * (the machine's load changes less within one run than between runs).
 * Env: ALERTS_CANDIDATES: a comma list like nanodet:320x256,centernet:512x512 (default: the table below).
 */
import { fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { personDetectorHere, type PersonModel } from '../src/adapters/person-models.ts';
import { tfjsUsesSimd } from '../src/adapters/person-tfjs.ts';
import { ALERT_DEFAULTS } from '../src/alerts/verdict.ts';
import { hallFrames, treeFrames, vtestFrames } from './alerts-frames.ts';

const DEFAULT = 'nanodet:416x416,nanodet:320x320,nanodet:320x256,nanodet:288x224,nanodet:256x192,centernet:512x512,centernet:320x256,nanodet:416x416';

interface Row { name: string; cpuMs: number; wallMs: number; loadMb: number; peakMb: number; simd: boolean; clips: Record<string, { flagged: number; n: number; lo: number; hi: number }> }

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
const rss = () => process.memoryUsage().rss / 1048576;

async function child(spec: string): Promise<void> {
  const [model, size] = spec.split(':');
  const [width, height] = size.split('x').map(Number);
  const frames = [...vtestFrames(), ...treeFrames(), ...(await hallFrames())];
  await import('sharp'); // loaded before the baseline: the relay has it anyway
  global.gc?.();
  const before = rss();
  const d = await personDetectorHere(model as PersonModel, { width, height });
  await d.detect(frames[0].jpeg);
  const loadMb = rss() - before;
  const cpu: number[] = [], wall: number[] = [];
  const clips: Row['clips'] = {};
  let peak = 0;
  for (const f of frames) {
    const c0 = process.cpuUsage(), t0 = performance.now();
    const r = await d.detect(f.jpeg);
    const c = process.cpuUsage(c0);
    wall.push(performance.now() - t0);
    cpu.push((c.user + c.system) / 1000);
    peak = Math.max(peak, rss() - before);
    const k = `${f.clip} ${f.label}`;
    const x = (clips[k] ??= { flagged: 0, n: 0, lo: 1, hi: 0 });
    x.n++;
    if (r.score >= ALERT_DEFAULTS.personScore) x.flagged++;
    x.lo = Math.min(x.lo, r.score);
    x.hi = Math.max(x.hi, r.score);
  }
  const row: Row = { name: d.name, cpuMs: median(cpu), wallMs: median(wall), loadMb, peakMb: peak, simd: await tfjsUsesSimd(), clips };
  await d.close();
  process.send!(row);
}

function run(spec: string): Promise<Row> {
  return new Promise((resolve, reject) => {
    const p = fork(fileURLToPath(import.meta.url), ['child', spec], { execArgv: ['--import', 'tsx', '--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let row: Row | undefined;
    p.on('message', (m) => (row = m as Row));
    p.on('exit', (code) => (row ? resolve(row) : reject(new Error(`candidate ${spec} exited ${code}`))));
  });
}

const fmt = (c: Row['clips'][string] | undefined) => (c ? `${c.flagged}/${c.n} (${c.lo.toFixed(2)}-${c.hi.toFixed(2)})` : '-');

export async function main(): Promise<void> {
  const specs = (process.env.ALERTS_CANDIDATES ?? DEFAULT).split(',');
  if (!vtestFrames(40).length) return console.log('  !!!!! SKIPPED: the footage is absent: no candidates measured !!!!!');
  const load0 = loadavg()[0];
  const rows: Row[] = [];
  for (const s of specs) rows.push(await run(s));
  const refs = rows.filter((r) => r.name === 'nanodet-416x416');
  const ref = refs.length ? refs.reduce((s, r) => s + r.cpuMs, 0) / refs.length : NaN; // mean of the first and last run
  console.log(`\nperson detector candidates, same frames, threshold ${ALERT_DEFAULTS.personScore} (load average ${load0.toFixed(1)} -> ${loadavg()[0].toFixed(1)}; WASM SIMD ${rows.every((r) => r.simd) ? 'on' : 'OFF'}; one core each)`);
  console.log(`  ${'model'.padEnd(18)} ${'CPU ms'.padStart(7)} ${'vs 416'.padStart(6)} ${'wall ms'.padStart(8)} ${'RSS +MB'.padStart(12)}  ${'vtest people'.padEnd(18)} ${'tree empty'.padEnd(18)} ${'tree hand'.padEnd(18)} Hall people`);
  for (const r of rows) {
    const c = r.clips;
    console.log(`  ${r.name.padEnd(18)} ${r.cpuMs.toFixed(0).padStart(7)} ${(r.cpuMs / ref).toFixed(2).padStart(6)} ${r.wallMs.toFixed(0).padStart(8)} ${`${r.loadMb.toFixed(0)} / ${r.peakMb.toFixed(0)}`.padStart(12)}  ${fmt(c['vtest.avi person']).padEnd(18)} ${fmt(c['tree.avi empty']).padEnd(18)} ${fmt(c['tree.avi hand']).padEnd(18)} ${fmt(c['HallAndMonitor person'])}`);
  }
  console.log('  (RSS +MB: loaded and one frame / the most while scoring all frames, over a process with sharp loaded)');
}

if (process.argv[2] === 'child') await child(process.argv[3]);
