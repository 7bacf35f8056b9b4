/**
 * The owner's smart-alert pages in-process: per-camera on/off (on needs a fresh TOTP code, and is
 * logged), off for every camera, the webhook URL (http(s) only, a code to change it, its secret
 * shown once), push subscriptions, owner-only alert images, the live feed (SSE on a real socket),
 * and the scripts allowed on the alert pages only.
 */
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { formatTime } from '../../src/web/time.js';
import { totpCode } from '../../src/web/totp.js';
import { tempDir } from '../relay/helpers/env.js';
import { addCamera, signUp, testWeb, type Owner, type TestWeb } from './helpers.js';

interface Ctx { web: TestWeb; olive: Owner; otto: Owner; porch: string; gate: string; tmp: ReturnType<typeof tempDir> }
const test = suite<Ctx>('web: smart alert settings and feed');

test.before.each(async (c) => {
  c.web = testWeb();
  c.tmp = tempDir('quietcam-web-alerts-');
  c.olive = await signUp(c.web, 'olive');
  c.otto = await signUp(c.web, 'otto');
  c.porch = (await addCamera(c.olive, 'Porch')).cameraId;
  c.gate = (await addCamera(c.olive, 'Gate')).cameraId;
});
test.after.each(async (c) => {
  await c.web.close();
  c.tmp.cleanup();
});

/** The next TOTP code (the virtual clock moves one step, so a code is never reused). */
async function nextCode(c: Ctx, o: Owner): Promise<string> {
  c.web.clock.now += 30000;
  return totpCode(o.secret, c.web.clock.now);
}

test('turning a camera on needs a fresh code; off needs none; both are in the enrolment log', async (c) => {
  const cl = c.olive.client;
  await cl.get('/alerts/settings');
  assert.is((await cl.post(`/alerts/cameras/${c.porch}`, { on: 'yes' })).status, 400, 'no code');
  assert.is((await cl.post(`/alerts/cameras/${c.porch}`, { on: 'yes', code: '000000' })).status, 400, 'wrong code');
  assert.equal(c.web.ports.alerts.enabledCameras(c.olive.id), []);
  const code = await nextCode(c, c.olive);
  assert.is((await cl.post(`/alerts/cameras/${c.porch}`, { on: 'yes', code })).status, 303);
  assert.equal(c.web.ports.alerts.enabledCameras(c.olive.id), [c.porch]);
  assert.is((await cl.post(`/alerts/cameras/${c.gate}`, { on: 'yes', code })).status, 400, 'the same code twice');
  assert.is((await cl.post(`/alerts/cameras/${c.porch}`, { on: 'no' })).status, 303);
  assert.equal(c.web.ports.alerts.enabledCameras(c.olive.id), []);
  const page = await cl.get('/alerts/settings');
  const log = c.web.ports.alerts.enrolmentLog(c.olive.id, 10);
  assert.equal(log.map((e) => [e.action, e.cameraId, e.by]), [['unenrol', c.porch, 'olive'], ['enrol', c.porch, 'olive']]);
  assert.match(page.body, /id="enrolment-log"[\s\S]*turned off[\s\S]*turned on/);
});

test('one click turns alerts off for every camera, and is logged once', async (c) => {
  const cl = c.olive.client;
  await cl.get('/alerts/settings');
  await cl.post(`/alerts/cameras/${c.porch}`, { on: 'yes', code: await nextCode(c, c.olive) });
  await cl.post(`/alerts/cameras/${c.gate}`, { on: 'yes', code: await nextCode(c, c.olive) });
  assert.is(c.web.ports.alerts.enabledCameras(c.olive.id).length, 2);
  const r = await cl.post('/alerts/off-all', {});
  assert.is(r.status, 303);
  assert.equal(c.web.ports.alerts.enabledCameras(c.olive.id), []);
  assert.is(c.web.ports.alerts.enrolmentLog(c.olive.id, 1)[0].action, 'unenrol-all');
  assert.match((await cl.get('/alerts/settings')).body, /Smart alerts are off for every camera \(2 were on\)/);
});

test('another owner can neither switch my camera nor see my alerts or their images', async (c) => {
  const ot = c.otto.client;
  await ot.get('/alerts/settings');
  assert.is((await ot.post(`/alerts/cameras/${c.porch}`, { on: 'yes', code: await nextCode(c, c.otto) })).status, 404);
  assert.is((await ot.post(`/alerts/cameras/${c.porch}`, { on: 'no' })).status, 404);
  const img = join(c.tmp.dir, 'f.jpg');
  writeFileSync(img, Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
  const seq = c.web.ports.alerts.record({ cameraId: c.porch, ownerId: c.olive.id, eventId: 'e1', atMs: c.web.clock.now, verdict: 'person', score: 0.9, boxes: [], imagePath: img }, c.web.clock.now);
  const mine = await c.olive.client.get(`/alerts/${seq}/image`);
  assert.is(mine.status, 200);
  assert.is(mine.headers['content-type'], 'image/jpeg');
  assert.is(mine.headers['cache-control'], 'private, no-store');
  assert.is((await ot.get(`/alerts/${seq}/image`)).status, 404);
  assert.not.match((await ot.get('/alerts')).body, /alert-item/);
  assert.match((await c.olive.client.get('/alerts')).body, /class="alert-item" data-seq="\d+"/);
  const anon = await c.web.app.inject({ method: 'GET', url: `/alerts/${seq}/image` });
  assert.is(anon.statusCode, 303, 'signed out: to the sign-in page');
});

test('webhook: http(s) only, a code to set it, the secret shown once in the POST answer', async (c) => {
  const cl = c.olive.client;
  await cl.get('/alerts/settings');
  assert.is((await cl.post('/alerts/channels', { webhookUrl: 'ftp://x.org/hook', code: await nextCode(c, c.olive) })).status, 400);
  assert.is((await cl.post('/alerts/channels', { webhookUrl: 'https://hooks.example.org/q' })).status, 400, 'no code');
  assert.is(c.web.ports.alerts.channels(c.olive.id).webhookUrl, null);
  const r = await cl.post('/alerts/channels', { webhookUrl: 'https://hooks.example.org/q', mqtt: 'yes', code: await nextCode(c, c.olive) });
  assert.is(r.status, 200);
  const secret = /id="webhook-secret">([^<]+)</.exec(r.body)![1];
  const ch = c.web.ports.alerts.channels(c.olive.id);
  assert.equal(ch, { mqtt: true, webPush: false, webhookUrl: 'https://hooks.example.org/q', webhookSecret: secret });
  assert.match(secret, /^[A-Za-z0-9_-]{43}$/);
  const settings = await cl.get('/alerts/settings');
  assert.not.ok(settings.body.includes(secret), 'not on the page again');
  // saving other channels keeps URL and secret without a code
  await cl.post('/alerts/channels', { webhookUrl: 'https://hooks.example.org/q', webPush: 'yes' });
  assert.equal(c.web.ports.alerts.channels(c.olive.id), { mqtt: false, webPush: true, webhookUrl: 'https://hooks.example.org/q', webhookSecret: secret });
  const fresh = await cl.post('/alerts/webhook-secret', {});
  assert.is.not(/id="webhook-secret">([^<]+)</.exec(fresh.body)![1], secret);
});

test('push subscriptions: JSON with the CSRF header, https endpoints, P-256 keys; the scripts run on the alert pages only', async (c) => {
  const cl = c.olive.client;
  await cl.get('/alerts/settings');
  const sub = { endpoint: 'https://push.example.net/abc', expirationTime: null, keys: { p256dh: 'B'.repeat(87), auth: 'a'.repeat(22) } };
  const post = (body: unknown, csrf = cl.csrf) => cl.request('POST', '/alerts/push', { payload: JSON.stringify(body), headers: { 'content-type': 'application/json', 'x-csrf-token': csrf } });
  assert.is((await post(sub, 'wrong')).status, 403);
  assert.is((await post({ ...sub, endpoint: 'http://push.example.net/abc' })).status, 400);
  assert.is((await post({ ...sub, keys: { p256dh: 'x', auth: 'y' } })).status, 400);
  assert.is((await post(sub)).status, 204);
  assert.equal(c.web.ports.alerts.pushSubscriptions(c.olive.id).map((s) => s.endpoint), [sub.endpoint]);
  assert.equal(c.web.ports.alerts.pushSubscriptions(c.otto.id), []);
  const settings = await cl.get('/alerts/settings');
  const csp = String(settings.headers['content-security-policy']);
  assert.match(csp, /script-src 'self'; connect-src 'self'; worker-src 'self'/);
  assert.is(csp.split('script-src').length, 2, 'one script-src');
  assert.not.match(settings.body, /<script>/, 'no inline script');
  assert.not.match(String((await cl.get('/cameras')).headers['content-security-policy']), /connect-src|worker-src/, 'the feed and the service worker only where needed');
  assert.is((await cl.get('/alerts-sw.js')).headers['content-type'], 'text/javascript; charset=utf-8');
});

test('deleting an account forgets its alert channels, push subscriptions and sent alerts', async (c) => {
  const store = c.web.ports.alerts;
  store.setChannels(c.olive.id, { mqtt: true, webPush: true, webhookUrl: 'https://h.example.org/', webhookSecret: 's'.repeat(43) });
  store.addPushSubscription(c.olive.id, { endpoint: 'https://push.example.net/1', p256dh: 'B'.repeat(87), auth: 'a'.repeat(22), createdMs: 1 }, 10);
  store.record({ cameraId: c.porch, ownerId: c.olive.id, eventId: 'e', atMs: 1, verdict: 'person', score: 0.9, boxes: [], imagePath: '/x' }, c.web.clock.now);
  store.setChannels(c.otto.id, { mqtt: true, webPush: false, webhookUrl: null, webhookSecret: null });
  store.forgetOwner(c.olive.id);
  assert.equal(store.channels(c.olive.id), { mqtt: false, webPush: false, webhookUrl: null, webhookSecret: null });
  assert.equal(store.pushSubscriptions(c.olive.id), []);
  assert.equal(store.latest(c.olive.id, 10), []);
  assert.is(store.channels(c.otto.id).mqtt, true, 'another owner untouched');
});

test('the live feed streams my new alerts (server-sent events, times in my zone) and ends when I sign out', async (c) => {
  c.web.ports.accounts.setTimeZone(c.olive.id, 'Asia/Tokyo');
  await c.web.app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(c.web.app.server.address() as AddressInfo).port}`;
  const cookie = c.olive.client.cookieHeader();
  const res = await fetch(`${url}/alerts/feed?after=0`, { headers: { cookie } });
  assert.is(res.status, 200);
  assert.match(res.headers.get('content-type')!, /^text\/event-stream/);
  const reader = res.body!.getReader();
  try {
    let text = '';
    const until = async (re: RegExp) => {
      const end = Date.now() + 5000;
      while (!re.test(text)) {
        if (Date.now() > end) throw new Error(`no ${re} in ${text}`);
        const { value, done } = await reader.read();
        if (done) break;
        text += Buffer.from(value).toString();
      }
    };
    const t = Date.now();
    const rec = (owner: string, cam: string) => c.web.ports.alerts.record({ cameraId: cam, ownerId: owner, eventId: `e${Math.random()}`, atMs: c.web.clock.now, verdict: 'person', score: 0.91, boxes: [], imagePath: '/nonexistent' }, c.web.clock.now);
    rec(c.otto.id, 'somecam');
    const seq = rec(c.olive.id, c.porch);
    await until(new RegExp(`id: ${seq}\\ndata: `));
    console.log(`live feed: an alert reached the page's stream ${Date.now() - t} ms after it was recorded`);
    const data = JSON.parse(/data: (.*)\n/.exec(text)![1]);
    assert.equal([data.camera, data.cameraName, data.score], [c.porch, 'Porch', 0.91]);
    assert.is(data.at, formatTime(c.web.clock.now, 'Asia/Tokyo'), 'the time as the page\'s own rows show it');
    assert.match(data.at, /GMT\+9$/);
    assert.not.ok(text.includes('somecam'), 'only my alerts');
    assert.not.ok(text.includes('nonexistent'), 'no server path');
    await c.olive.client.post('/logout', {});
    await until(/$^/).catch(() => {});
    const { done } = await reader.read();
    assert.ok(done, 'the stream ended with the session');
  } finally {
    await reader.cancel().catch(() => {}); // a failed assertion must not leave the stream holding the server open
  }
});

test.run();
