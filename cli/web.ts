/**
 * `quietcam web`: the owner pages (accounts, cameras, consent, Data Integrity Zone, access log).
 *
 *   quietcam web [--config FILE] [--local] [--host H] [--port N] [--tls-proxy]
 *                [--broker-port N] [--s3-port N] [--status-port N|off]
 *   quietcam web grant-reviewer USERNAME [--config FILE]
 *
 * --config FILE  the relay's JSON config (database, bucket, broker); also QUIETCAM_* env vars
 * --local        also start the relay with its embedded broker and S3 endpoint (the demo), with
 *                smart alerts (the person detector loaded); --no-alerts: without them
 * --host, --port where to listen (default 127.0.0.1:8080; the port also QUIETCAM_WEB_PORT)
 * --broker-port, --s3-port, --status-port  with --local: the stack's ports (cli/listen-ports.ts;
 *                also QUIETCAM_BROKER_PORT, QUIETCAM_S3_PORT, QUIETCAM_STATUS_PORT)
 * --tls-proxy    behind a TLS-terminating proxy: `__Host-` Secure cookies, X-Forwarded-* trusted,
 *                any host allowed. Without it the pages serve plain HTTP on a loopback host only,
 *                with the documented fallback cookie name (README.md).
 * QUIETCAM_BOARD_BROKER_URL  the broker address a paired camera's provisioning file gets
 *                (e.g. mqtts://home.lan:8883; default mqtt://<the host the pages were opened with>:1883)
 * A taken port is an error naming it and its flag, checked before anything starts.
 * Exit code 0 after SIGINT/SIGTERM, 2 on bad arguments or config or a taken port, 1 on other failures.
 */
import { parseArgs } from 'node:util';
import { loadConfig, type RelayConfig } from '../src/relay/config.js';
import { openWebDb } from '../src/web/adapters/sqlite-db.js';
import { SqliteAccounts } from '../src/web/adapters/sqlite-accounts.js';
import { resolveWebConfig, type WebConfigInput } from '../src/web/config.js';
import { startWebServer } from '../src/web/server.js';
import { checkPortsFree, listenErrorMessage, portFlags, PortUsageError, resolvePort, type PlannedPort } from './listen-ports.js';

export const USAGE = 'quietcam web [--config FILE] [--local [--no-alerts]] [--host H] [--port N] [--tls-proxy] [--broker-port N] [--s3-port N] [--status-port N|off] | quietcam web grant-reviewer USERNAME';

interface Args { config?: string; local: boolean; alerts: boolean; host?: string; tlsProxy: boolean; grant?: string; ports: Record<string, string | undefined> }

function parse(args: string[]): Args | string {
  try {
    const { values, positionals } = parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: {
        config: { type: 'string' },
        host: { type: 'string' },
        local: { type: 'boolean', default: false },
        'no-alerts': { type: 'boolean', default: false },
        'tls-proxy': { type: 'boolean', default: false },
        ...portFlags(['web', 'broker', 's3', 'status']),
      },
    });
    const v = values as Record<string, string | boolean | undefined>;
    const out: Args = { config: v.config as string | undefined, host: v.host as string | undefined, local: v.local === true, alerts: v['no-alerts'] !== true, tlsProxy: v['tls-proxy'] === true, ports: {} };
    for (const flag of ['port', 'broker-port', 's3-port', 'status-port']) out.ports[flag] = v[flag] as string | undefined;
    if (positionals.length > 0) {
      if (positionals[0] !== 'grant-reviewer' || args[0] !== 'grant-reviewer') return `unknown argument '${positionals[0]}'`;
      if (positionals.length !== 2) return positionals.length < 2 ? 'grant-reviewer needs a value' : `unknown argument '${positionals[2]}'`;
      out.grant = positionals[1];
    }
    if (!out.local && ['broker-port', 's3-port', 'status-port'].some((f) => out.ports[f] !== undefined)) {
      return '--broker-port, --s3-port and --status-port need --local (the relay is not started here otherwise)';
    }
    if (!out.local && !out.alerts) return '--no-alerts needs --local (the relay, which runs the alerts, is not started here otherwise)';
    return out;
  } catch (err) {
    return (err as Error).message;
  }
}

/** The ports this run opens: the pages, and with --local the broker, S3 and the status page. */
function plan(o: Args, web: { host: string; port: number }, relay: RelayConfig, env: Record<string, string | undefined>): PlannedPort[] {
  const out: PlannedPort[] = [];
  if (o.local) {
    out.push({ name: 'broker', host: '127.0.0.1', port: resolvePort('broker', o.ports['broker-port'], env)! });
    out.push({ name: 's3', host: '127.0.0.1', port: resolvePort('s3', o.ports['s3-port'], env)! });
    const status = resolvePort('status', o.ports['status-port'], {}, relay.status.port);
    if (status !== null) out.push({ name: 'status', host: relay.status.host, port: status });
  }
  out.push({ name: 'web', host: web.host, port: web.port });
  return out;
}

export async function run(args: string[]): Promise<number> {
  const o = parse(args);
  if (typeof o === 'string') {
    console.error(`quietcam web: ${o}\nUsage: ${USAGE}`);
    return 2;
  }
  let relay: RelayConfig;
  try {
    relay = loadConfig({ file: o.config });
  } catch (err) {
    console.error(`quietcam web: ${(err as Error).message}`);
    return 2;
  }
  if (o.grant) {
    const db = openWebDb(`${relay.dataDir}/relay.db`);
    const accounts = new SqliteAccounts(db);
    const a = accounts.byUsername(o.grant.toLowerCase());
    if (a) accounts.setRole(a.id, 'reviewer');
    db.close();
    console.log(a ? `${a.username} is now a reviewer (every view they make is shown to the owner)` : `no account '${o.grant}'`);
    return a ? 0 : 1;
  }
  let web: WebConfigInput;
  let ports: PlannedPort[];
  try {
    web = {
      host: o.host ?? '127.0.0.1',
      port: resolvePort('web', o.ports.port, process.env)!,
      cookies: o.tlsProxy ? 'secure' : 'insecure-localhost',
      trustProxy: o.tlsProxy,
      // the broker address written into a new camera's provisioning file (default: this host, port 1883)
      ...(process.env.QUIETCAM_BOARD_BROKER_URL ? { boardBrokerUrl: process.env.QUIETCAM_BOARD_BROKER_URL } : {}),
    };
    resolveWebConfig(web); // a bad host/cookie combination is refused before any port is touched
    ports = plan(o, { host: web.host!, port: web.port! }, relay, process.env);
  } catch (err) {
    console.error(`quietcam web: ${(err as Error).message}${err instanceof PortUsageError ? `\nUsage: ${USAGE}` : ''}`);
    return 2;
  }
  const taken = await checkPortsFree(ports);
  if (taken) {
    console.error(`quietcam web: ${taken}`);
    return 2;
  }
  let stopStack: (() => Promise<void>) | null = null;
  try {
    if (o.local) {
      const { startStack } = await import('../src/relay/stack.js');
      const port = (name: PlannedPort['name']) => ports.find((p) => p.name === name)?.port;
      const stack = await startStack({ config: relay, brokerPort: port('broker'), s3Port: port('s3'), statusPort: port('status') ?? null, ...(o.alerts ? {} : { alerts: false }) });
      stopStack = () => stack.stop();
      relay = stack.relay.config;
      console.log(`relay ready: broker ${stack.brokerUrl}, S3 ${stack.s3Endpoint}/${stack.bucket}, status ${stack.relay.statusUrl ?? 'off'}, alerts ${stack.relay.alerts ? 'on' : 'off'}`);
    }
    const server = await startWebServer({ relay, web });
    console.log(`web ready: ${server.url}${o.tlsProxy ? ' (behind a TLS proxy: open it through the proxy\'s https:// address)' : ' (plain HTTP, this machine only)'}`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await server.close();
    await stopStack?.();
    return 0;
  } catch (err) {
    await stopStack?.();
    const inUse = listenErrorMessage(err, ports);
    if (inUse) {
      console.error(`quietcam web: ${inUse}`);
      return 2;
    }
    const msg = (err as Error).message;
    console.error(`quietcam web: ${msg}`);
    return /web config/.test(msg) ? 2 : 1;
  }
}
