/**
 * `quietcam start` (npm start): the whole system on the embedded defaults, on this machine.
 * Brings up the in-process MQTT broker (aedes), the local S3 endpoint (s3rver, data under
 * ./data/s3) and the relay; plays two simulated cameras through the real device app (the same
 * ES5-safe code the board runs), publishes what they publish — event messages and chunked
 * snapshot bundles — to the broker, waits for the relay to store each snapshot's five images in
 * S3, prints where they are and writes a page showing them. Then it keeps the broker, relay and
 * status page running until Ctrl-C (`--once`: stop when the contributions are in).
 *
 * The simulated boards saw their last motion 10 minutes before each clip starts, so each clip's
 * first event falls inside the 5–60 minute snapshot window.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { escapeXml as esc } from '../sim/report/escape.ts';
import { checkPortsFree, listenErrorMessage, portFlags, portUsage, PortUsageError, resolvePort, type PlannedPort } from './listen-ports.ts';

const FOOTAGE_VTEST = fileURLToPath(new URL('../../shared/footage/vtest.avi', import.meta.url));

export const START_DEFAULTS = {
  /** Give up waiting for contributions after this long (ms): a minute, as the README promises. */
  waitMs: 60000,
  /** Seconds of each clip played through the device app. */
  seconds: 60,
  /** Folder of the contributions page. */
  reportsDir: 'reports',
};

interface Camera { id: string; source: string }

/** What a newcomer does next: their own account, their own camera (cli/sim-camera.ts). `once`: this run has stopped already. */
export function nextStep(once: boolean): string {
  return `
Next: your own camera, in your own account (these two belong to a demo owner).
  1. ${once ? 'Run' : 'Stop this (Ctrl-C: the pages need the same broker port), then run'}   npx quietcam web --local
  2. Open http://127.0.0.1:8080, create an account (an authenticator app is needed), and add a camera;
     download its provisioning file (quietcam-<camera id>.json: shown only once).
  3. Click "Choose what this camera may contribute", choose "Motion only", tick "I agree", Save.
  4. In another terminal:   npx quietcam sim scene:busy --provisioning quietcam-<camera id>.json
     (or --camera <camera id> --token <pairing token>, as the page showed them)
  5. Its snapshot appears in the Data Integrity Zone: http://127.0.0.1:8080/zone
  6. Add --live to step 4: the camera stays online (Cameras shows its state), and "Live view" on its page shows it`;
}

function cameras(args: string[]): Camera[] {
  if (args.length) return args.map((source, i) => ({ id: `cam-${i + 1}`, source }));
  // A generated street scene, and real footage when ../shared/footage is beside the project.
  return [
    { id: 'street', source: 'scene:busy' },
    { id: 'plaza', source: existsSync(FOOTAGE_VTEST) ? FOOTAGE_VTEST : 'scene:plain:7' },
  ];
}

const USAGE = `quietcam start [--once] [--seconds N] [--no-alerts] [--broker-port N] [--s3-port N] [--status-port N|off] [source ...]
--no-alerts: without the person detector (smart alerts are on by default: NanoDet is loaded at start)
${portUsage(['broker', 's3', 'status'])}`;

/** The ports `start` opens: broker and S3 on loopback, the status page where the config says. */
async function plan(values: Record<string, unknown>, env: Record<string, string | undefined>): Promise<PlannedPort[]> {
  const { loadConfig } = await import('../src/relay/config.ts');
  const status = loadConfig({ env }).status; // QUIETCAM_STATUS_PORT is read there, with the default
  const out: PlannedPort[] = [
    { name: 'broker', host: '127.0.0.1', port: resolvePort('broker', values['broker-port'] as string | undefined, env)! },
    { name: 's3', host: '127.0.0.1', port: resolvePort('s3', values['s3-port'] as string | undefined, env)! },
  ];
  const statusPort = resolvePort('status', values['status-port'] as string | undefined, {}, status.port);
  if (statusPort !== null) out.push({ name: 'status', host: status.host, port: statusPort });
  return out;
}

type StackModule = typeof import('../src/relay/stack.ts');
type Stack = Awaited<ReturnType<StackModule['startStack']>>;
type ContributionRecord = import('../src/relay/types.ts').ContributionRecord;

/** Arguments and ports, or the exit code after a usage error. */
async function parseStart(argv: string[]): Promise<{ once: boolean; seconds: number; alerts: boolean; cams: Camera[]; ports: PlannedPort[] } | number> {
  let parsed;
  let ports: PlannedPort[];
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { once: { type: 'boolean' }, seconds: { type: 'string' }, 'no-alerts': { type: 'boolean' }, ...portFlags(['broker', 's3', 'status']) } });
    ports = await plan(parsed.values, process.env);
  } catch (err) {
    console.error(`quietcam start: ${(err as Error).message}${err instanceof PortUsageError || err instanceof TypeError ? `\nUsage: ${USAGE}` : ''}`);
    return 2;
  }
  const seconds = parsed.values.seconds ? Number(parsed.values.seconds) : START_DEFAULTS.seconds;
  if (!(seconds > 0)) {
    console.error(`quietcam start: --seconds must be a positive number`);
    return 2;
  }
  return { once: parsed.values.once === true, seconds, alerts: parsed.values['no-alerts'] !== true, cams: cameras(parsed.positionals), ports };
}

/** Broker, S3 and relay on the checked ports, each camera paired; or exit code 2 for a taken port. */
async function openStack(cams: Camera[], ports: PlannedPort[], alerts: boolean): Promise<Stack | number> {
  const { startStack, demoCamera } = await import('../src/relay/stack.ts');
  const taken = await checkPortsFree(ports);
  if (taken) {
    console.error(`quietcam start: ${taken}`);
    return 2;
  }
  const port = (name: PlannedPort['name']) => ports.find((p) => p.name === name)?.port;
  try {
    // each simulated camera is paired afresh: its own broker login (and MAC secret), as the owner page gives a board
    return await startStack({ cameras: cams.map((c) => demoCamera(c.id)), pair: cams.map((c) => c.id), brokerPort: port('broker'), s3Port: port('s3'), statusPort: port('status') ?? null, ...(alerts ? {} : { alerts: false }) });
  } catch (err) {
    const msg = listenErrorMessage(err, ports);
    if (!msg) throw err;
    console.error(`quietcam start: ${msg}`);
    return 2;
  }
}

/** Plays each camera's clip through the device app and publishes what it publishes; returns the bundle count. */
async function playCameras(stack: Stack, cams: Camera[], seconds: number): Promise<number> {
  const { connectPublisher } = await import('../src/adapters/mqtt-publisher.ts');
  const { openSource } = await import('../sim/sources/open.ts');
  const { runFirmwareOnSource } = await import('../sim/firmware.ts');
  const publishers: Awaited<ReturnType<typeof connectPublisher>>[] = [];
  let expected = 0;
  try {
    for (const cam of cams) {
      const source = await openSource(cam.source, {});
      const wallStartMs = Date.now() - seconds * 1000;
      console.log(`camera ${cam.id}: playing ${source.name} (${seconds} s) through the device app...`);
      const login = stack.paired[cam.id];
      // the app signs its bundles and events, and checks its config, with the camera's MAC secret from the pairing
      const r = await runFirmwareOnSource(source, {
        runtime: 'node', cameraId: cam.id, seconds, wallStartMs, quietLogs: true,
        settings: { lastEventEnd: String(wallStartMs - 10 * 60000), secret: login.secret },
      });
      console.log(`camera ${cam.id}: ${r.frames} frames, ${r.events.length} event messages, ${r.bundles.length} snapshot bundle(s), ${r.publishes.length} MQTT publishes`);
      const publisher = await connectPublisher({ url: stack.brokerUrl, clientId: cam.id, username: login.username, password: login.password });
      publishers.push(publisher);
      for (const p of r.publishes) await publisher.publishRaw(p.topic, p.payload);
      expected += r.bundles.length;
    }
  } finally {
    await Promise.all(publishers.map((p) => p.close()));
  }
  return expected;
}

/** Prints each contribution as the relay stores it; the list fills as they arrive. */
function watchUploads(stack: Stack): ContributionRecord[] {
  const arrived: ContributionRecord[] = [];
  stack.relay.on('uploaded', (record, latencyMs) => {
    arrived.push(record);
    console.log(`contribution ${record.cameraId}/${record.bundleId}: ${record.objects.length} objects in s3://${stack.bucket}/${record.keyPrefix} (${latencyMs.toFixed(0)} ms after it arrived)`);
    for (const o of record.objects) console.log(`    ${o.name.padEnd(16)} ${String(o.bytes).padStart(7)} B  ${o.contentType}`);
  });
  return arrived;
}

function untilSignal(): Promise<void> {
  return new Promise<void>((done) => {
    const stop = () => { process.off('SIGINT', stop); process.off('SIGTERM', stop); done(); };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export async function run(argv: string[]): Promise<number> {
  const args = await parseStart(argv);
  if (typeof args === 'number') return args;
  const stack = await openStack(args.cams, args.ports, args.alerts);
  if (typeof stack === 'number') return stack;
  try {
    console.log(`broker  ${stack.brokerUrl}  (aedes, in-process)`);
    console.log(`S3      ${stack.s3Endpoint}  bucket ${stack.bucket}, data in ${resolve('data/s3')}`);
    if (stack.statusUrl) console.log(`status  ${stack.statusUrl}`);
    console.log(`alerts  ${stack.relay.alerts ? 'on: event frames scored by the person detector (--no-alerts: off)' : 'off (--no-alerts)'}`);
    const arrived = watchUploads(stack);
    const expected = await playCameras(stack, args.cams, args.seconds);
    const deadline = Date.now() + START_DEFAULTS.waitMs;
    while (arrived.length < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (arrived.length < expected) console.error(`only ${arrived.length} of ${expected} contributions arrived within ${START_DEFAULTS.waitMs / 1000} s: see ${stack.statusUrl ?? 'the relay log'}`);

    const { s3Objects } = await import('../src/web/adapters/s3-objects.ts');
    const page = await writeContributionsPage(arrived, s3Objects({ ...stack.relay.config.s3 }));
    console.log(`\n${arrived.length} contribution(s) stored; page with their five images: ${page}`);
    console.log(nextStep(args.once));
    if (args.once) return arrived.length === expected ? 0 : 1;
    console.log('broker, relay and status page keep running: Ctrl-C to stop');
    await untilSignal();
    return 0;
  } finally {
    await stack.stop();
  }
}

/** One page per run: each contribution with its five images, read back from S3. */
async function writeContributionsPage(records: ContributionRecord[], objects: { get(key: string): Promise<{ body: Uint8Array; contentType: string } | null> }): Promise<string> {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const dir = join(START_DEFAULTS.reportsDir, `contributions-${stamp}`);
  mkdirSync(dir, { recursive: true });
  const rows: string[] = [];
  for (const r of records) {
    const cells: string[] = [];
    for (const o of r.objects) {
      const file = `${r.cameraId}-${r.bundleId}-${o.name}`.replace(/[^a-zA-Z0-9._-]/g, '_');
      const got = await objects.get(o.key);
      if (!got) continue;
      writeFileSync(join(dir, file), got.body);
      cells.push(o.contentType.startsWith('image/')
        ? `<figure><img src="${esc(file)}" alt="${esc(o.name)}"><figcaption>${esc(o.name)}</figcaption></figure>`
        : `<figure><a href="${esc(file)}">${esc(o.name)}</a><figcaption>${o.bytes} B</figcaption></figure>`);
    }
    rows.push(`<section><h2>${esc(r.cameraId)} · ${esc(new Date(r.captureTimeMs).toISOString())}</h2><p><code>s3://…/${esc(r.keyPrefix)}</code></p><div class="row">${cells.join('')}</div></section>`);
  }
  writeFileSync(join(dir, 'index.html'), `<!doctype html><meta charset="utf-8"><title>quietcam contributions</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}.row{display:flex;gap:12px;flex-wrap:wrap}figure{margin:0}img{width:240px;image-rendering:pixelated;border:1px solid #ccc}figcaption{color:#555}</style>
<h1>Contributions stored in S3 (${records.length})</h1>
<p>Per snapshot: (1) the camera's view, (2) sky mask, (3) static mask, (4) motion boxes, (5) blurred greyscale background, and its metadata.</p>
${rows.join('\n') || '<p>None arrived.</p>'}`);
  return join(dir, 'index.html');
}
