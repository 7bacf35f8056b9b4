/**
 * `quietcam web`: the owner pages (accounts, cameras, consent, Data Integrity Zone, access log).
 *
 *   quietcam web [--config FILE] [--local] [--host H] [--port N] [--tls-proxy]
 *   quietcam web grant-reviewer USERNAME [--config FILE]
 *
 * --config FILE  the relay's JSON config (database, bucket, broker); also QUIETCAM_* env vars
 * --local        also start the relay with its embedded broker and S3 endpoint (the demo)
 * --host, --port where to listen (default 127.0.0.1:8080)
 * --tls-proxy    behind a TLS-terminating proxy: `__Host-` Secure cookies, X-Forwarded-* trusted,
 *                any host allowed. Without it the pages serve plain HTTP on a loopback host only,
 *                with the documented fallback cookie name (README.md).
 * QUIETCAM_BOARD_BROKER_URL  the broker address a paired camera's provisioning file gets
 *                (e.g. mqtts://home.lan:8883; default mqtt://<the host the pages were opened with>:1883)
 * Exit code 0 after SIGINT/SIGTERM, 2 on bad arguments or config, 1 on other failures.
 */
import { loadConfig, type RelayConfig } from '../src/relay/config.js';
import { openWebDb } from '../src/web/adapters/sqlite-db.js';
import { SqliteAccounts } from '../src/web/adapters/sqlite-accounts.js';
import type { WebConfigInput } from '../src/web/config.js';
import { startWebServer } from '../src/web/server.js';

export const USAGE = 'quietcam web [--config FILE] [--local] [--host H] [--port N] [--tls-proxy] | quietcam web grant-reviewer USERNAME';

interface Args { config?: string; local: boolean; host?: string; port?: number; tlsProxy: boolean; grant?: string }

function parse(args: string[]): Args | string {
  const out: Args = { local: false, tlsProxy: false };
  const value = (i: number, name: string) => {
    const v = args[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${name} needs a value`);
    return v;
  };
  try {
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a === '--config') out.config = value(i++, a);
      else if (a === '--host') out.host = value(i++, a);
      else if (a === '--port') {
        const p = Number(value(i++, a));
        if (!Number.isInteger(p) || p < 0 || p > 65535) return '--port needs 0-65535';
        out.port = p;
      } else if (a === '--local') out.local = true;
      else if (a === '--tls-proxy') out.tlsProxy = true;
      else if (a === 'grant-reviewer' && i === 0) out.grant = value(i++, a);
      else return `unknown argument '${a}'`;
    }
  } catch (err) {
    return (err as Error).message;
  }
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
  const web: WebConfigInput = {
    host: o.host ?? '127.0.0.1',
    port: o.port ?? 8080,
    cookies: o.tlsProxy ? 'secure' : 'insecure-localhost',
    trustProxy: o.tlsProxy,
    // the broker address written into a new camera's provisioning file (default: this host, port 1883)
    ...(process.env.QUIETCAM_BOARD_BROKER_URL ? { boardBrokerUrl: process.env.QUIETCAM_BOARD_BROKER_URL } : {}),
  };
  let stopStack: (() => Promise<void>) | null = null;
  try {
    if (o.local) {
      const { startStack } = await import('../src/relay/stack.js');
      const stack = await startStack({ config: relay });
      stopStack = () => stack.stop();
      relay = stack.relay.config;
      console.log(`relay ready: broker ${stack.brokerUrl}, S3 ${stack.s3Endpoint}/${stack.bucket}`);
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
    const msg = (err as Error).message;
    console.error(`quietcam web: ${msg}`);
    return /web config/.test(msg) ? 2 : 1;
  }
}
