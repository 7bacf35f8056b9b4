/**
 * Debian's mosquitto 2.0 with the password file, ACL file and config `quietcam broker-config`
 * writes (src/adapters/mosquitto-config.ts): the shared attack suite, the relay's shared
 * subscription, and a password file Debian's mosquitto_passwd accepts. Fails when mosquitto is
 * not installed.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { MqttClient } from 'mqtt';
import { MemoryCameraCredentials, newCameraCredentials } from '../../src/adapters/broker-credentials.js';
import { loadOrCreateBrokerUsers } from '../../src/adapters/broker-users.js';
import { mosquittoAcl, writeMosquittoFiles } from '../../src/adapters/mosquitto-config.js';
import { tempDir } from '../relay/helpers/env.js';
import { startMosquitto } from '../relay/helpers/mosquitto.js';
import { brokerAttackSuite, type AuthWorld } from './helpers/broker-attacks.js';
import { closeAll, collect, connected, sleep, subscribe } from './helpers/mqtt.js';

async function withMosquitto(): Promise<AuthWorld & { dir: string }> {
  const tmp = tempDir('quietcam-mosq-');
  try {
    const porch = newCameraCredentials('porch');
    const yard = newCameraCredentials('yard');
    const store = new MemoryCameraCredentials([porch, yard]);
    const services = loadOrCreateBrokerUsers(tmp.dir);
    const broker = await startMosquitto(tmp.dir, {
      listener: (port) => readFileSync(writeMosquittoFiles({ cameras: store.list(), services, dir: join(tmp.dir, 'auth'), port }).conf, 'utf8').split('\n'),
    });
    return {
      url: broker.url, tokens: { porch: porch.token, yard: yard.token }, services, dir: tmp.dir,
      async stop() {
        await broker.stop();
        tmp.cleanup();
      },
    };
  } catch (err) {
    tmp.cleanup();
    throw err;
  }
}

const attacks = suite<{ world?: AuthWorld; clients: MqttClient[] }>('mosquitto attacks', { clients: [] });
brokerAttackSuite(attacks, withMosquitto, { refusesSubscribe: false });
attacks.run();

const files = suite<{ world?: Awaited<ReturnType<typeof withMosquitto>>; clients: MqttClient[] }>('mosquitto files', { clients: [] });
files.before.each(async (ctx) => {
  ctx.clients = [];
  ctx.world = await withMosquitto();
});
files.after.each(async (ctx) => {
  await closeAll(ctx.clients);
  await ctx.world?.stop();
});

files('passwd and acl are 0600, one line per login; mosquitto opened the one listener asked for', async ({ world }) => {
  const dir = join(world!.dir, 'auth');
  assert.is(statSync(join(dir, 'passwd')).mode & 0o777, 0o600);
  assert.is(statSync(join(dir, 'acl')).mode & 0o777, 0o600);
  const passwd = readFileSync(join(dir, 'passwd'), 'utf8');
  assert.equal(passwd.trim().split('\n').map((l) => l.split(':')[0]), ['quietcam-relay', 'quietcam-web', 'porch', 'yard']);
  // listener options before the `listener` line would open a default listener on 1883 for all interfaces
  const log = readFileSync(join(world!.dir, 'mosquitto.log'), 'utf8');
  assert.is(log.match(/Opening ipv[46] listen socket/g)?.length, 1, log);
});

files('the relay receives bundles through a $share subscription', async (ctx) => {
  const w = ctx.world!;
  const relay = await connected(w.url, { ...w.services.relay, clean: false });
  ctx.clients.push(relay);
  assert.equal(await subscribe(relay, '$share/relays/quietcam/+/bundle'), [1]);
  const got = collect(relay);
  const porch = await connected(w.url, { username: 'porch', password: w.tokens.porch });
  ctx.clients.push(porch);
  await porch.publishAsync('quietcam/porch/bundle', 'shared', { qos: 1 });
  for (let i = 0; i < 40 && got.length < 1; i++) await sleep(25);
  assert.equal(got, ['quietcam/porch/bundle shared']);
});

files('the ACL lists each login, no pattern rules', () => {
  const acl = mosquittoAcl(['porch']);
  assert.not.match(acl, /^pattern/m);
  assert.match(acl, /^user porch\ntopic write quietcam\/porch\/bundle\ntopic write quietcam\/porch\/event\ntopic read quietcam\/porch\/config\ntopic read quietcam\/porch\/ack$/m);
  assert.match(acl, /^user quietcam-relay\ntopic read quietcam\/\+\/bundle\ntopic read quietcam\/\+\/event\ntopic write quietcam\/\+\/ack$/m);
  assert.match(acl, /^user quietcam-web\ntopic write quietcam\/\+\/config$/m);
});

files.run();
