/**
 * Alerts under load. The relay's process (clean RSS) holds what `npm start` runs for it: aedes, the
 * relay with its alert stage and the owner's real channels (MQTT on the broker, a webhook); another
 * process (alerts-load-peer.ts) holds the world outside: 8 simulated cameras, Home Assistant's MQTT
 * login and the webhook receiver. Each round every camera starts a motion event at the same moment and sends its event
 * frames as a board does (at 0, 1 s and 3 s, with the motion boxes of that frame), then the end
 * message, and a bundle (a contribution) at the same moment. The frames are what the device app
 * (sim/firmware.ts) sent playing the footage: 4 cameras see people (vtest.avi), 4 do not
 * (tree.avi: the swaying tree, the hand).
 * Printed: latency from an event frame leaving the "board" (its publish) to the alert on MQTT (what
 * Home Assistant's login receives) and at the webhook (p50/p99; goal p99 < 1 s), alerts per person
 * event and false alerts, the bundles' latency meanwhile (last chunk published -> uploaded; the
 * relay's own goal is p99 < 1 s too), and the relay process's RSS: before the model, loaded and
 * idle, and the peak under load (samples every 50 ms).
 * Env: ALERTS_ROUNDS (3): bursts 5 s apart; ALERTS_WORKERS (the relay's default, 1; 0: in the
 * relay's thread); ALERTS_MODEL (nanodet; centernet; none: no model, for the baseline) and ALERTS_INPUT
 * (e.g. 416x416; default the model's); ALERTS_REGIONS=0 (whole frames only) and ALERTS_FIRST_MS
 * (upload.alertsFirstMs; 0: uploads never wait for the detector), to measure what each gives.
 */
import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import { startBroker } from '../src/adapters/aedes-broker.ts';
import { PERSON_DETECTOR_DEFAULT, type PersonModel } from '../src/adapters/person-models.ts';
import { startPersonDetector } from '../src/adapters/person-pool.ts';
import { openDatabase } from '../src/adapters/sqlite-schema.ts';
import { SqliteEventHistory } from '../src/adapters/sqlite-alerts.ts';
import { startAlertChannels } from '../src/alerts/start.ts';
import type { PersonAlert, PersonDetector } from '../src/alerts/types.ts';
import { silentLogger } from '../src/log.ts';
import { resolveConfig } from '../src/relay/config.ts';
import { startRelay } from '../src/relay/main.ts';
import { demoCamera } from '../src/relay/stack.ts';
import type { ObjectStore } from '../src/relay/types.ts';
import type { BoardEvent } from './alerts-board-events.ts';
import type { CameraFrames } from './alerts-load-peer.ts';
import { FOOTAGE } from './alerts-frames.ts';

const CAMERAS = 8;
const SCHEDULE_MS = [0, 1000, 3000];
const OWNER = { id: 'bench', username: 'bench' };
const MB = (b: number) => `${Math.round(b / 1048576)} MB`;
const q = (xs: number[], p: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] : NaN);
const pp = (xs: number[]) => `p50 ${q(xs, 0.5)} ms, p99 ${q(xs, 0.99)} ms (${xs.length})`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The JPEG with a comment segment (FF FE) naming it: distinct bytes for every frame sent. */
function tagged(j: Uint8Array, tag: string): Uint8Array {
  const t = Buffer.from(tag, 'ascii');
  return new Uint8Array(Buffer.concat([j.subarray(0, 2), Buffer.from([0xff, 0xfe, 0, t.length + 2]), t, j.subarray(2)]));
}

type Frame = BoardEvent['frames'][number];

/**
 * Events per camera, [round] -> the event's frames as the device app sent them (JPEG + motion
 * boxes), each JPEG made distinct. Person cameras: vtest.avi events (the app playing 7 s from
 * several offsets); the others: tree.avi's events (the tree, the hand) and a generated parked car.
 */
async function cameraFrames(rounds: number): Promise<CameraFrames> {
  const { boardEvents } = await import('./alerts-board-events.ts');
  const vtest = join(FOOTAGE, 'vtest.avi'), tree = join(FOOTAGE, 'tree.avi');
  const people: BoardEvent[] = [];
  for (const from of [0, 12, 24, 36, 48, 60]) people.push(...(await boardEvents(vtest, from, 7)));
  const others: BoardEvent[] = [...(await boardEvents(tree, 8, 10)), ...(await boardEvents(tree, 16, 12))];
  if (!people.length || !others.length) throw new Error(`the device app sent no event from ${people.length ? 'tree.avi' : 'vtest.avi'}`);
  const cams = [];
  for (let c = 0; c < CAMERAS; c++) {
    const person = c % 2 === 0;
    const pool = person ? people : others;
    const events: Frame[][] = [];
    for (let r = 0; r < rounds; r++) {
      const k = r * CAMERAS + c;
      events.push(pool[k % pool.length].frames.map((f) => ({ ...f, jpeg: tagged(f.jpeg, `cam${c} round ${r} frame ${f.index}`) })));
    }
    cams.push({ person, events });
  }
  return cams;
}

async function child(framesFile: string): Promise<void> {
  const rounds = Number(process.env.ALERTS_ROUNDS ?? 3);
  // made by the parent (the device app's runs stay out of this process's RSS)
  const cams = deserialize(readFileSync(framesFile)) as CameraFrames;
  const ids = cams.map((_, i) => `cam${i}`);
  const dir = mkdtempSync(join(tmpdir(), 'quietcam-alerts-bench-'));
  const broker = await startBroker({ port: 0 });
  // the cameras, Home Assistant and the webhook receiver: another process (alerts-load-peer.ts)
  const world = fork(fileURLToPath(new URL('./alerts-load-peer.ts', import.meta.url)), [broker.url, framesFile], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const ask = <T>(key: string) => new Promise<T>((resolve, reject) => {
    const on = (m: Record<string, unknown>) => key in m && (world.off('message', on), resolve(m[key] as T));
    world.on('message', on);
    world.once('exit', (code) => reject(new Error(`alerts load peer exited ${code}`)));
  });
  const hook = { url: await ask<string>('hook') };
  const rss = { before: process.memoryUsage().rss, idle: 0, peak: 0 };
  const db = openDatabase(join(dir, 'relay', 'relay.db'));
  const history = new SqliteEventHistory(db, join(dir, 'relay', 'alerts'));
  const channels = startAlertChannels({ dataDir: join(dir, 'relay'), db, broker: { url: broker.url }, log: silentLogger });
  channels.store.setChannels(OWNER.id, { mqtt: true, webPush: false, webhookUrl: hook.url, webhookSecret: 'bench-webhook-secret-bench-webhook-secret-00' });
  const alerts: PersonAlert[] = [];
  const workers = Number(process.env.ALERTS_WORKERS ?? PERSON_DETECTOR_DEFAULT.workers);
  const [w, h] = (process.env.ALERTS_INPUT ?? '').split('x').map(Number);
  let scored = 0;
  let regions = 0;
  const model = process.env.ALERTS_MODEL ?? PERSON_DETECTOR_DEFAULT.model;
  // 'none': no model, every frame "no person" at once: the same traffic's memory and bundle latency without a detector
  const inner: PersonDetector = model === 'none'
    ? { name: 'no model', detect: async () => ({ person: false, score: 0, boxes: [] }), close: async () => {} }
    : await startPersonDetector({ workers, model: model as PersonModel, ...(w && h ? { input: { width: w, height: h } } : {}) });
  // ALERTS_REGIONS=0: whole frames only (the detector hides its region input from the stage)
  const detector: PersonDetector = {
    name: inner.name, inputs: process.env.ALERTS_REGIONS === '0' ? undefined : inner.inputs, close: () => inner.close(),
    detect: (j, region) => inner.detect(j, region).then((x) => (scored++, region && regions++, x)),
  };
  const uploaded = new Map<string, number[]>();
  const bucket: ObjectStore = { async put() {}, async delete() {} };
  const relay = await startRelay({
    config: resolveConfig({
      dataDir: join(dir, 'relay'), broker: { url: broker.url }, status: { port: null }, cameras: ids.map((id) => demoCamera(id, OWNER.id)) as never,
      ...(process.env.ALERTS_FIRST_MS ? { upload: { alertsFirstMs: Number(process.env.ALERTS_FIRST_MS) } } : {}),
    }),
    objects: bucket, log: silentLogger, alerts: { detector, channels: [channels.stageChannel, { name: 'bench', onAlert: (a) => void alerts.push(a) }] },
  });
  relay.on('uploaded', (r: { bundleId: string }) => uploaded.set(r.bundleId, [...(uploaded.get(r.bundleId) ?? []), Date.now()]));
  for (const id of ids) channels.store.setEnabled(OWNER.id, id, true, OWNER, Date.now());
  await sleep(1000);
  global.gc?.();
  rss.idle = process.memoryUsage().rss;
  const sampler = setInterval(() => (rss.peak = Math.max(rss.peak, process.memoryUsage().rss)), 50);
  const cpu0 = process.cpuUsage();
  let seen: { onMqtt: [string, number][]; onHook: [string, number][]; bundleSent: [string, number][] } = { onMqtt: [], onHook: [], bundleSent: [] };
  try {
    const sent = ask('sent');
    world.send({ go: true });
    await sent;
    await relay.alerts!.whenIdle();
    const got = ask<typeof seen.onMqtt>('onMqtt');
    const all = new Promise<typeof seen>((resolve) => world.on('message', (m: typeof seen) => 'onHook' in m && resolve(m)));
    world.send({ expect: alerts.length });
    await got;
    seen = await all;
  } finally {
    clearInterval(sampler);
    const cpu = process.cpuUsage(cpu0);
    world.kill();
    await relay.stop();
    await detector.close(); // the model's worker thread would keep the child alive
    await channels.close();
    db.close();
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
    report({ rounds, workers, detector: detector.name, cams, ids, alerts, onMqtt: new Map(seen.onMqtt), onHook: new Map(seen.onHook), bundleSent: new Map(seen.bundleSent), uploaded, rss, cpuMs: (cpu.user + cpu.system) / 1000, scored, regions });
  }
}

interface Report {
  rounds: number; workers: number; detector: string; cams: { person: boolean }[]; ids: string[]; alerts: PersonAlert[]; onMqtt: Map<string, number>; onHook: Map<string, number>;
  bundleSent: Map<string, number>; uploaded: Map<string, number[]>; rss: { before: number; idle: number; peak: number }; cpuMs: number; scored: number; regions: number;
}

function report(r: Report): void {
  const sentOf = new Map(r.alerts.map((a) => [String(a.eventId), a.frameAtMs]));
  const lat = (got: Map<string, number>) => [...got].filter(([e]) => sentOf.has(e)).map(([e, t]) => t - sentOf.get(e)!);
  const personEvents = r.cams.filter((c) => c.person).length * r.rounds;
  const falseAlerts = r.alerts.filter((a) => !r.cams[r.ids.indexOf(a.cameraId)].person).length;
  const bundleLat = [...r.uploaded].flatMap(([b, ts]) => ts.map((t) => t - (r.bundleSent.get(b) ?? t)));
  console.log(`\nload: ${CAMERAS} cameras' events at once, ${r.rounds} rounds 5 s apart, frames at ${SCHEDULE_MS.join('/')} ms (the device app's, from vtest.avi and tree.avi) + a bundle each; ${r.detector === 'no model' ? 'NO MODEL (the baseline)' : `${r.detector} in ${r.workers ? `${r.workers} worker thread(s)` : "the relay's thread"}`} (load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores)`);
  console.log(`  verdicts: alerts on ${r.alerts.length - falseAlerts}/${personEvents} person events, ${falseAlerts} on the ${CAMERAS * r.rounds - personEvents} events without; frames scored ${r.scored} (${r.regions} as the region around the board's motion, the rest whole)`);
  console.log(`  frame -> alert at the stage ${pp(r.alerts.map((a) => a.decidedMs - a.frameAtMs))}`);
  console.log(`  frame -> alert on MQTT     ${pp(lat(r.onMqtt))}   (goal p99 < 1000)`);
  console.log(`  frame -> alert at webhook  ${pp(lat(r.onHook))}   (goal p99 < 1000)`);
  console.log(`  bundles meanwhile: last chunk -> uploaded ${pp(bundleLat)}   (they wait for the detector, up to upload.alertsFirstMs ${process.env.ALERTS_FIRST_MS ?? resolveConfig({}).upload.alertsFirstMs} ms, by design)`);
  console.log(`  CPU of the relay's process (all threads) ${(r.cpuMs / Math.max(1, r.scored)).toFixed(0)} ms per scored frame, bundles, broker and channels included`);
  console.log(`  relay process RSS: ${MB(r.rss.before)} before the model, ${MB(r.rss.idle)} with it loaded (idle), peak ${MB(r.rss.peak)} under load`);
}

export async function main(env: Record<string, string> = {}): Promise<void> {
  if (!existsSync(join(FOOTAGE, 'vtest.avi'))) {
    console.log(`  !!!!! SKIPPED: ${FOOTAGE} is absent: no load figures !!!!!`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'quietcam-alerts-frames-'));
  const framesFile = join(dir, 'frames.bin');
  writeFileSync(framesFile, serialize(await cameraFrames(Number({ ...process.env, ...env }.ALERTS_ROUNDS ?? 3))));
  const p = fork(fileURLToPath(import.meta.url), ['child', framesFile], { execArgv: ['--import', 'tsx', '--expose-gc', '--max-semi-space-size=2'], env: { MALLOC_ARENA_MAX: '2', ...process.env, ...env }, stdio: 'inherit' });
  await new Promise<void>((resolve, reject) => p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`alerts load bench exited ${code}`))))).finally(() => rmSync(dir, { recursive: true, force: true }));
}

if (process.argv[2] === 'child') {
  await child(process.argv[3]);
  // the figures are printed: a handle left open by a library must not hang the bench
  process.exit(0);
}
