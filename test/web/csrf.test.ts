/**
 * CSRF on every state-changing route (enumerated from the app, so a new route is covered
 * automatically), security headers on every answer, and bad input that gets a clear 4xx.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { addCamera, Client, seedContribution, signUp, testWeb, type Owner, type TestWeb } from './helpers.js';

interface Ctx { web: TestWeb; ann: Owner; cam: string }
const test = suite<Ctx>('web csrf, headers, bad input');

test.before.each(async (c) => {
  c.web = testWeb();
  c.ann = await signUp(c.web, 'ann');
  c.cam = (await addCamera(c.ann)).cameraId;
  seedContribution(c.web, c.ann.id, c.cam, 'b-1');
});
test.after.each(async (c) => { await c.web.close(); });

const fill = (url: string, cam: string) => url.replace(':id', cam).replace(':camera', cam).replace(':bundle', 'b-1').replace(':owner', 'x').replace(':name', '1-view.jpg');

test('every non-GET route refuses a missing, wrong or other-session CSRF token', async (c) => {
  const routes = c.web.routes.filter((r) => !['GET', 'HEAD', 'OPTIONS'].includes(r.method));
  assert.ok(routes.length >= 14, `found ${routes.length} state-changing routes`);
  const other = await signUp(c.web, 'bob');
  const before = JSON.stringify([c.web.ports.cameras.listByOwner(c.ann.id), c.web.ports.contributions.list(c.ann.id)]);
  for (const r of routes) {
    const url = fill(r.url, c.cam);
    const form = { name: 'x', placement: 'interior', choice: 'both', agree: 'yes', confirm: 'yes', one: `${c.cam}/b-1`, camera: c.cam, code: '123456' };
    const none = await c.ann.client.request(r.method, url, { form });
    assert.is(none.status, 403, `${r.method} ${r.url} without token: ${none.status}`);
    const wrong = await c.ann.client.request(r.method, url, { form: { ...form, _csrf: 'x'.repeat(32) } });
    assert.is(wrong.status, 403, `${r.method} ${r.url} with a wrong token`);
    const theirs = await c.ann.client.request(r.method, url, { form: { ...form, _csrf: other.client.csrf } });
    assert.is(theirs.status, 403, `${r.method} ${r.url} with another session's token`);
    const cross = await c.ann.client.request(r.method, url, { form: { ...form, _csrf: c.ann.client.csrf }, headers: { 'sec-fetch-site': 'cross-site' } });
    assert.is(cross.status, 403, `${r.method} ${r.url} cross-site`);
  }
  assert.is(JSON.stringify([c.web.ports.cameras.listByOwner(c.ann.id), c.web.ports.contributions.list(c.ann.id)]), before, 'nothing changed');
  assert.is((await c.ann.client.get('/cameras')).status, 200, 'still signed in');
});

test('security headers on pages, images, errors', async (c) => {
  for (const u of ['/cameras', `/zone/img/${c.cam}/b-1/1-view.jpg`, '/nope', '/login']) {
    const r = await c.ann.client.get(u);
    const h = r.headers;
    assert.match(String(h['content-security-policy']), /default-src 'none'/, u);
    assert.match(String(h['content-security-policy']), /frame-ancestors 'none'/, u);
    assert.is(h['x-content-type-options'], 'nosniff', u);
    assert.is(h['x-frame-options'], 'DENY', u);
    assert.is(h['referrer-policy'], 'no-referrer', u);
    assert.match(String(h['strict-transport-security']), /max-age=/, u);
    assert.match(String(h['cache-control']), /no-store/, u);
  }
  const img = await c.ann.client.get(`/zone/img/${c.cam}/b-1/1-view.jpg`);
  assert.is(img.headers['content-type'], 'image/jpeg');
  assert.match(String(img.headers['cache-control']), /private/);
});

test('no secret in any URL: pairing token and TOTP secret are only in page bodies', async (c) => {
  const r = await c.ann.client.post('/cameras', { name: 'Garden', placement: 'exterior' });
  assert.is(r.status, 201, 'the token is shown in the POST answer, not behind a redirect');
  assert.not.ok(r.headers.location);
  const token = /id="pairing-token">([^<]+)</.exec(r.body)![1];
  assert.not.ok((await c.ann.client.get('/cameras')).body.includes(token), 'shown once');
  for (const link of (await c.ann.client.get('/cameras')).body.matchAll(/(?:href|action|src)="([^"]+)"/g)) {
    assert.not.ok(/token|secret|csrf|sid/i.test(link[1]), link[1]);
  }
});

test('bad input: a clear 4xx, never a 500 or a stack', async (c) => {
  const cl = c.ann.client;
  const cases: [string, string, Record<string, string | string[]> | string | undefined, number[]][] = [
    ['GET', '/cameras/NOT_AN_ID', undefined, [400]],
    ['GET', `/cameras/${'a'.repeat(33)}`, undefined, [400]],
    ['GET', "/cameras/x'%20OR%201=1--", undefined, [400]],
    ['GET', `/zone/img/${c.cam}/b-1/..%2F..%2Fetc%2Fpasswd`, undefined, [400]],
    ['GET', `/zone/img/${c.cam}/b-1/6-secret.jpg`, undefined, [404]],
    ['GET', `/zone/img/${c.cam}/b-1/%00.jpg`, undefined, [400]],
    ['GET', '/zone?from=yesterday', undefined, [400]],
    ['GET', '/zone?from=2026-02-31', undefined, [200, 400]],
    ['GET', '/zone?page=-1', undefined, [400]],
    ['GET', '/zone?evil=1', undefined, [400]],
    ['GET', `/zone/c/${c.cam}/${'b'.repeat(200)}`, undefined, [400, 404, 414]],
    ['GET', '/zone/%E0%A4%A', undefined, [400, 404]],
    ['POST', '/cameras', { name: '', placement: 'exterior' }, [400]],
    ['POST', '/cameras', { name: '<script>', placement: 'exterior' }, [400]],
    ['POST', '/cameras', { name: 'x', placement: 'attic' }, [400]],
    ['POST', '/cameras', { name: ['a', 'b'], placement: 'exterior' }, [400]],
    ['POST', '/cameras', { name: 'x', placement: 'exterior', extra: '1' }, [400]],
    ['POST', `/cameras/${c.cam}/contributions`, { choice: 'everything', agree: 'yes' }, [400]],
    ['POST', `/cameras/${c.cam}/contributions`, { choice: 'motion' }, [400]],
    ['POST', '/zone/delete', { one: 'no-slash' }, [400]],
    ['POST', '/zone/delete', { one: `${c.cam}/../../x` }, [400]],
    ['POST', '/zone/delete', {}, [400]],
    ['POST', '/zone/delete', { sel: Array.from({ length: 1001 }, (_, i) => `${c.cam}/b-${i}`) }, [400, 413]],
    ['POST', '/zone/delete-all', { confirm: 'no' }, [400]],
    ['POST', '/login', { username: 'x'.repeat(1000), password: 'y' }, [400]],
  ];
  for (const [method, url, form, want] of cases) {
    const r = typeof form === 'object' ? await cl.request(method, url, { form: { _csrf: cl.csrf, ...form } }) : await cl.request(method, url);
    assert.ok(want.includes(r.status), `${method} ${url}: ${r.status} ${r.body.slice(0, 200)}`);
    assert.not.match(r.body, /at .*\.ts:\d+|Error:|stack/i, `${method} ${url} shows a stack`);
  }
  // oversized, wrong type, broken JSON
  const big = await cl.request('POST', '/cameras', { payload: `_csrf=${cl.csrf}&name=${'x'.repeat(70000)}&placement=exterior`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.is(big.status, 413);
  const xml = await cl.request('POST', '/cameras', { payload: '<x/>', headers: { 'content-type': 'application/xml' } });
  assert.is(xml.status, 415);
  const json = await cl.request('POST', '/cameras', { payload: '{"name":', headers: { 'content-type': 'application/json' } });
  assert.is(json.status, 400);
  assert.is((await cl.get('/cameras')).status, 200, 'the server is fine');
});

test('a failing store is a 500 with a reference, not a stack', async (c) => {
  const orig = c.web.ports.contributions.list;
  c.web.ports.contributions.list = () => { throw new Error('disk on fire at /secret/path.ts:12'); };
  const r = await c.ann.client.get('/zone');
  c.web.ports.contributions.list = orig;
  assert.is(r.status, 500);
  assert.match(r.body, /reference/);
  assert.not.match(r.body, /disk on fire|secret\/path/);
});

test.run();
