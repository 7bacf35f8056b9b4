/**
 * `quietcam sim`: play a scene, video or CDnet folder through the detector on a virtual clock,
 * print a short summary and write an HTML report.
 *
 * Exit codes: 0 done; 2 bad arguments or a source that cannot be opened; other failures are
 * thrown to the CLI entry (exit 1).
 */
import { parseArgs } from 'node:util';
import { gridSize } from '../sim/grid.js';
import { createProgress } from '../sim/progress.js';
import { FrameSampler, SAMPLER_DEFAULTS, defaultReportDir, writeReport } from '../sim/report/index.js';
import { RUN_DEFAULTS, runSource, type RunResult } from '../sim/runner.js';
import { openSource } from '../sim/sources/open.js';
import type { FrameSource } from '../sim/sources/types.js';
import { cameraLogin, playAsCamera, playLive, type CameraLogin } from './sim-camera.js';

/** `--live` plays this long when --seconds is not given: 10 minutes of a camera that is online. */
const LIVE_SECONDS = 600;

export const SIM_DEFAULTS = {
  /** Played when no source is given: a scene with a bit of everything. */
  source: 'scene:busy',
  /** Events listed on the terminal; the report lists all of them. */
  maxEventsPrinted: 20,
};

const USAGE = `Usage: quietcam sim [scene:NAME[:SEED] | video file | CDnet folder] [options]

Options:
  --width N      working-grid width in pixels (default ${RUN_DEFAULTS.width}; 80 and 160 are the board's)
  --out DIR      report folder (default reports/<source>-<timestamp>/)
  --seconds N    stop after N seconds of virtual time (default: the whole source)
  --samples N    evenly spaced frames shown in the report, 1–200 (default ${SAMPLER_DEFAULTS.samples});
                 each event's first frame is shown too
  --quiet        no progress bar
  --runtime R    run the device app instead of the bare detector: 'node' (in-process) or
                 'embedded' (the ES5 bundle inside the Duktape desktop runtime); prints the
                 events and bundles a board would publish, with a digest to compare runtimes
  --secret HEX   with --runtime: the camera's MAC secret (64 hex) the app signs with (default:
                 the simulated camera's demo secret, which the demo relay camera expects)
  --alerts       smart alerts: the device app's event frames (at 0, 1 s, 3 s of each event) through
                 the relay's person detector (NanoDet); prints per event its start, end, verdict,
                 best score and the frames used (runtime 'node' unless --runtime says otherwise)
  --json         with --alerts: one JSON document on stdout
  --camera ID --token TOKEN   play the source as your own paired camera (the id and pairing token
                 the owner pages showed when you added it): logs in to the broker, reads the
                 consent you chose, and publishes its events and snapshots to your account
  --provisioning FILE  the same, from the provisioning file the pages offer (quietcam-<id>.json)
  --broker URL   with --camera/--provisioning: the broker (default mqtt://127.0.0.1:1883, the local demo)
  --live         with --camera/--provisioning: stay connected and play in real time, like a board
                 (its status on the cameras page, the live view on request) for --seconds (default
                 ${LIVE_SECONDS}) or until Ctrl-C
Default source: ${SIM_DEFAULTS.source}`;

class UsageError extends Error {}

interface SimArgs { spec: string; width: number; out?: string; seconds?: number; samples: number; quiet: boolean; runtime?: 'node' | 'embedded'; secret?: string; camera?: CameraLogin; live: boolean; alerts: boolean; json: boolean }

function parse(args: string[]): SimArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        width: { type: 'string' },
        out: { type: 'string' },
        seconds: { type: 'string' },
        samples: { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
        runtime: { type: 'string' },
        secret: { type: 'string' },
        alerts: { type: 'boolean' },
        json: { type: 'boolean' },
        camera: { type: 'string' },
        token: { type: 'string' },
        provisioning: { type: 'string' },
        live: { type: 'boolean' },
        broker: { type: 'string' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) throw new UsageError(`one source at a time, got ${positionals.length}: ${positionals.join(' ')}`);
  const int = (name: string, text: string | undefined, def: number, min: number, max: number) => {
    if (text === undefined) return def;
    const v = Number(text);
    if (!Number.isInteger(v) || v < min || v > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got '${text}'`);
    return v;
  };
  let seconds: number | undefined;
  if (values.seconds !== undefined) {
    seconds = Number(values.seconds);
    if (!(seconds > 0) || !Number.isFinite(seconds)) throw new UsageError(`--seconds must be a positive number, got '${values.seconds}'`);
  }
  if (values.out === '') throw new UsageError('--out needs a folder');
  if (values.runtime !== undefined && values.runtime !== 'node' && values.runtime !== 'embedded') {
    throw new UsageError(`--runtime must be 'node' or 'embedded', got '${values.runtime}'`);
  }
  if (values.secret !== undefined && !/^[0-9a-f]{64}$/.test(values.secret)) throw new UsageError('--secret must be 64 lower-case hex digits');
  if (values.json && !values.alerts) throw new UsageError('--json needs --alerts');
  if (values.secret !== undefined && values.runtime === undefined && !values.alerts) throw new UsageError('--secret needs --runtime (only the device app signs)');
  let camera: CameraLogin | undefined;
  if (values.camera !== undefined || values.token !== undefined || values.provisioning !== undefined) {
    if (values.runtime !== undefined || values.secret !== undefined) throw new UsageError('--camera/--provisioning play the device app in Node with the paired secret: leave out --runtime and --secret');
    try {
      camera = cameraLogin({ camera: values.camera, token: values.token, provisioning: values.provisioning, broker: values.broker });
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  } else if (values.broker !== undefined) throw new UsageError('--broker needs --camera and --token (or --provisioning)');
  if (values.live && !camera) throw new UsageError('--live needs --camera and --token (or --provisioning)');
  return {
    camera,
    runtime: values.runtime as SimArgs['runtime'],
    secret: values.secret,
    spec: positionals[0] ?? SIM_DEFAULTS.source,
    // 8 px: the smallest grid the detector accepts (src/core/config.ts).
    width: int('width', values.width, RUN_DEFAULTS.width, 8, 4096),
    out: values.out,
    seconds,
    samples: int('samples', values.samples, SAMPLER_DEFAULTS.samples, 1, 200),
    quiet: Boolean(values.quiet),
    live: Boolean(values.live),
    alerts: Boolean(values.alerts),
    json: Boolean(values.json),
  };
}

export async function run(args: string[]): Promise<number> {
  let a: SimArgs;
  let source: FrameSource;
  try {
    a = parse(args);
    try {
      // Scenes take their length from `seconds`; other sources ignore it and the runner stops them.
      source = await openSource(a.spec, a.seconds === undefined ? {} : { seconds: a.seconds });
    } catch (err) {
      throw new UsageError(`cannot open '${a.spec}': ${(err as Error).message}`);
    }
    try {
      gridSize(source.width, source.height, a.width);
    } catch (err) {
      throw new UsageError(`--width ${a.width}: ${(err as Error).message}`);
    }
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`quietcam sim: ${err.message}\n\n${USAGE}`);
    return 2;
  }

  if (a.alerts) return runAlerts(source, a);
  if (a.camera && a.live) return playLive(source, a.camera, { seconds: a.seconds ?? LIVE_SECONDS, width: a.width });
  if (a.camera) return playAsCamera(source, a.camera, { seconds: a.seconds, width: a.width, quiet: a.quiet });
  if (a.runtime) return runDeviceApp(source, a);

  const sampler = new FrameSampler({ samples: a.samples });
  const progress = createProgress({ label: source.name, silent: a.quiet });
  let result: RunResult;
  try {
    result = await runSource(source, {
      width: a.width,
      seconds: a.seconds,
      onFrame: sampler.onFrame,
      onProgress: (done, total) => progress.update(done, total),
    });
  } finally {
    progress.stop();
  }
  const dir = a.out ?? defaultReportDir(source.name);
  const report = await writeReport(result, sampler.samples(), { dir, command: ['quietcam sim', ...args].join(' ') });
  console.log(summary(result, report.index));
  return 0;
}

/** The terminal summary: what ran, the events with their virtual times, cost, where the report is. */
export function summary(r: RunResult, reportPath: string): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const lines = [
    `${r.source.name}: ${r.frames} frames, ${s(r.durationMs)} virtual (${r.source.width}x${r.source.height} at ${+r.source.fps.toFixed(2)} fps -> ${r.grid.width}x${r.grid.height} grid)`,
    `events: ${r.events.length}`,
  ];
  for (const e of r.events.slice(0, SIM_DEFAULTS.maxEventsPrinted)) {
    lines.push(`  #${e.id}  ${s(e.startMs)} - ${s(e.endMs)}${e.open ? ' (open at end)' : ''}  frames ${e.startIndex}-${e.endIndex}  peak ${e.peakCells} cells, ${e.maxBoxes} box${e.maxBoxes === 1 ? '' : 'es'}`);
  }
  if (r.events.length > SIM_DEFAULTS.maxEventsPrinted) lines.push(`  ... and ${r.events.length - SIM_DEFAULTS.maxEventsPrinted} more in the report`);
  lines.push(`detector: ${r.detectorMsPerFrame.toFixed(3)} ms/frame, state ${r.stateBytes} bytes; run ${(r.wallMs / 1000).toFixed(1)} s wall clock`);
  lines.push(`report: ${reportPath}`);
  return lines.join('\n');
}

/** `--runtime`: the device app (firmware/app) on the source, in Node or in the embedded engine. */
async function runDeviceApp(source: FrameSource, a: SimArgs): Promise<number> {
  const { runFirmwareOnSource } = await import('../sim/firmware.ts');
  const { createHash } = await import('node:crypto');
  const { FIRMWARE_SIM_DEFAULTS } = await import('../sim/firmware.ts');
  // A board that saw its last motion 10 minutes before the clip starts: the first event of the
  // clip falls inside the 5-60 minute window, so its snapshot is taken (clips are short).
  const lastEventEnd = String(FIRMWARE_SIM_DEFAULTS.wallStartMs - 10 * 60000);
  const r = await runFirmwareOnSource(source, { runtime: a.runtime!, width: a.width, seconds: a.seconds, quietLogs: a.quiet, settings: a.secret ? { lastEventEnd, secret: a.secret } : { lastEventEnd } });
  const digest = createHash('sha256');
  for (const b of r.bundles) digest.update(b.bytes);
  const lines = [
    `${source.name}: ${r.frames} frames through the device app (${a.runtime} runtime, ${r.grid.width}x${r.grid.height} grid)`,
    `events published: ${r.events.length} (previous motion set to 10 min before the clip, so the first event is snapshot-eligible)`,
    `bundles published: ${r.bundles.length}${r.bundles.length ? ' (' + r.bundles.map((b) => `${b.bundleId} ${b.bytes.length} B`).join(', ') + ')' : ''}`,
    `bundles sha256: ${digest.digest('hex')}`,
  ];
  console.log(lines.join('\n'));
  return 0;
}

/** `--alerts`: per event, start, end, verdict, best score and the frames the detector scored. */
async function runAlerts(source: FrameSource, a: SimArgs): Promise<number> {
  const { runAlertsOnSource } = await import('../sim/alerts.ts');
  const { nanodetPersonDetector } = await import('../src/adapters/person-nanodet.ts');
  const detector = await nanodetPersonDetector();
  try {
    const r = await runAlertsOnSource(source, {
      runtime: a.runtime ?? 'node', width: a.width, seconds: a.seconds, quietLogs: true, detector, settings: a.secret ? { secret: a.secret } : undefined,
    });
    if (a.json) {
      console.log(JSON.stringify({ source: r.source, frames: r.frames, detector: r.detector, events: r.events }, null, 1));
      return 0;
    }
    console.log(`${r.source}: ${r.frames} frames, ${r.events.length} events with event frames (detector ${r.detector})`);
    for (const e of r.events) {
      const used = e.frames.map((f) => `#${f.index}@${(f.offsetMs / 1000).toFixed(1)}s ${f.score < 0 ? '-' : f.score.toFixed(2)}`).join(', ');
      console.log(`  event ${e.event}  ${e.startS.toFixed(2)} s - ${e.endS === null ? 'open' : e.endS.toFixed(2) + ' s'}  ${e.verdict}${e.alert ? ' (alert)' : ''}  best ${e.bestScore.toFixed(2)}  frames: ${used}`);
    }
    return 0;
  } finally {
    await detector.close();
  }
}
