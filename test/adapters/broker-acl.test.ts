/**
 * The broker's topic rules, table-driven (src/adapters/broker-acl.ts), and the credential
 * helpers: the mosquitto hash, the MAC secret, the constant-time token check, broker-users.json.
 */
import { statSync, writeFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHmac } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { identityFor, mayPublish, mayReceive, maySubscribe, mayUseClientId, type BrokerIdentity } from '../../src/adapters/broker-acl.js';
import { checkPairingToken, macSecretHex, mosquittoHash, newCameraCredentials, sha256Hex, verifyMosquittoHash } from '../../src/adapters/broker-credentials.js';
import { loadOrCreateBrokerUsers, readBrokerUsers, serviceLogin } from '../../src/adapters/broker-users.js';

const porch: BrokerIdentity = { kind: 'camera', cameraId: 'porch' };
const relay: BrokerIdentity = { kind: 'relay' };
const web: BrokerIdentity = { kind: 'web' };
const notices: BrokerIdentity = { kind: 'notices' };

const PUBLISH: [BrokerIdentity, string, boolean, boolean][] = [
  [porch, 'quietcam/porch/bundle', false, true],
  [porch, 'quietcam/porch/event', false, true],
  [porch, 'quietcam/porch/frame', false, true], // event frames for alerts (issue 14)
  [porch, 'quietcam/porch/frame', true, false],
  [porch, 'quietcam/yard/frame', false, false],
  [relay, 'quietcam/porch/frame', false, false],
  [web, 'quietcam/porch/frame', false, false],
  [porch, 'quietcam/porch/bundle', true, false], // retained
  [porch, 'quietcam/yard/bundle', false, false], // another camera
  [porch, 'quietcam/porch/config', false, false],
  [porch, 'quietcam/porch/config', true, false],
  [porch, 'quietcam/porch/ack', false, false],
  [porch, 'quietcam/porch/bundle/x', false, false],
  [porch, 'quietcam/+/bundle', false, false],
  [porch, '$SYS/x', false, false],
  [relay, 'quietcam/porch/ack', false, true],
  [relay, 'quietcam/porch/ack', true, false],
  [relay, 'quietcam/porch/bundle', false, false],
  [relay, 'quietcam/porch/config', true, false],
  [web, 'quietcam/porch/config', true, true],
  [web, 'quietcam/porch/config', false, false],
  [web, 'quietcam/porch/bundle', false, false],
  [web, 'quietcam/BAD/config', true, false],
  // status and live view (issue 16): a camera its own status and live frames, never retained; the web only commands
  [porch, 'quietcam/porch/status', false, true],
  [porch, 'quietcam/porch/status', true, false],
  [porch, 'quietcam/yard/status', false, false],
  [porch, 'quietcam/porch/live', false, true],
  [porch, 'quietcam/porch/live', true, false],
  [porch, 'quietcam/yard/live', false, false],
  [porch, 'quietcam/porch/command', false, false],
  [porch, 'quietcam/yard/command', false, false],
  [relay, 'quietcam/porch/status', false, false],
  [relay, 'quietcam/porch/command', false, false],
  [relay, 'quietcam/porch/live', false, false],
  [web, 'quietcam/porch/command', false, true],
  [web, 'quietcam/porch/command', true, false],
  [web, 'quietcam/+/command', false, false],
  [web, 'quietcam/porch/status', false, false],
  [web, 'quietcam/porch/live', false, false],
  [{ kind: 'ha' }, 'quietcam/porch/command', false, false],
  // the pages' consent reminders: their own login (issue 16), reminders only, never retained
  [notices, 'quietcam/porch/reminder', false, true],
  [notices, 'quietcam/porch/reminder', true, false],
  [notices, 'quietcam/+/reminder', false, false],
  [notices, 'quietcam/porch/alert', false, false],
  [notices, 'quietcam/porch/alert-image', false, false],
  [notices, 'homeassistant/binary_sensor/quietcam_porch/person/config', true, false],
  [notices, 'quietcam/porch/frame', false, false],
  [notices, 'quietcam/porch/bundle', false, false],
  [notices, 'quietcam/porch/ack', false, false],
  [notices, 'quietcam/porch/config', true, false],
  [notices, 'quietcam/porch/command', false, false],
  [notices, 'homeassistant/status', false, false],
  [relay, 'quietcam/porch/alert', false, true],
  [relay, 'quietcam/porch/reminder', false, false], // the notices' alone now
  [web, 'quietcam/porch/reminder', false, false],
];

for (const [id, topic, retain, want] of PUBLISH) {
  test(`publish ${JSON.stringify(id)} ${topic}${retain ? ' retained' : ''}: ${want}`, () => {
    assert.is(mayPublish(id, topic, retain), want);
  });
}

const SUBSCRIBE: [BrokerIdentity, string, boolean][] = [
  [porch, 'quietcam/porch/config', true],
  [porch, 'quietcam/porch/ack', true],
  [porch, 'quietcam/yard/config', false],
  [porch, 'quietcam/+/config', false],
  [porch, 'quietcam/porch/bundle', false],
  [porch, 'quietcam/porch/#', false],
  [porch, 'quietcam/#', false],
  [porch, '#', false],
  [porch, '$share/g/quietcam/porch/config', false],
  [relay, 'quietcam/+/bundle', true],
  [relay, 'quietcam/+/event', true],
  [relay, 'quietcam/+/frame', true],
  [porch, 'quietcam/porch/frame', false],
  [web, 'quietcam/+/frame', false],
  [relay, 'quietcam/porch/bundle', true],
  [relay, '$share/relays/quietcam/+/bundle', true],
  [relay, '$share/relays/quietcam/+/event', true],
  [relay, '$share//quietcam/+/bundle', false],
  [relay, '$share/+/quietcam/+/bundle', false],
  [relay, '$share/relays/#', false],
  [relay, 'quietcam/+/config', false],
  [relay, 'quietcam/+/+', false],
  [relay, 'quietcam/#', false],
  [relay, '#', false],
  [relay, '$SYS/#', false],
  [web, 'quietcam/+/config', false],
  [web, 'quietcam/porch/config', false],
  [web, '#', false],
  [porch, 'quietcam/porch/command', true],
  [porch, 'quietcam/yard/command', false],
  [porch, 'quietcam/+/command', false],
  [porch, 'quietcam/porch/status', false],
  [porch, 'quietcam/porch/live', false],
  [web, 'quietcam/+/status', true],
  [web, 'quietcam/+/live', true],
  [web, 'quietcam/porch/live', true],
  [web, 'quietcam/+/command', false],
  [web, 'quietcam/+/+', false],
  [web, 'quietcam/#', false],
  [web, '$share/g/quietcam/+/live', false],
  [relay, 'quietcam/+/status', false],
  [relay, 'quietcam/+/live', false],
  [relay, '$share/relays/quietcam/+/live', false],
  [{ kind: 'ha' }, 'quietcam/+/live', false],
  [{ kind: 'ha' }, 'quietcam/+/status', false],
  [{ kind: 'ha' }, 'quietcam/+/reminder', true],
  [notices, 'quietcam/+/reminder', false],
  [notices, 'quietcam/porch/reminder', false],
  [notices, 'quietcam/+/alert', false],
  [notices, 'quietcam/+/status', false],
  [notices, '#', false],
  [notices, 'homeassistant/#', false],
];

for (const [id, filter, want] of SUBSCRIBE) {
  test(`subscribe ${JSON.stringify(id)} ${filter}: ${want}`, () => {
    assert.is(maySubscribe(id, filter), want);
  });
}

test('delivery follows the same lists', () => {
  assert.ok(mayReceive(porch, 'quietcam/porch/config'));
  assert.not.ok(mayReceive(porch, 'quietcam/yard/config'));
  assert.not.ok(mayReceive(porch, 'quietcam/porch/bundle'));
  assert.ok(mayReceive(relay, 'quietcam/yard/bundle'));
  assert.not.ok(mayReceive(relay, 'quietcam/yard/config'));
  assert.not.ok(mayReceive(web, 'quietcam/yard/config'));
  assert.ok(mayReceive(web, 'quietcam/yard/status'));
  assert.ok(mayReceive(web, 'quietcam/yard/live'));
  assert.not.ok(mayReceive(web, 'quietcam/yard/command'));
  assert.ok(mayReceive(porch, 'quietcam/porch/command'));
  assert.not.ok(mayReceive(porch, 'quietcam/yard/command'));
  assert.not.ok(mayReceive(porch, 'quietcam/yard/live'));
  assert.not.ok(mayReceive(relay, 'quietcam/yard/live'), 'live frames never reach the relay (never stored)');
  assert.not.ok(mayReceive(relay, 'quietcam/yard/status'));
  assert.not.ok(mayReceive({ kind: 'ha' }, 'quietcam/yard/live'));
  assert.ok(mayReceive({ kind: 'ha' }, 'quietcam/yard/reminder'));
  for (const t of ['quietcam/yard/reminder', 'quietcam/yard/alert', 'quietcam/yard/status', 'quietcam/yard/bundle', 'homeassistant/status']) assert.not.ok(mayReceive(notices, t), `notices read ${t}`);
});

test('usernames: cameras by id, the two services, nothing else', () => {
  assert.equal(identityFor('porch'), porch);
  assert.equal(identityFor('quietcam-relay'), relay);
  assert.equal(identityFor('quietcam-relay-2'), relay, 'one of several relay processes');
  assert.equal(identityFor('quietcam-web'), web);
  assert.equal(identityFor('quietcam-web-notices'), notices);
  for (const bad of [undefined, '', 'quietcam-other', 'quietcam', 'quietcam-relay-', 'quietcam-relay-X', 'quietcam-web-2', 'Porch', 'a/b', '+', '#', 'x'.repeat(33)]) assert.is(identityFor(bad), null, String(bad));
});

test('service client ids are the services\' alone', () => {
  assert.ok(mayUseClientId(relay, 'quietcam-relay'));
  assert.ok(mayUseClientId(relay, 'quietcam-relay-2'));
  assert.not.ok(mayUseClientId(porch, 'quietcam-relay'));
  assert.not.ok(mayUseClientId(web, 'quietcam-relay-2'));
  assert.not.ok(mayUseClientId(porch, 'quietcam-web-x'));
  assert.ok(mayUseClientId(porch, 'porch'));
  assert.ok(mayUseClientId(porch, 'quietcam-pub-1'));
  // the notices' ids are theirs, though they start with the web's name
  assert.ok(mayUseClientId(notices, 'quietcam-web-notices'));
  assert.ok(mayUseClientId(notices, 'quietcam-web-notices-1a2b'));
  assert.not.ok(mayUseClientId(web, 'quietcam-web-notices-1a2b'));
  assert.not.ok(mayUseClientId(porch, 'quietcam-web-notices'));
  assert.not.ok(mayUseClientId(notices, 'quietcam-web-2'));
  assert.not.ok(mayUseClientId(notices, 'quietcam-relay-alerts-1a2b'));
  assert.ok(mayUseClientId(web, 'quietcam-web-2'));
});

test('mosquitto $7$ hash: matches Debian mosquitto_passwd\'s own output and rejects a wrong password', () => {
  // made with `mosquitto_passwd -c -b pw.txt cam-1 secretpw` (mosquitto 2.0.11)
  const fromPasswd = '$7$101$pB+a7yoKcDa3NbZn$jpE/cmeLrcSQeGnQti06PZZJAE3BmKbGRFzaqHgLWHMXyZufT/GBwrgt7AML5rlQtMCB+8+WVQd85kGbvceopQ==';
  assert.ok(verifyMosquittoHash(fromPasswd, 'secretpw'));
  assert.not.ok(verifyMosquittoHash(fromPasswd, 'secretpx'));
  assert.is(mosquittoHash('secretpw', { salt: Buffer.from('pB+a7yoKcDa3NbZn', 'base64') }), fromPasswd);
  const h = mosquittoHash('other');
  assert.match(h, /^\$7\$101\$[A-Za-z0-9+/]{16}\$[A-Za-z0-9+/]{86}==$/);
  assert.ok(verifyMosquittoHash(h, 'other'));
});

test('new camera credentials: 256-bit token, its SHA-256, its mosquitto hash, the MAC secret of the data model', () => {
  const c = newCameraCredentials('cam-abc');
  assert.match(c.token, /^[A-Za-z0-9_-]{43}$/);
  assert.is(c.pairingHash, sha256Hex(c.token));
  assert.ok(verifyMosquittoHash(c.brokerHash, c.token));
  assert.is(c.macSecret, createHmac('sha256', c.token).update('quietcam-mac-v1/cam-abc').digest('hex'));
  assert.is(macSecretHex(c.token, 'cam-abc'), c.macSecret);
  assert.is.not(newCameraCredentials('cam-abc').token, c.token);
  assert.throws(() => newCameraCredentials('quietcam-relay'), /cannot hold MQTT credentials/);
  assert.ok(checkPairingToken(c.pairingHash, c.token));
  assert.not.ok(checkPairingToken(c.pairingHash, c.token + 'x'));
  assert.not.ok(checkPairingToken(c.pairingHash, ''));
  assert.not.ok(checkPairingToken(null, c.token));
});

test('broker-users.json: made once with mode 0600, read back the same, a loose mode narrowed, garbage refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'quietcam-users-'));
  try {
    assert.is(readBrokerUsers(dir), null);
    const a = loadOrCreateBrokerUsers(dir);
    const file = join(dir, 'broker-users.json');
    assert.is(statSync(file).mode & 0o777, 0o600);
    assert.is(a.relay.username, 'quietcam-relay');
    assert.is(a.web.username, 'quietcam-web');
    assert.ok(a.relay.password.length >= 32 && a.relay.password !== a.web.password);
    assert.equal(loadOrCreateBrokerUsers(dir), a);
    writeFileSync(file, JSON.stringify({ version: 1, users: { 'quietcam-relay': { password: 'p'.repeat(20) }, 'quietcam-web': { password: 'w'.repeat(20) } } }), { mode: 0o644 });
    assert.is(readBrokerUsers(dir)!.relay.password, 'p'.repeat(20));
    assert.is(statSync(file).mode & 0o777, 0o600);
    // the login each service uses: configured, else the file's; a relay with client id quietcam-relay-<n> under that name
    const users = readBrokerUsers(dir)!;
    assert.equal(serviceLogin(dir, 'relay'), users.relay);
    assert.equal(serviceLogin(dir, 'web'), users.web);
    assert.equal(serviceLogin(dir, 'relay', { clientId: 'quietcam-relay-2' }), { username: 'quietcam-relay-2', password: users.relay.password });
    assert.equal(serviceLogin(dir, 'relay', { clientId: 'my-relay' }), users.relay);
    assert.equal(serviceLogin(dir, 'relay', { username: 'custom', password: 'pw' }), { username: 'custom', password: 'pw' });
    writeFileSync(file, '{"version":1,"users":{}}');
    assert.throws(() => loadOrCreateBrokerUsers(dir), /broker-users\.json/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
