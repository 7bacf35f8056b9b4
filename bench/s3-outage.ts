/**
 * Recovery after an S3 outage (was an assert in test/relay/fault-s3-outage.test.ts, which keeps
 * the behaviour: nothing lost, nothing twice). S3 is down for `outageMs`, 16 bundles wait in the
 * outbox; the figure is the time from S3 being back to the outbox being empty. Target: < 12 s
 * with the retry delay capped at 5 s (a bundle waits at most one capped delay, plus the uploads).
 * `npm run bench -- s3-outage`.
 */
import { startBroker } from '../src/adapters/aedes-broker.ts';
import { connectPublisher } from '../src/adapters/mqtt-publisher.ts';
import { makeBundle, testJpeg } from '../test/relay/helpers/bundles.ts';
import { sleep, tempDir, waitFor } from '../test/relay/helpers/env.ts';
import { camera } from '../test/relay/helpers/relay.ts';
import { startTestRelay, startTestS3, stopWorld, testConfig } from '../test/relay/helpers/world.ts';

export async function benchS3Outage(outageMs = 15000): Promise<{ recoveryMs: number; retries: number }> {
  const tmp = tempDir();
  const broker = await startBroker({ port: 0 });
  let s3 = await startTestS3(tmp.dir);
  const config = testConfig(tmp.dir, broker.url, s3.endpoint, [camera('porch')], { upload: { retryBaseMs: 200, retryMaxMs: 5000 } });
  const { relay } = await startTestRelay(config);
  const pub = await connectPublisher({ url: broker.url });
  try {
    const jpeg = await testJpeg();
    const bundles = Array.from({ length: 16 }, (_, i) => makeBundle({ cameraId: 'porch', bundleId: `o-${i}`, jpeg }));
    await s3.stop();
    const downAt = Date.now();
    for (const b of bundles) await pub.publish(b);
    await waitFor(() => relay.status().counts.accepted === 16, 10000, 'all bundles accepted during the outage');
    await sleep(Math.max(0, outageMs - (Date.now() - downAt)));
    s3 = await startTestS3(tmp.dir, s3.port);
    const backAt = Date.now();
    await waitFor(() => relay.status().counts.uploaded === 16, 60000, 'the outbox drained');
    return { recoveryMs: Date.now() - backAt, retries: relay.status().counts.retries };
  } finally {
    await stopWorld({ pub, relay, broker, s3, tmp });
  }
}

export async function main(): Promise<void> {
  const r = await benchS3Outage();
  console.log('\nS3 outage (15 s down, 16 bundles waiting, retry cap 5 s)');
  console.log(`  recovery, S3 back to outbox empty: ${r.recoveryMs} ms (target < 12000 ms: ${r.recoveryMs < 12000 ? 'ok' : 'OVER'}), ${r.retries} retries`);
}
