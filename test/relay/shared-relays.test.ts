/**
 * Scale by processes: 3 relays on one Debian mosquitto through the MQTT 5 shared subscription
 * `$share/relays/quietcam/+/bundle`, sharing one SQLite file (journal and outbox). The broker hands
 * each chunk to any relay, so a bundle's chunks land on several; one relay is SIGKILLed mid-run and
 * restarted (same client id: the broker redelivers what it had not acknowledged), the others take
 * over its leased uploads. Every bundle ends up in S3 exactly once, the outbox and journal empty.
 */
import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connectPublisher } from '../../src/adapters/mqtt-publisher.js';
import { S3RVER_CREDENTIALS } from '../../src/adapters/s3rver-endpoint.js';
import { loadConfig } from '../../src/relay/config.js';
import { makeBundle, testJpeg } from './helpers/bundles.js';
import { freePort, sleep, tempDir, waitFor } from './helpers/env.js';
import { startMosquitto } from './helpers/mosquitto.js';
import { slowProxy } from './helpers/proxy.js';
import { camera } from './helpers/relay.js';
import { sigkill, startRelayProcess, stopProcessWorld, type RelayProcess } from './helpers/relay-spawn.js';
import { expectedKeys, listKeys } from './helpers/s3.js';
import { BUCKET, reader, startTestS3 } from './helpers/world.js';

const ENTRY = new URL('./helpers/relay-process.ts', import.meta.url).pathname;

const start = (configFile: string) => startRelayProcess(ENTRY, [configFile], 30000, 'a relay process to start');

test('3 relays on shared subscriptions, one SIGKILLed and restarted: every bundle in S3 exactly once', async () => {
  const tmp = tempDir();
  const broker = await startMosquitto(tmp.dir);
  const s3 = await startTestS3(tmp.dir);
  const proxy = await slowProxy(s3.port, 50); // uploads take a while: some are in flight at the kill
  const cams = ['porch', 'yard', 'gate', 'shed', 'drive'];
  const statusPorts = [await freePort(), await freePort(), await freePort()];
  const chunksReceived = async (n: number) => {
    try {
      return ((await (await fetch(`http://127.0.0.1:${statusPorts[n - 1]}/status`)).json()) as { counts: { chunksReceived: number } }).counts.chunksReceived;
    } catch {
      return -1;
    }
  };
  const configFile = (n: number) => {
    const file = join(tmp.dir, `relay-${n}.json`);
    writeFileSync(file, JSON.stringify({
      dataDir: join(tmp.dir, 'relay'),
      broker: { url: broker.url, clientId: `quietcam-relay-${n}`, shareGroup: 'relays', reconnectMs: 200 },
      s3: { endpoint: `http://127.0.0.1:${proxy.port}`, ...S3RVER_CREDENTIALS },
      upload: { concurrency: 2, retryBaseMs: 100, retryMaxMs: 1000, leaseMs: 2000 },
      // 6 bundles per camera are published at once (a board sends one at a time): room for them all
      reassembly: { maxPerCamera: 8 },
      status: { port: statusPorts[n - 1] },
      cameras: cams.map((c) => camera(c)),
    }));
    return file;
  };
  const relays: RelayProcess[] = [];
  const pub = await connectPublisher({ url: broker.url, chunkSize: 1024 });
  try {
    for (const n of [1, 2, 3]) relays.push(await start(configFile(n)));
    const jpeg = await testJpeg();
    const bundles = Array.from({ length: 45 }, (_, i) => makeBundle({ cameraId: cams[i % cams.length], bundleId: `s-${i}`, jpeg }));
    const client = reader(loadConfig({ env: {}, overrides: { s3: { endpoint: s3.endpoint, ...S3RVER_CREDENTIALS } } }));
    await Promise.all(bundles.slice(0, 30).map((b) => pub.publish(b)));
    await waitFor(async () => (await listKeys(client, BUCKET, 'contributions/')).length >= 6 * 3, 30000, 'a few uploads', 50);
    for (const n of [1, 2, 3]) assert.ok((await chunksReceived(n)) > 0, `relay ${n} got a share of the chunks`);
    assert.is(await sigkill(relays[1].child), 'SIGKILL');
    await Promise.all(bundles.slice(30).map((b) => pub.publish(b))); // while it is dead
    await sleep(500);
    relays[1] = await start(configFile(2));

    const want = expectedKeys('alice', bundles);
    await waitFor(async () => (await listKeys(client, BUCKET, 'contributions/')).length >= want.length, 40000, 'all objects', 200);
    assert.equal(await listKeys(client, BUCKET, 'contributions/'), want);
    client.destroy();
    const db = new Database(join(tmp.dir, 'relay', 'relay.db'), { readonly: true });
    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    await waitFor(() => count('SELECT count(*) AS n FROM outbox') === 0, 10000, 'an empty outbox');
    assert.is(count('SELECT count(*) AS n FROM contributions'), bundles.length, 'one index row per bundle');
    assert.is(count('SELECT count(*) AS n FROM journal'), 0, 'no chunk left behind');
    db.close();
  } finally {
    await stopProcessWorld({ children: relays.map((r) => r.child), pub, proxy, broker, s3, tmp });
  }
});

test.run();
