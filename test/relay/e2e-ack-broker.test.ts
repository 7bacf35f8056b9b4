/**
 * The end-to-end ack through the embedded broker with logins and topic rules: the relay (its own
 * login) publishes each ack on the camera's own ack topic, the camera's board-like publisher gets it
 * (no resend needed), and another camera can neither subscribe to it nor receive it.
 */
// test-timeout: 90 s
import { join } from 'node:path';
import mqtt from 'mqtt';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startBroker } from '../../src/adapters/aedes-broker.js';
import { connectAckedPublisher } from '../../src/adapters/acked-publisher.js';
import { ackTopic } from '../../src/protocol/index.js';
import { testLogins } from './helpers/auth.js';
import { makeBundle, testJpeg } from './helpers/bundles.js';
import { sleep, tempDir } from './helpers/env.js';
import { camera } from './helpers/relay.js';
import { startTestRelay, startTestS3, testConfig } from './helpers/world.js';

test('acks reach their camera only, through the broker\'s rules; every bundle acked without a resend', async () => {
  const tmp = tempDir();
  const logins = testLogins(join(tmp.dir, 'relay'), ['porch', 'yard']);
  const broker = await startBroker({ port: 0, auth: logins.auth() });
  const s3 = await startTestS3(tmp.dir);
  const config = testConfig(tmp.dir, broker.url, s3.endpoint, [camera('porch'), camera('yard')], { broker: { ...logins.services.relay } });
  const { relay } = await startTestRelay(config);
  const pub = await connectAckedPublisher({ url: broker.url, cameraId: 'porch', chunkSize: 1024, ackTimeoutMs: 10000, ...logins.cameras.porch });
  const spy = await mqtt.connectAsync(broker.url, { ...logins.cameras.yard, clientId: 'yard', reconnectPeriod: 0 });
  try {
    const seen: string[] = [];
    spy.on('message', (t) => seen.push(t));
    const refused = await spy.subscribeAsync(ackTopic('porch'), { qos: 1 }).then(() => null, (e: Error) => e);
    assert.match(String(refused?.message), /Subscribe error/, 'yard may not subscribe to porch\'s acks (SUBACK 0x80)');
    const jpeg = await testJpeg();
    await Promise.all([0, 1, 2].map((i) => pub.publish(makeBundle({ cameraId: 'porch', bundleId: `b-${i}`, jpeg }))));
    assert.equal(pub.stats, { resent: 0, acked: 3, refused: 0, declined: 0 });
    assert.is(relay.acks.sent, 3);
    await sleep(100);
    assert.equal(seen, []);
  } finally {
    await spy.endAsync();
    await pub.close();
    await relay.stop();
    await broker.stop();
    await s3.stop();
    tmp.cleanup();
  }
});

test.run();
