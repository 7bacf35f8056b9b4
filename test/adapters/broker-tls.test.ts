/**
 * MQTT over TLS as one option, with a CA and a server certificate made here by openssl: the
 * embedded broker (startBroker's tls) and mosquitto (broker-config's --tls-cert/--tls-key) accept
 * a camera that trusts the CA, and a client that does not trust it refuses to talk; the whole
 * stack (relay logging in over mqtts:// with broker.caFile) delivers a camera's bundle.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { brokerAuth } from '../../src/adapters/broker-auth.js';
import { MemoryCameraCredentials, newCameraCredentials } from '../../src/adapters/broker-credentials.js';
import { loadOrCreateBrokerUsers } from '../../src/adapters/broker-users.js';
import { writeMosquittoFiles } from '../../src/adapters/mosquitto-config.js';
import { startBroker } from '../../src/adapters/aedes-broker.js';
import { connectPublisher } from '../../src/adapters/mqtt-publisher.js';
import { silentLogger } from '../../src/log.js';
import { startStack } from '../../src/relay/stack.js';
import { makeBundle, testJpeg } from '../relay/helpers/bundles.js';
import { tempDir, waitFor } from '../relay/helpers/env.js';
import { startMosquitto } from '../relay/helpers/mosquitto.js';
import { camera } from '../relay/helpers/relay.js';
import { closeAll, connected, tryConnect } from './helpers/mqtt.js';
import { makePki, type TestPki } from './helpers/tls.js';

const test = suite<{ tmp: ReturnType<typeof tempDir>; pki: TestPki }>('mqtt over tls');
test.before.each((ctx) => {
  ctx.tmp = tempDir('quietcam-tls-');
  ctx.pki = makePki(ctx.tmp.dir);
});
test.after.each((ctx) => ctx.tmp.cleanup());

async function expectTls(url: string, pki: TestPki, login: { username: string; password: string }): Promise<void> {
  const ca = readFileSync(pki.caFile);
  assert.match(url, /^mqtts:\/\/127\.0\.0\.1:\d+$/);
  const ok = await connected(url, { ...login, ca });
  await closeAll([ok]);
  for (const bad of [undefined, readFileSync(pki.otherCaFile)]) {
    const r = await tryConnect(url, { ...login, ca: bad });
    assert.ok('error' in r && /certificate|self.signed|verify/i.test(r.error.message), `connected without trusting the CA: ${'error' in r ? r.error.message : 'ok'}`);
  }
  // plain MQTT on a TLS port gets nowhere
  assert.ok('error' in (await tryConnect(url.replace('mqtts:', 'mqtt:'), login)));
}

test('embedded broker: mqtts with the CA, refused without it', async ({ tmp, pki }) => {
  const porch = newCameraCredentials('porch');
  const services = loadOrCreateBrokerUsers(tmp.dir);
  const broker = await startBroker({ port: 0, auth: brokerAuth({ cameras: new MemoryCameraCredentials([porch]), services }), tls: { cert: readFileSync(pki.certFile), key: readFileSync(pki.keyFile) } });
  try {
    await expectTls(broker.url, pki, { username: 'porch', password: porch.token });
  } finally {
    await broker.stop();
  }
});

test('mosquitto with broker-config\'s TLS listener: mqtts with the CA, refused without it', async ({ tmp, pki }) => {
  const porch = newCameraCredentials('porch');
  const services = loadOrCreateBrokerUsers(tmp.dir);
  const broker = await startMosquitto(tmp.dir, {
    tls: true,
    listener: (port) => readFileSync(writeMosquittoFiles({ cameras: [porch], services, dir: join(tmp.dir, 'auth'), port, tls: { certFile: pki.certFile, keyFile: pki.keyFile } }).conf, 'utf8').split('\n'),
  });
  try {
    await expectTls(broker.url, pki, { username: 'porch', password: porch.token });
  } finally {
    await broker.stop();
  }
});

test('the stack over TLS: the relay logs in with broker.caFile and stores a paired camera\'s bundle', async ({ tmp, pki }) => {
  const stack = await startStack({ dataDir: join(tmp.dir, 'data'), brokerPort: 0, s3Port: 0, statusPort: null, cameras: [camera('porch')], pair: ['porch'], tls: pki, log: silentLogger, alerts: false });
  const pub = await connectPublisher({ url: stack.brokerUrl, chunkSize: 1024, caFile: pki.caFile, username: 'porch', password: stack.paired.porch.password, secret: stack.paired.porch.secret });
  try {
    assert.match(stack.brokerUrl, /^mqtts:/);
    await pub.publish(makeBundle({ cameraId: 'porch', bundleId: 'tls-1', jpeg: await testJpeg() }));
    await waitFor(() => stack.relay.status().counts.uploaded === 1, 15000, 'the bundle uploaded');
    assert.ok(stack.relay.status().broker.connected);
  } finally {
    await pub.close();
    await stack.stop();
  }
});

test.run();
