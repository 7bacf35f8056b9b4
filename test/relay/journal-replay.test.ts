/**
 * Chunks of a partial bundle are journalled in SQLite before their acknowledgement: a relay that
 * stops mid-bundle picks the bundle up again from the journal, and the rest of its chunks (held
 * by the broker meanwhile) complete it.
 */
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bundleTopic, chunkBundle, demoCameraSecret, encodeBundle, macKey } from '../../src/protocol/index.js';
import { resolveConfig } from '../../src/relay/config.js';
import { silentLogger } from '../../src/log.js';
import { startRelay } from '../../src/relay/main.js';
import type { Relay } from '../../src/relay/relay.js';
import { makeBundle, testJpeg } from './helpers/bundles.js';
import { tempDir } from './helpers/env.js';
import { camera, MemoryBucket } from './helpers/relay.js';

test('a bundle half-received before a restart completes after it', async () => {
  const tmp = tempDir();
  const config = resolveConfig({ dataDir: join(tmp.dir, 'relay'), status: { port: null }, cameras: [camera('porch')] });
  const bucket = new MemoryBucket();
  const b = makeBundle({ cameraId: 'porch', bundleId: 'half-1', jpeg: await testJpeg() });
  const chunks = chunkBundle(encodeBundle(b, undefined, macKey(demoCameraSecret('porch'))), { cameraId: 'porch', bundleId: 'half-1', chunkSize: 1024 });
  const send = (r: Relay, c: Uint8Array) => r.handle({ topic: bundleTopic('porch'), payload: c, receivedMs: Date.now() });

  const started: Relay[] = [];
  const start = async () => {
    const r = await startRelay({ config, objects: bucket, log: silentLogger, mqtt: false });
    started.push(r);
    return r;
  };
  try {
    const first = await start();
    const half = Math.floor(chunks.length / 2);
    for (const c of chunks.slice(0, half)) send(first, c);
    assert.is(first.status().counts.partial, 1);
    await first.stop();

    const second = await start();
    assert.is(second.status().counts.partial, 1, 'replayed from the journal');
    send(second, chunks[0]); // a redelivered duplicate
    for (const c of chunks.slice(half)) send(second, c);
    await second.whenIdle();
    const s = second.status();
    assert.is(s.counts.uploaded, 1);
    assert.is(s.counts.chunksDuplicate, 1);
    assert.is(bucket.objects.size, 6);
    await second.stop();

    const third = await start();
    for (const c of chunks) send(third, c); // a late redelivery of the whole bundle
    await third.whenIdle();
    assert.is(third.status().counts.chunksDuplicate, chunks.length, 'known from the index');
    assert.is(third.status().counts.partial, 0);
    assert.is(bucket.puts, 6);
    await third.stop();
  } finally {
    for (const r of started) await r.stop(); // idempotent: a failed assert still ends every relay
    tmp.cleanup();
  }
});

test.run();
