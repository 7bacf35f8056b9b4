/**
 * Web Push end to end against a local push endpoint this test runs. The endpoint checks the VAPID
 * JWT (ES256, RFC 8292) against the home's public key and decrypts the body with the
 * subscription's private keys, written here with node:crypto per RFC 8291/8188 (ECDH P-256, HKDF,
 * AES-128-GCM), so the payload is shown to be readable with those keys and not with others.
 */
import { createPublicKey, createVerify } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadOrCreateVapidKeys } from '../../src/adapters/vapid-keys.js';
import { pushEndpointOk, webPushChannel } from '../../src/alerts/channels/web-push.js';
import { AlertDispatcher } from '../../src/alerts/dispatcher.js';
import { tempDir, waitFor } from '../relay/helpers/env.js';
import { browser, decrypt, type Browser } from './push-crypto.js';
import { alertStore, enrol, jpegFile, memoryLog, OWNER, percentile, sampleAlert } from './helpers.js';

/** Check `Authorization: vapid t=<JWT>, k=<key>`: the home's key, ES256 over header.payload, aud = the endpoint's origin. */
function checkVapid(req: IncomingMessage, publicKey: string, origin: string): void {
  const m = /^vapid t=([^,]+), k=([A-Za-z0-9_-]+)$/.exec(String(req.headers.authorization));
  assert.ok(m, `vapid header: ${req.headers.authorization}`);
  assert.is(m![2], publicKey);
  const [h, p, s] = m![1].split('.');
  const pub = Buffer.from(publicKey, 'base64url');
  const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: pub.subarray(1, 33).toString('base64url'), y: pub.subarray(33).toString('base64url') }, format: 'jwk' });
  assert.ok(createVerify('sha256').update(`${h}.${p}`).verify({ key, dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url')), 'JWT signed by the VAPID key');
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
  assert.is(claims.aud, origin);
  assert.ok(claims.exp * 1000 > Date.now());
}

interface Push { path: string; body: Buffer; req: IncomingMessage; atMs: number }
interface Ctx { server: Server; url: string; pushes: Push[]; tmp: ReturnType<typeof tempDir>; closers: (() => Promise<void>)[] }
const test = suite<Ctx>('alerts: Web Push (RFC 8291) to a local push endpoint');

test.before.each(async (c) => {
  c.pushes = [];
  c.closers = [];
  c.tmp = tempDir('quietcam-push-');
  c.server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (x) => chunks.push(x));
    req.on('end', () => {
      c.pushes.push({ path: req.url!, body: Buffer.concat(chunks), req, atMs: Date.now() });
      res.writeHead(req.url!.startsWith('/gone') ? 410 : 201).end();
    });
  });
  await new Promise<void>((r) => c.server.listen(0, '127.0.0.1', r));
  c.url = `http://127.0.0.1:${(c.server.address() as AddressInfo).port}`;
});
test.after.each(async (c) => {
  for (const close of c.closers) await close().catch(() => {});
  c.server.closeAllConnections();
  await new Promise((r) => c.server.close(r));
  c.tmp.cleanup();
});

function setup(c: Ctx) {
  const vapid = loadOrCreateVapidKeys(c.tmp.dir);
  const store = alertStore();
  const channel = webPushChannel({ vapid, subject: 'mailto:owner@example.org', forget: (o, e) => store.removePushSubscription(o, e) });
  const d = new AlertDispatcher({ store, channels: [channel], pagesUrl: 'https://cams.example.org', cameraName: () => 'Front door', log: memoryLog() });
  c.closers.push(() => d.close(3000));
  return { vapid, store, d };
}

const subscribe = (store: ReturnType<typeof alertStore>, b: Browser) => store.addPushSubscription(OWNER.id, {
  endpoint: b.endpoint, p256dh: b.ecdh.getPublicKey().toString('base64url'), auth: b.auth.toString('base64url'), createdMs: Date.now(),
}, 10);

test('VAPID keys: made once, kept 0600 in the data dir, the same on the next start', (c) => {
  const a = loadOrCreateVapidKeys(c.tmp.dir);
  assert.match(a.publicKey, /^[A-Za-z0-9_-]{87}$/);
  assert.is(statSync(join(c.tmp.dir, 'vapid.json')).mode & 0o777, 0o600);
  assert.equal(loadOrCreateVapidKeys(c.tmp.dir), a);
});

test('the push is VAPID-signed, aes128gcm, and decrypts with the subscription\'s keys to the alert', async (c) => {
  const { vapid, store, d } = setup(c);
  const phone = browser(`${c.url}/push/phone`);
  enrol(store, 'porch', { webPush: true });
  subscribe(store, phone);
  const latencies: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t = Date.now();
    d.send(sampleAlert('porch', jpegFile(c.tmp.dir)));
    await waitFor(() => c.pushes.length === i + 1, 5000, 'the push', 2);
    latencies.push(c.pushes[i].atMs - t);
  }
  console.log(`web push latency (send -> push endpoint, loopback, 10 alerts): p50 ${percentile(latencies, 50)} ms, max ${Math.max(...latencies)} ms`);
  const p = c.pushes[0];
  assert.is(p.req.headers['content-encoding'], 'aes128gcm');
  assert.is(p.req.headers.ttl, '600');
  assert.is(p.req.headers.urgency, 'high');
  checkVapid(p.req, vapid.publicKey, c.url);
  assert.not.ok(p.body.includes(Buffer.from('person')), 'no plaintext on the wire');
  const msg = JSON.parse(decrypt(phone, p.body));
  assert.is(msg.title, 'Person at Front door');
  assert.is(msg.verdict, 'person');
  assert.is(msg.camera, 'porch');
  assert.match(msg.image, /^https:\/\/cams\.example\.org\/alerts\/\d+\/image$/);
  assert.is(msg.boxes, undefined, 'boxes stay out of the (4 KB) push');
  const seq = store.latest(OWNER.id, 10).at(-1)!.seq;
  await waitFor(() => store.get(OWNER.id, seq)?.deliveries.webpush === 'sent', 2000, 'recorded');
});

test('each subscription gets its own ciphertext: another browser\'s keys cannot open it', async (c) => {
  const { store, d } = setup(c);
  const phone = browser(`${c.url}/push/phone`);
  const laptop = browser(`${c.url}/push/laptop`);
  enrol(store, 'porch', { webPush: true });
  subscribe(store, phone);
  subscribe(store, laptop);
  d.send(sampleAlert('porch', jpegFile(c.tmp.dir)));
  await waitFor(() => c.pushes.length === 2, 5000, 'two pushes');
  const toPhone = c.pushes.find((p) => p.path === '/push/phone')!;
  const toLaptop = c.pushes.find((p) => p.path === '/push/laptop')!;
  assert.is(JSON.parse(decrypt(phone, toPhone.body)).verdict, 'person');
  assert.is(JSON.parse(decrypt(laptop, toLaptop.body)).verdict, 'person');
  assert.throws(() => decrypt(laptop, toPhone.body), /unable to authenticate|auth/i);
  const stranger = browser('x');
  stranger.auth = phone.auth; // even knowing the auth secret, without the private key
  assert.throws(() => decrypt(stranger, toPhone.body), /unable to authenticate|auth/i);
});

test('a subscription its push service calls gone (410) is forgotten; web push off or alerts off: nothing sent', async (c) => {
  const { store, d } = setup(c);
  const old = browser(`${c.url}/gone/1`);
  enrol(store, 'porch', { webPush: true });
  subscribe(store, old);
  d.send(sampleAlert('porch', jpegFile(c.tmp.dir)));
  await waitFor(() => d.counts().failed.webpush === 1, 3000, 'the failed push');
  assert.equal(store.pushSubscriptions(OWNER.id), []);
  subscribe(store, browser(`${c.url}/push/x`));
  store.setChannels(OWNER.id, { ...store.channels(OWNER.id), webPush: false });
  d.send(sampleAlert('porch', jpegFile(c.tmp.dir)));
  await waitFor(() => store.latest(OWNER.id, 10).length === 2, 2000, 'the second alert recorded (channels are read then)');
  store.setChannels(OWNER.id, { ...store.channels(OWNER.id), webPush: true });
  store.disableAll(OWNER.id, OWNER, Date.now());
  d.send(sampleAlert('porch', jpegFile(c.tmp.dir)));
  await new Promise((r) => setTimeout(r, 150));
  assert.is(c.pushes.length, 1);
});

test('push endpoints: https, or http on loopback only', () => {
  assert.ok(pushEndpointOk('https://fcm.googleapis.com/fcm/send/abc'));
  assert.ok(pushEndpointOk('http://127.0.0.1:9000/p'));
  for (const bad of ['http://192.168.1.2/p', 'http://push.example.org/p', 'ftp://x/y', 'https://u:p@x.org/', 'nope']) assert.not.ok(pushEndpointOk(bad), bad);
});

test.run();
