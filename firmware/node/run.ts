/**
 * Runs the device app on a stream of inputs (frames with their clock, MQTT messages, reboots) in
 * one of two runtimes, and collects what it published:
 * - 'node': the TypeScript app itself (firmware/app) in this process, with ports in Node;
 * - 'embedded': the ES5 bundle (dist/firmware/<board>.js) inside the desktop firmware runtime
 *   (C + Duktape 2.7, capped heap), spawned as a child process and fed through a pipe.
 * Both must publish byte-identical messages for the same inputs: that is what proves the bundle
 * runs the same in an embedded engine (test/firmware/identity.test.ts).
 *
 * @example
 *   const run = await runFirmware(inputs, { runtime: 'embedded', width: 80, height: 60, settings: { camera: 'porch' } });
 *   run.publishes.filter((p) => p.topic.endsWith('/event'))
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FirmwareApp } from '../app/app.ts';
import { appOptionsFromBoard } from '../app/board-options.ts';
import { loadBoard, type BoardProfile } from '../../boards/schema.ts';
import { NodePorts } from './node-ports.ts';
import { isValidCameraId } from '../../src/protocol/ids.ts';
import { bytesToHex, demoCameraSecret } from '../../src/protocol/mac.ts';
import { ensureRuntime } from './runtime-binary.ts';
import { encodeInput, OutputDecoder, type FirmwareInput, type FirmwareOutput } from './wire.ts';

export type RuntimeName = 'node' | 'embedded';

export interface FirmwareRunOptions {
  runtime: RuntimeName;
  /** Board profile name or profile; default 'desktop'. */
  board?: string | BoardProfile;
  /** Grey frame size (the camera port's width x height). */
  width: number;
  height: number;
  /** Raw view size the camera port reports (0 = none). */
  viewWidth?: number;
  viewHeight?: number;
  /** Persistent settings at first boot; must hold `camera`; `secret` (64 hex) defaults to the camera's demo secret. */
  settings?: Record<string, string>;
  /** Drop info-level logs. */
  quietLogs?: boolean;
  /** Embedded only: the bundle to run (default: built now into dist/firmware/<board>.js if stale). */
  bundleFile?: string;
  /** Embedded only: heap cap in bytes (default: the profile's memory.engineHeapBytes; 0 = none). */
  heapCap?: number;
  /** Embedded only: a script defining `qcbare.step()`, run after each app step (bench/firmware.ts). */
  bareFile?: string;
  /** Embedded only: define the qcprof.slotN trampolines (bench/firmware.ts). */
  profile?: boolean;
  /** Embedded only: leave out ports.kernels, so the app runs the TypeScript per-pixel loops. */
  noKernels?: boolean;
  /** Embedded only: extra arguments before the runtime's own (e.g. valgrind). */
  wrap?: string[];
}

export interface FirmwareRun {
  runtime: RuntimeName;
  outputs: FirmwareOutput[];
  publishes: Extract<FirmwareOutput, { kind: 'publish' }>[];
  logs: Extract<FirmwareOutput, { kind: 'log' }>[];
  /** The app's stats() at the end. */
  app: Record<string, number>;
  /** Embedded only: the runtime's heap figures (bytes). */
  heap?: Record<string, unknown>;
  /** Settings as they are at the end (node only; the embedded runtime keeps them in the child). */
  settings?: Record<string, string>;
}

export class FirmwareRunError extends Error {
  constructor(message: string, readonly status: number | null, readonly outputs: FirmwareOutput[]) {
    super(message);
    this.name = 'FirmwareRunError';
  }
}

export function profileOf(b: FirmwareRunOptions['board']): BoardProfile {
  if (!b) return loadBoard('desktop');
  return typeof b === 'string' ? loadBoard(b) : b;
}

function finish(runtime: RuntimeName, outputs: FirmwareOutput[], app: Record<string, number>): FirmwareRun {
  return {
    runtime,
    outputs,
    publishes: outputs.filter((o): o is Extract<FirmwareOutput, { kind: 'publish' }> => o.kind === 'publish'),
    logs: outputs.filter((o): o is Extract<FirmwareOutput, { kind: 'log' }> => o.kind === 'log'),
    app,
  };
}

async function runNode(inputs: Iterable<FirmwareInput> | AsyncIterable<FirmwareInput>, o: FirmwareRunOptions, board: BoardProfile): Promise<FirmwareRun> {
  const outputs: FirmwareOutput[] = [];
  const settings = new Map(Object.entries(o.settings ?? {}));
  const ports = new NodePorts({
    width: o.width, height: o.height, viewWidth: o.viewWidth, viewHeight: o.viewHeight,
    externalBytes: board.memory.externalBytes, settings, outputs, quietLogs: o.quietLogs,
  });
  const options = appOptionsFromBoard(board);
  let app = new FirmwareApp(ports.ports, options);
  for await (const r of inputs) {
    if (r.kind === 'frame') {
      ports.setFrame(r.wallMs, r.ticksMs, r.grey, r.view);
      if (ports.takeConnected()) app.reconnected(); // qc_host_frame's order: connection, messages, step
      for (let m = ports.pop(); m; m = ports.pop()) app.receive(m.topic, m.payload);
      app.step();
    } else if (r.kind === 'message') {
      ports.push(r.topic, r.payload);
    } else if (r.kind === 'connected') {
      ports.markConnected();
    } else {
      ports.resetExternal();
      app = new FirmwareApp(ports.ports, options);
    }
  }
  const run = finish('node', outputs, app.stats() as unknown as Record<string, number>);
  run.settings = Object.fromEntries(settings);
  return run;
}

/** The desktop runtime's command line for these options (also the Xtensa build's: firmware/xtensa/build.ts). */
export function runtimeArgs(o: FirmwareRunOptions, board: BoardProfile, bundle: string): string[] {
  const args = [
    '--bundle', bundle, '--width', String(o.width), '--height', String(o.height),
    '--heap', String(o.heapCap ?? board.memory.engineHeapBytes), '--external', String(board.memory.externalBytes),
    '--view-width', String(o.viewWidth ?? 0), '--view-height', String(o.viewHeight ?? 0),
  ];
  for (const [k, v] of Object.entries(o.settings ?? {})) args.push('--set', `${k}=${v}`);
  if (o.bareFile) args.push('--bare', o.bareFile);
  if (o.quietLogs) args.push('--quiet-logs');
  if (o.profile) args.push('--profile');
  if (o.noKernels) args.push('--no-kernels');
  return args;
}

async function runEmbedded(inputs: Iterable<FirmwareInput> | AsyncIterable<FirmwareInput>, o: FirmwareRunOptions, board: BoardProfile): Promise<FirmwareRun> {
  const bin = ensureRuntime();
  // the builder (typescript, esbuild, acorn: ~85 MB) loads only here, not in a process running the app in Node
  const bundle = o.bundleFile ?? (await import('./bundle.ts')).firmwareBundle(board.name);
  readFileSync(bundle); // fail early and clearly when missing
  const args = runtimeArgs(o, board, bundle);
  const cmd = o.wrap && o.wrap.length ? o.wrap[0] : bin;
  const cmdArgs = o.wrap && o.wrap.length ? [...o.wrap.slice(1), bin, ...args] : args;
  const child = spawn(cmd, cmdArgs, { stdio: ['pipe', 'pipe', 'pipe'] });
  const decoder = new OutputDecoder();
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => decoder.push(d));
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  let exited = false;
  child.on('exit', () => (exited = true));
  child.stdin.on('error', () => { /* EPIPE when the runtime stopped early: its status says why */ });
  for await (const r of inputs) {
    if (exited) break;
    if (!child.stdin.write(encodeInput(r, o.width, o.height))) {
      await new Promise<void>((resolve) => {
        const done = () => { child.stdin.off('drain', done); child.off('exit', done); resolve(); };
        child.stdin.once('drain', done);
        child.once('exit', done);
      });
    }
  }
  child.stdin.end();
  const status = await closed;
  const res = decoder.result;
  if (status !== 0 || res.error || !res.stats) {
    const why = res.error ?? (stderr.trim() || 'no stats record');
    throw new FirmwareRunError(`qc-runtime exited with status ${status}: ${why}`, status, res.outputs);
  }
  const { app, ...heap } = res.stats as { app: Record<string, number> } & Record<string, unknown>;
  const run = finish('embedded', res.outputs, app);
  run.heap = heap;
  return run;
}

/** Run the app on `inputs` in the chosen runtime. Throws FirmwareRunError when the embedded runtime fails. */
export async function runFirmware(inputs: Iterable<FirmwareInput> | AsyncIterable<FirmwareInput>, o: FirmwareRunOptions): Promise<FirmwareRun> {
  const board = profileOf(o.board);
  const run = { ...o, settings: withSecret(o.settings) };
  return o.runtime === 'node' ? runNode(inputs, run, board) : runEmbedded(inputs, run, board);
}

/**
 * Settings with the camera's MAC secret: the one given, else the camera's demo secret
 * (src/protocol/mac.ts demoCameraSecret), so a run signs what a demo camera of the relay expects.
 */
export function withSecret(settings: Record<string, string> | undefined): Record<string, string> {
  const s = { ...settings };
  if (s.secret === undefined && s.camera && isValidCameraId(s.camera)) s.secret = bytesToHex(demoCameraSecret(s.camera), 0, 32);
  return s;
}
