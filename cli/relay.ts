/**
 * `quietcam relay [--config FILE] [--local]`: run the relay until SIGINT/SIGTERM.
 * --config FILE  JSON config (README.md); also $QUIETCAM_RELAY_CONFIG and QUIETCAM_* env vars
 * --local        also start the embedded broker (aedes) and S3 endpoint (s3rver) on 127.0.0.1
 * Prints one line `relay ready ...` once subscribed. Exit code 0 after a signal, 1 when the
 * relay failed (its store), 2 on bad arguments or config.
 * Runs on its own too: `node --import tsx cli/relay.ts --config relay.json`.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serviceLogin } from '../src/adapters/broker-users.js';
import { loadConfig } from '../src/relay/config.js';
import { startRelay } from '../src/relay/main.js';
import type { Relay } from '../src/relay/relay.js';

export const USAGE = 'quietcam relay [--config FILE] [--local]';

function parse(args: string[]): { config?: string; local: boolean } | string {
  const out: { config?: string; local: boolean } = { local: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--config') {
      if (!args[i + 1]) return '--config needs a file';
      out.config = args[++i];
    } else if (a.startsWith('--config=')) out.config = a.slice(9);
    else if (a === '--local') out.local = true;
    else return `unknown argument '${a}'`;
  }
  return out;
}

/** Resolves when the relay stops: after SIGINT/SIGTERM (0) or a store failure (1). */
export async function run(args: string[]): Promise<number> {
  const opts = parse(args);
  if (typeof opts === 'string') {
    console.error(`quietcam relay: ${opts}\nUsage: ${USAGE}`);
    return 2;
  }
  let config;
  try {
    config = loadConfig({ file: opts.config });
  } catch (err) {
    console.error(`quietcam relay: ${(err as Error).message}`);
    return 2;
  }
  let relay: Relay;
  let stopAll: () => Promise<void>;
  if (opts.local) {
    const { startStack } = await import('../src/relay/stack.js');
    const stack = await startStack({ config: { ...config, cameras: config.cameras } });
    relay = stack.relay;
    stopAll = () => stack.stop();
    console.log(`relay ready: broker ${stack.brokerUrl}, S3 ${stack.s3Endpoint} bucket ${stack.bucket}, status ${relay.statusUrl ?? 'off'}, data ${config.dataDir}`);
  } else {
    // no login configured: the `quietcam-relay` one in <dataDir>/broker-users.json (what `quietcam broker-config` gives mosquitto)
    config.broker = { ...config.broker, ...serviceLogin(config.dataDir, 'relay', config.broker) }; // clientId quietcam-relay-<n>: that username
    relay = await startRelay({ config });
    stopAll = () => relay.stop();
    console.log(`relay ready: broker ${config.broker.url}, bucket ${config.s3.bucket} at ${config.s3.endpoint ?? 'AWS ' + config.s3.region}, status ${relay.statusUrl ?? 'off'}, data ${config.dataDir}`);
  }
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
