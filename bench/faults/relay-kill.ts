/**
 * Fault: the relay, a process of its own (`quietcam relay --config FILE`, cli/relay.ts), is SIGKILLed
 * `kills` times while bundles arrive and uploads are in flight (S3 slowed by a proxy), and started
 * again on the same data dir each time. Board-like cameras wait for the end-to-end ack; or
 * (`acked` false) plain QoS 1 publishers, done at the broker's PUBACK, so only what the relay keeps
 * on disk saves a bundle: with 1 KiB chunks most kills land amid chunk-spool appends
 * (src/adapters/chunk-spool.ts), and a torn record must cost nothing that was acknowledged.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBroker } from '../../src/adapters/aedes-broker.ts';
import { S3RVER_CREDENTIALS } from '../../src/adapters/s3rver-endpoint.ts';
import { loadConfig } from '../../src/relay/config.ts';
import { sleep, tempDir, waitFor } from '../../test/relay/helpers/env.ts';
import { slowProxy } from '../../test/relay/helpers/proxy.ts';
import { camera } from '../../test/relay/helpers/relay.ts';
import { startTestS3 } from '../../test/relay/helpers/world.ts';
import { bundles, CAMERAS, logins, metaCount, publishers, result, settle, type FaultResult } from './world.ts';

const RELAY = fileURLToPath(new URL('../../cli/relay.ts', import.meta.url));

/** Chunks the restarted relays replayed from disk (their "resumed: N journalled chunks replayed" lines). */
let replayed = 0;

async function startRelayProcess(configFile: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', RELAY, '--config', configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  await waitFor(() => out.includes('relay ready') || child.exitCode !== null, 20000, 'the relay process');
  if (child.exitCode !== null) throw new Error(`relay process exited ${child.exitCode}: ${out.slice(-300)}`);
  replayed += Number(/resumed: (\d+) journalled chunks replayed/.exec(out)?.[1] ?? 0);
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  process.kill(child.pid!, 'SIGKILL');
  await exited;
}

export async function relayKill(n: number, kills = 2, acked = true): Promise<FaultResult> {
  const tmp = tempDir('quietcam-fault-');
  const l = logins(tmp.dir);
  const broker = await startBroker({ port: 0, auth: l.auth() });
  const s3 = await startTestS3(tmp.dir);
  const proxy = await slowProxy(s3.port, 50);
  const configFile = join(tmp.dir, 'relay.json');
  const input = {
    dataDir: join(tmp.dir, 'relay'),
    broker: { url: broker.url, reconnectMs: 200 },
    s3: { endpoint: `http://127.0.0.1:${proxy.port}`, ...S3RVER_CREDENTIALS },
    upload: { concurrency: 2, retryBaseMs: 100, retryMaxMs: 1000 },
    status: { port: null },
    cameras: CAMERAS.map((id) => camera(id)),
  };
  writeFileSync(configFile, JSON.stringify(input));
  const config = loadConfig({ file: configFile, env: {} });
  replayed = 0;
  let relay = await startRelayProcess(configFile);
  const pubs = await publishers(broker.url, l, acked);
  let faultEnd = Date.now();
  try {
    const list = await bundles(n, 'rk');
    const sent: Promise<void>[] = [];
    const at = Array.from({ length: kills }, (_, k) => Math.floor(((k + 1) * n) / (kills + 1)));
    for (let i = 0; i < n; i++) {
      sent.push(pubs.publish(list[i]));
      await sleep(30);
      if (at.includes(i)) {
        await kill(relay);
        relay = await startRelayProcess(configFile);
        faultEnd = Date.now();
      }
    }
    await Promise.race([Promise.all(sent), sleep(30000)]);
    const s = await settle(() => metaCount(config), n, 4000, 30000);
    const what = acked ? 'mid-upload' : 'amid chunk-spool appends, QoS 1 only (no end-to-end ack)';
    return await result(`relay kill -9 x${kills} ${what}`, config, list, faultEnd, s.lastChangeMs, `${acked ? `${pubs.resent()} bundles re-sent` : 'nothing re-sent by the cameras'}; ${replayed} chunks replayed from the spool at the restarts`);
  } finally {
    await pubs.close();
    await kill(relay);
    await broker.stop();
    await proxy.stop();
    await s3.stop();
    tmp.cleanup();
  }
}
