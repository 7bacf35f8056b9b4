/**
 * `quietcam broker-config`: arguments, `--pair` for a camera from the relay's config file, and
 * the written files run by Debian's mosquitto: the paired camera and the relay get in (and the
 * relay receives the camera's bundle), a camera paired in the pages too, anonymous does not.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '../../cli/main.js';
import { run } from '../../cli/broker-config.js';
import { newCameraCredentials } from '../../src/adapters/broker-credentials.js';
import { readBrokerUsers } from '../../src/adapters/broker-users.js';
import { openCameraCredentials } from '../../src/adapters/sqlite-camera-credentials.js';
import { closeAll, collect, connected, sleep, subscribe, tryConnect } from '../adapters/helpers/mqtt.js';
import { freePort, tempDir } from '../relay/helpers/env.js';
import { captured } from './helpers.js';
import { startMosquitto } from '../relay/helpers/mosquitto.js';

const test = suite('quietcam broker-config (cli)');
const tmp = tempDir('quietcam-broker-config-');
const configFile = join(tmp.dir, 'relay.json');
writeFileSync(configFile, JSON.stringify({ dataDir: join(tmp.dir, 'data') }));

test.after(() => tmp.cleanup());

test('bad arguments exit 2 with the usage', async () => {
  for (const args of [['--bogus'], ['--port', 'x'], ['--port', '0'], ['--tls-cert', 'a.pem'], ['--broker', 'mqtt://x:1'], ['--config', configFile, '--pair', 'quietcam-relay'], ['--config', configFile, '--pair', 'Bad/Id']]) {
    const r = await captured(() => run(args));
    assert.is(r.code, 2, args.join(' '));
    assert.match(r.out, /Usage: quietcam broker-config/);
  }
});

test('listed by quietcam --help', async () => {
  const r = await captured(() => main(['--help']));
  assert.is(r.code, 0);
  assert.match(r.out, /broker-config +write mosquitto's password file/);
});

test('--pair prints the provisioning file once; mosquitto with the written files lets that camera and the relay in, nobody else', async () => {
  // a camera paired in the owner pages (a row in the same database)
  const fromPages = newCameraCredentials('cam-web');
  const db = openCameraCredentials(join(tmp.dir, 'data', 'relay.db'));
  db.store.put(fromPages);
  db.close();
  const port = await freePort();
  const out = join(tmp.dir, 'mosq');
  const r = await captured(() => run(['--config', configFile, '--out', out, '--port', String(port), '--pair', 'porch']));
  assert.is(r.code, 0, r.out);
  const prov = JSON.parse(/\{[\s\S]*?\}/.exec(r.out)![0]);
  assert.equal(Object.keys(prov), ['ssid', 'password', 'broker', 'username', 'mqttpass', 'camera', 'secret']);
  assert.is(prov.broker, `mqtt://127.0.0.1:${port}`);
  assert.is(prov.username, 'porch');
  assert.match(prov.secret, /^[0-9a-f]{64}$/);
  assert.match(r.out, /2 camera\(s\)/);
  assert.is(statSync(join(tmp.dir, 'data', 'broker-users.json')).mode & 0o777, 0o600);
  const services = readBrokerUsers(join(tmp.dir, 'data'))!;

  const conf = readFileSync(join(out, 'quietcam.conf'), 'utf8');
  assert.match(conf, new RegExp(`^listener ${port} 127\\.0\\.0\\.1$`, 'm'));
  const broker = await startMosquitto(tmp.dir, { listener: () => conf.split('\n'), port });
  const clients = [];
  try {
    const url = broker.url;
    assert.ok('error' in (await tryConnect(url, {})), 'anonymous got in');
    assert.ok('error' in (await tryConnect(url, { username: 'porch', password: fromPages.token })), 'porch with another camera\'s token got in');
    const relay = await connected(url, { ...services.relay });
    clients.push(relay);
    await subscribe(relay, 'quietcam/+/bundle');
    const got = collect(relay);
    for (const [id, password] of [['porch', prov.mqttpass], ['cam-web', fromPages.token]]) {
      const cam = await connected(url, { username: id, password });
      clients.push(cam);
      await cam.publishAsync(`quietcam/${id}/bundle`, `from ${id}`, { qos: 1 });
    }
    for (let i = 0; i < 40 && got.length < 2; i++) await sleep(25);
    assert.equal(got.sort(), ['quietcam/cam-web/bundle from cam-web', 'quietcam/porch/bundle from porch']);
  } finally {
    await closeAll(clients);
    await broker.stop();
  }
});

test.run();
