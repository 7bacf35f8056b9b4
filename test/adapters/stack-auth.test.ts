/**
 * The stack `npm start` and `quietcam web --local` run, with auth on: the services' logins made
 * once (0600), the simulated cameras paired at each start (the previous token stops working), the
 * relay logged in as quietcam-relay, the owner pages as quietcam-web, and the attacks of issue 12
 * against it: a forged bundle from another camera's login, an anonymous subscriber, a takeover of
 * the relay's client id.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readBrokerUsers } from '../../src/adapters/broker-users.js';
import { connectPublisher } from '../../src/adapters/mqtt-publisher.js';
import { silentLogger } from '../../src/log.js';
import { startStack, type Stack } from '../../src/relay/stack.js';
import { mqttConfigPublisher } from '../../src/web/adapters/mqtt-config.js';
import { openWebPorts } from '../../src/web/adapters/ports.js';
import { makeBundle, testJpeg } from '../relay/helpers/bundles.js';
import { tempDir, waitFor } from '../relay/helpers/env.js';
import { camera } from '../relay/helpers/relay.js';
import { closeAll, collect, connected, sleep, subscribe, tryConnect } from './helpers/mqtt.js';

const opts = (dir: string) => ({ dataDir: dir, brokerPort: 0, s3Port: 0, statusPort: null, cameras: [camera('porch'), camera('yard')], pair: ['porch', 'yard'], log: silentLogger });

test('logins: broker-users.json made once (0600), cameras paired afresh at every start', async () => {
  const tmp = tempDir('quietcam-stack-auth-');
  let stack: Stack | undefined;
  try {
    stack = await startStack(opts(tmp.dir));
    const file = join(tmp.dir, 'broker-users.json');
    assert.is(statSync(file).mode & 0o777, 0o600);
    const users = readBrokerUsers(tmp.dir)!;
    assert.equal(stack.services, users);
    assert.is(stack.relay.config.broker.username, 'quietcam-relay');
    assert.ok(stack.relay.status().broker.connected);
    const before = stack.paired.porch;
    await stack.stop();
    stack = await startStack(opts(tmp.dir));
    assert.equal(readBrokerUsers(tmp.dir), users, 'the services keep their passwords');
    assert.is.not(stack.paired.porch.password, before.password);
    assert.ok('error' in (await tryConnect(stack.brokerUrl, { username: 'porch', password: before.password })), 'the old token still works');
    const c = await connected(stack.brokerUrl, { username: 'porch', password: stack.paired.porch.password });
    await closeAll([c]);
  } finally {
    await stack?.stop();
    tmp.cleanup();
  }
});

test('attacks on the running stack: nothing forged is stored, nobody else listens, the relay stays', async () => {
  const tmp = tempDir('quietcam-stack-auth-');
  const stack = await startStack(opts(tmp.dir));
  const clients = [];
  const yard = await connectPublisher({ url: stack.brokerUrl, ...stack.paired.yard, reconnectMs: 60000 });
  const porch = await connectPublisher({ url: stack.brokerUrl, ...stack.paired.porch });
  const web = openWebPorts({ relay: stack.relay.config });
  try {
    const jpeg = await testJpeg();
    // yard's login publishing a bundle as porch: refused by the broker, never stored
    yard.publishRaw('quietcam/porch/bundle', new Uint8Array([1, 2, 3])).catch(() => {});
    yard.publish(makeBundle({ cameraId: 'porch', bundleId: 'forged', jpeg })).catch(() => {});
    // an anonymous listener and a client-id takeover
    assert.ok('error' in (await tryConnect(stack.brokerUrl, {})));
    assert.ok('error' in (await tryConnect(stack.brokerUrl, { clientId: 'quietcam-relay' })));
    assert.ok('error' in (await tryConnect(stack.brokerUrl, { username: 'yard', password: stack.paired.yard.password, clientId: 'quietcam-relay' })));
    const snoop = await connected(stack.brokerUrl, { username: 'yard', password: stack.paired.yard.password, clientId: 'snoop' });
    clients.push(snoop);
    const snooped = collect(snoop);
    await subscribe(snoop, ['quietcam/#', 'quietcam/porch/config', 'quietcam/+/bundle']);
    // the genuine camera's bundle is stored; the owner pages publish porch's config with their own login
    await porch.publish(makeBundle({ cameraId: 'porch', bundleId: 'genuine', jpeg }));
    await web.ports.configPublisher.publish('porch', new Uint8Array([7]));
    await waitFor(() => stack.relay.status().counts.uploaded === 1, 15000, 'the genuine bundle');
    await sleep(300);
    assert.equal(stack.relay.contributions().map((r) => r.bundleId), ['genuine']);
    assert.is(stack.relay.status().counts.chunksReceived > 0, true);
    assert.equal(snooped, []);
    assert.ok(stack.relay.status().broker.connected);
    // the web's login cannot publish bundles
    const rogue = mqttConfigPublisher({ url: stack.brokerUrl, ...stack.services.web, reconnectMs: 60000 });
    await new Promise((r) => rogue.client.once('connect', r));
    rogue.client.publish('quietcam/porch/bundle', 'x', { qos: 0 });
    await sleep(200);
    await rogue.close();
    assert.equal(stack.relay.contributions().map((r) => r.bundleId), ['genuine']);
    const refused = stack.brokerRefusals();
    assert.ok(refused['publish-denied'] >= 2, `publish-denied ${refused['publish-denied']}`);
    assert.is(refused.anonymous, 2);
    assert.is(refused['client-id-taken'], 1);
    assert.is(refused['subscribe-denied'], 3);
  } finally {
    await closeAll(clients);
    await web.close();
    await new Promise<void>((r) => yard.client.end(true, {}, () => r())); // its refused publishes stay unacknowledged: end(false) would wait for them
    await porch.close();
    await stack.stop();
    tmp.cleanup();
  }
});

test.run();
