/**
 * `quietcam relay [--config FILE] [--local] [--broker-port N] [--s3-port N] [--status-port N|off]`:
 * run the relay until SIGINT/SIGTERM.
 * --config FILE  JSON config (README.md); also $QUIETCAM_RELAY_CONFIG and QUIETCAM_* env vars
 * --local        also start the embedded broker (aedes) and S3 endpoint (s3rver) on 127.0.0.1, and
 *                smart alerts (the person detector loaded; --no-alerts: without them)
 * --alerts       without --local: smart alerts on the configured broker (2 detector worker threads)
 * Ports (cli/listen-ports.ts): --broker-port / QUIETCAM_BROKER_PORT (1883) and --s3-port /
 * QUIETCAM_S3_PORT (4568) with --local; --status-port / QUIETCAM_STATUS_PORT (config status.port).
 * A taken port is an error naming it and its flag, checked before anything starts.
 * Prints one line `relay ready ...` once subscribed. Exit code 0 after a signal, 1 when the
 * relay failed (its store; a full or read-only disk pauses it instead: src/relay/storage.ts),
 * 2 on bad arguments or config or a taken port.
 * Runs on its own too: `node --import tsx cli/relay.ts --config relay.json`.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { serviceLogin } from '../src/adapters/broker-users.js';
import { loadConfig, type RelayConfig } from '../src/relay/config.js';
import { startRelay } from '../src/relay/main.js';
import type { Relay } from '../src/relay/relay.js';
import { checkPortsFree, listenErrorMessage, portFlags, PortUsageError, resolvePort, type PlannedPort } from './listen-ports.js';

export const USAGE = 'quietcam relay [--config FILE] [--local] [--broker-port N] [--s3-port N] [--status-port N|off] [--alerts | --no-alerts]';

interface Args { config?: string; local: boolean; brokerPort?: string; s3Port?: string; statusPort?: string; alerts: boolean; noAlerts: boolean }

function parse(args: string[]): Args | string {
  try {
    const { values } = parseArgs({
      args,
      strict: true,
      options: { config: { type: 'string' }, local: { type: 'boolean', default: false }, alerts: { type: 'boolean', default: false }, 'no-alerts': { type: 'boolean', default: false }, ...portFlags(['broker', 's3', 'status']) },
    });
    const v = values as Record<string, string | boolean | undefined>;
    const out: Args = { config: v.config as string | undefined, local: v.local === true, brokerPort: v['broker-port'] as string | undefined, s3Port: v['s3-port'] as string | undefined, statusPort: v['status-port'] as string | undefined, alerts: v.alerts === true, noAlerts: v['no-alerts'] === true };
    if (out.alerts && out.noAlerts) return '--alerts and --no-alerts contradict each other';
    if (out.local && out.alerts) return '--alerts is the default with --local (--no-alerts turns it off)';
    if (!out.local && (out.brokerPort !== undefined || out.s3Port !== undefined)) return '--broker-port and --s3-port need --local (without it the relay uses config broker.url and s3.endpoint)';
    return out;
  } catch (err) {
    return (err as Error).message;
  }
}

/** The ports this run opens, from flags, env and config: broker and S3 only with --local. */
function plan(opts: Args, config: RelayConfig, env: Record<string, string | undefined>): PlannedPort[] {
  const out: PlannedPort[] = [];
  if (opts.local) {
    out.push({ name: 'broker', host: '127.0.0.1', port: resolvePort('broker', opts.brokerPort, env)! });
    out.push({ name: 's3', host: '127.0.0.1', port: resolvePort('s3', opts.s3Port, env)! });
  }
  // QUIETCAM_STATUS_PORT is already in `config` (loadConfig reads it); the flag wins over both.
  const status = resolvePort('status', opts.statusPort, {}, config.status.port);
  if (status !== null) out.push({ name: 'status', host: config.status.host, port: status });
  return out;
}

async function startServices(opts: Args, config: RelayConfig, ports: PlannedPort[]): Promise<{ relay: Relay; stopAll: () => Promise<void> }> {
  const port = (name: PlannedPort['name']) => ports.find((p) => p.name === name)?.port;
  const status = { ...config.status, port: port('status') ?? null };
  if (opts.local) {
    const { startStack } = await import('../src/relay/stack.js');
    const stack = await startStack({ config: { ...config, cameras: config.cameras }, brokerPort: port('broker'), s3Port: port('s3'), statusPort: status.port, ...(opts.noAlerts ? { alerts: false as const } : {}) });
    console.log(`relay ready: broker ${stack.brokerUrl}, S3 ${stack.s3Endpoint} bucket ${stack.bucket}, status ${stack.relay.statusUrl ?? 'off'}, alerts ${stack.relay.alerts ? 'on' : 'off'}, data ${config.dataDir}`);
    return { relay: stack.relay, stopAll: () => stack.stop() };
  }
  // no login configured: the `quietcam-relay` one in <dataDir>/broker-users.json (what `quietcam broker-config` gives mosquitto)
  config.broker = { ...config.broker, ...serviceLogin(config.dataDir, 'relay', config.broker) }; // clientId quietcam-relay-<n>: that username
  // --alerts: event frames -> person detector (2 worker threads) -> 7-day history (src/alerts/README.md)
  const relay = await startRelay({ config: { ...config, status }, alerts: opts.alerts ? {} : false });
  console.log(`relay ready: broker ${config.broker.url}, bucket ${config.s3.bucket} at ${config.s3.endpoint ?? 'AWS ' + config.s3.region}, status ${relay.statusUrl ?? 'off'}, data ${config.dataDir}`);
  return { relay, stopAll: () => relay.stop() };
}

/** Resolves when the relay stops: after SIGINT/SIGTERM (0) or a store failure (1). */
export async function run(args: string[]): Promise<number> {
  const opts = parse(args);
  if (typeof opts === 'string') {
    console.error(`quietcam relay: ${opts}\nUsage: ${USAGE}`);
    return 2;
  }
  let config: RelayConfig;
  let ports: PlannedPort[];
  try {
    config = loadConfig({ file: opts.config });
    ports = plan(opts, config, process.env);
  } catch (err) {
    console.error(`quietcam relay: ${(err as Error).message}${err instanceof PortUsageError ? `\nUsage: ${USAGE}` : ''}`);
    return 2;
  }
  const taken = await checkPortsFree(ports);
  if (taken) {
    console.error(`quietcam relay: ${taken}`);
    return 2;
  }
  let started: { relay: Relay; stopAll: () => Promise<void> };
  try {
    started = await startServices(opts, config, ports);
  } catch (err) {
    const msg = listenErrorMessage(err, ports);
    if (!msg) throw err;
    console.error(`quietcam relay: ${msg}`);
    return 2;
  }
  const { relay, stopAll } = started;
  return new Promise<number>((resolve) => {
    let done = false;
    const finish = async (code: number) => {
      if (done) return;
      done = true;
      await stopAll();
      resolve(code);
    };
    process.once('SIGINT', () => void finish(0));
    process.once('SIGTERM', () => void finish(0));
    relay.once('failed', () => void finish(1));
  });
}

const isMain = (() => {
  try {
    return !!process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
})();
if (isMain) process.exitCode = await run(process.argv.slice(2));
