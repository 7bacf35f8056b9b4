/**
 * Fault: the relay, running as its own process (`node --import tsx cli/relay.ts`), is
 * killed with SIGKILL while uploads are in flight (S3 reached through a proxy that delays every
 * request by 100 ms), more bundles arrive while it is dead (the broker queues them for its
 * persistent session), and it is started again on the same data dir: every bundle ends up in S3
 * exactly once, and the outbox, the chunk journal and the chunk spool folder are empty.
 */
import Database from 'better-sqlite3';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startBroker } from '../../src/adapters/aedes-broker.js';
import { connectPublisher } from '../../src/adapters/mqtt-publisher.js';
import { S3RVER_CREDENTIALS } from '../../src/adapters/s3rver-endpoint.js';
import { loadConfig } from '../../src/relay/config.js';
import { testLogins } from './helpers/auth.js';
import { makeBundle, testJpeg } from './helpers/bundles.js';
import { freePort, tempDir, waitFor } from './helpers/env.js';
import { slowProxy } from './helpers/proxy.js';
import { camera } from './helpers/relay.js';
import { sigkill, startRelayProcess, stopProcessWorld } from './helpers/relay-spawn.js';
import { expectedKeys, listKeys } from './helpers/s3.js';
import { BUCKET, reader, startTestS3 } from './helpers/world.js';

const CLI = new URL('../../cli/relay.ts', import.meta.url).pathname;

const start = (configFile: string) => startRelayProcess(CLI, ['--config', configFile], 20000, 'the relay process to start');

interface Status { counts: { uploaded: number; uploading: number; pending: number; accepted: number } }
const status = async (port: number): Promise<Status | null> => {
  try {
    return (await (await fetch(`http://127.0.0.1:${port}/status`)).json()) as Status;
  } catch {
    return null;
  }
};

test('relay SIGKILLed mid-upload and restarted: every bundle in S3 exactly once', async () => {
  const tmp = tempDir();
  // the relay process finds its login in <dataDir>/broker-users.json, as `quietcam relay` does
  const logins = testLogins(join(tmp.dir, 'relay'), ['porch', 'yard', 'gate']);
  const broker = await startBroker({ port: 0, auth: logins.auth() });
  const s3 = await startTestS3(tmp.dir);
  const proxy = await slowProxy(s3.port, 100);
  const statusPort = await freePort();
  const configFile = join(tmp.dir, 'relay.json');
  writeFileSync(configFile, JSON.stringify({
    dataDir: join(tmp.dir, 'relay'),
    broker: { url: broker.url, reconnectMs: 200 },
    s3: { endpoint: `http://127.0.0.1:${proxy.port}`, ...S3RVER_CREDENTIALS },
    upload: { concurrency: 2, retryBaseMs: 100, retryMaxMs: 1000 },
    status: { port: statusPort },
    cameras: [camera('porch'), camera('yard'), camera('gate')],
  }));
  const pubs = Object.fromEntries(await Promise.all(['porch', 'yard', 'gate'].map(async (id) => [id, await connectPublisher({ url: broker.url, chunkSize: 1024, ...logins.cameras[id] })] as const)));
  const pub = { publish: (b: ReturnType<typeof makeBundle>) => pubs[b.cameraId].publish(b), close: () => Promise.all(Object.values(pubs).map((p) => p.close())) };
  let relay = await start(configFile);
  try {
    const jpeg = await testJpeg();
    const cams = ['porch', 'yard', 'gate'];
    const bundles = Array.from({ length: 36 }, (_, i) => makeBundle({ cameraId: cams[i % 3], bundleId: `k-${i}`, jpeg }));
    await Promise.all(bundles.slice(0, 30).map((b) => pub.publish(b)));
    const atKill = await waitFor(async () => {
      const s = await status(statusPort);
      return s && s.counts.uploaded >= 3 && s.counts.uploading >= 1 ? s : null;
    }, 20000, 'uploads in flight', 10);
    assert.is(await sigkill(relay.child), 'SIGKILL');
    assert.ok(atKill.counts.uploaded < 30, `killed with ${atKill.counts.uploaded} of 30 uploaded, ${atKill.counts.uploading} uploading`);

    await Promise.all(bundles.slice(30).map((b) => pub.publish(b))); // while the relay is dead
    relay = await start(configFile);
    assert.match(relay.output(), /relay ready/);
    const client = reader(loadConfig({ env: {}, overrides: { s3: { endpoint: s3.endpoint, ...S3RVER_CREDENTIALS } } }));
    const want = expectedKeys('alice', bundles);
    await waitFor(async () => (await listKeys(client, BUCKET, 'contributions/')).length === want.length, 30000, 'all objects after the restart', 200);
    await waitFor(async () => (await status(statusPort))?.counts.pending === 0, 10000, 'an empty outbox');
    assert.equal(await listKeys(client, BUCKET, 'contributions/'), want);
    client.destroy();

    const exit = new Promise((r) => relay.child.once('exit', (code) => r(code)));
    process.kill(relay.child.pid!, 'SIGTERM');
    assert.is(await exit, 0, 'clean exit on SIGTERM');
    const db = new Database(join(tmp.dir, 'relay', 'relay.db'), { readonly: true });
    const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    assert.is(count('contributions'), 36);
    assert.is(count('outbox'), 0);
    assert.is(count('journal'), 0);
    db.close();
    assert.equal(readdirSync(join(tmp.dir, 'relay', 'spool')), [], 'no spool file left behind');
  } finally {
    await stopProcessWorld({ children: [relay.child], pub, proxy, broker, s3, tmp });
  }
});

test.run();
