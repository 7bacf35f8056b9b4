/**
 * Pairing a camera in the owner pages: the broker login, MAC secret and provisioning file shown
 * once; only hashes of the token (and the secret) stored; the embedded broker lets the new camera
 * in with that login at once, and nobody with a wrong one.
 */
import { createHmac } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { brokerAuth } from '../../src/adapters/broker-auth.js';
import { sha256Hex, verifyMosquittoHash } from '../../src/adapters/broker-credentials.js';
import { SqliteCameraCredentials } from '../../src/adapters/sqlite-camera-credentials.js';
import { startBroker } from '../../src/adapters/aedes-broker.js';
import { openConfig } from '../../src/protocol/consent-config.js';
import { hexToBytes, macKey, SECRET_BYTES } from '../../src/protocol/mac.js';
import { closeAll, connected, tryConnect } from '../adapters/helpers/mqtt.js';
import { signUp, testWeb } from './helpers.js';

const unhtml = (s: string) => s.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)));

async function pair(config = {}) {
  const web = testWeb(config);
  const owner = await signUp(web, 'alice');
  const r = await owner.client.post('/cameras', { name: 'Porch', placement: 'exterior' });
  assert.is(r.status, 201);
  const field = (id: string) => /^[^<]*$/.exec(new RegExp(`id="${id}">([^<]+)<`).exec(r.body)![1])![0];
  return { web, owner, r, cameraId: field('camera-id'), token: field('pairing-token'), secret: field('mac-secret'), username: field('mqtt-username'), broker: field('broker-url') };
}

test('the page shows the login, the secret and the provisioning file once, not cached', async () => {
  const p = await pair();
  try {
    assert.match(p.cameraId, /^cam-[a-z0-9]{10}$/);
    assert.is(p.username, p.cameraId);
    assert.match(p.token, /^[A-Za-z0-9_-]{43}$/);
    assert.is(p.secret, createHmac('sha256', Buffer.from(p.token, 'utf8')).update('quietcam-mac-v1/' + p.cameraId).digest('hex'));
    assert.is(p.broker, 'mqtt://localhost:1883');
    assert.is(p.r.headers['cache-control'], 'no-store');
    const want = { ssid: '', password: '', broker: 'mqtt://localhost:1883', username: p.cameraId, mqttpass: p.token, camera: p.cameraId, secret: p.secret };
    assert.equal(JSON.parse(unhtml(/<pre id="provisioning">([^<]+)<\/pre>/.exec(p.r.body)![1])), want);
    const href = unhtml(/id="provisioning-download" download="quietcam-[a-z0-9-]+\.json" href="([^"]+)"/.exec(p.r.body)![1]);
    assert.equal(JSON.parse(Buffer.from(href.replace('data:application/json;base64,', ''), 'base64').toString('utf8')), want);
    // the camera's own page never shows them again
    const again = await (await signUp(p.web, 'bob')).client.get('/cameras');
    assert.not.ok(again.body.includes(p.token));
  } finally {
    await p.web.close();
  }
});

test('stored: SHA-256 and mosquitto hash of the token, the secret; the token itself nowhere in the database', async () => {
  const p = await pair();
  try {
    const row = p.web.db.prepare('SELECT * FROM camera_credentials WHERE camera_id = ?').get(p.cameraId) as Record<string, string>;
    assert.is(row.pairing_hash, sha256Hex(p.token));
    assert.ok(verifyMosquittoHash(row.broker_hash, p.token));
    assert.is(row.mac_secret, p.secret);
    const tables = (p.web.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
    for (const t of tables) {
      for (const r of p.web.db.prepare(`SELECT * FROM "${t}"`).all() as Record<string, unknown>[]) {
        assert.not.ok(JSON.stringify(r).includes(p.token), `the token is in ${t}`);
      }
    }
  } finally {
    await p.web.close();
  }
});

test('the configured board broker address goes into the file', async () => {
  const p = await pair({ boardBrokerUrl: 'mqtts://home.lan:8883' });
  try {
    assert.is(p.broker, 'mqtts://home.lan:8883');
  } finally {
    await p.web.close();
  }
});

test('the embedded broker, reading the same database, lets the new camera in with its login and nobody else', async () => {
  const p = await pair();
  const services = { relay: { username: 'quietcam-relay', password: 'r'.repeat(24) }, web: { username: 'quietcam-web', password: 'w'.repeat(24) } };
  const broker = await startBroker({ port: 0, auth: brokerAuth({ cameras: new SqliteCameraCredentials(p.web.db), services }) });
  const clients = [];
  try {
    const cam = await connected(broker.url, { username: p.cameraId, password: p.token });
    clients.push(cam);
    await cam.publishAsync(`quietcam/${p.cameraId}/bundle`, 'x', { qos: 1 });
    for (const bad of [{ username: p.cameraId, password: p.secret }, { username: p.cameraId, password: sha256Hex(p.token) }, { username: p.cameraId }]) {
      assert.ok('error' in (await tryConnect(broker.url, bad)), JSON.stringify(bad));
    }
  } finally {
    await closeAll(clients);
    await broker.stop();
    await p.web.close();
  }
});

test('a new login replaces the old one: the broker refuses the old token, takes the new; only the owner can ask, with CSRF', async () => {
  const p = await pair();
  const services = { relay: { username: 'quietcam-relay', password: 'r'.repeat(24) }, web: { username: 'quietcam-web', password: 'w'.repeat(24) } };
  const broker = await startBroker({ port: 0, auth: brokerAuth({ cameras: new SqliteCameraCredentials(p.web.db), services }) });
  try {
    const owner = p.owner;
    await owner.client.get(`/cameras/${p.cameraId}`);
    const r = await owner.client.post(`/cameras/${p.cameraId}/new-login`);
    assert.is(r.status, 200);
    assert.is(r.headers['cache-control'], 'no-store');
    const token = /id="pairing-token">([^<]+)</.exec(r.body)![1];
    const secret = /id="mac-secret">([^<]+)</.exec(r.body)![1];
    assert.is.not(token, p.token);
    assert.is(secret, createHmac('sha256', Buffer.from(token, 'utf8')).update('quietcam-mac-v1/' + p.cameraId).digest('hex'));
    assert.ok('error' in (await tryConnect(broker.url, { username: p.cameraId, password: p.token })), 'the old token still works');
    await closeAll([await connected(broker.url, { username: p.cameraId, password: token })]);
    assert.is((p.web.db.prepare('SELECT pairing_hash FROM web_cameras WHERE camera_id = ?').get(p.cameraId) as { pairing_hash: string }).pairing_hash, sha256Hex(token));
    // the retained config is pushed again, signed with the new secret (a board provisioned anew takes it; the old secret does not open it)
    const retained = p.web.broker.retained.get(p.cameraId)!;
    assert.ok(openConfig(retained, p.cameraId, macKey(hexToBytes(secret, SECRET_BYTES)!)).ok, 'signed with the new secret');
    assert.not.ok(openConfig(retained, p.cameraId, macKey(hexToBytes(p.secret, SECRET_BYTES)!)).ok, 'still opens with the old secret');
    // another owner gets 404, a forged form (no CSRF token) 403, and nothing changes
    const bob = await signUp(p.web, 'bob');
    assert.is((await bob.client.post(`/cameras/${p.cameraId}/new-login`)).status, 404);
    assert.is((await owner.client.request('POST', `/cameras/${p.cameraId}/new-login`, { form: {} })).status, 403);
    await closeAll([await connected(broker.url, { username: p.cameraId, password: token })]);
  } finally {
    await broker.stop();
    await p.web.close();
  }
});

test.run();
