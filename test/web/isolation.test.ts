/**
 * Isolation through the HTTP API: a second owner guesses ids, swaps the first owner's ids into
 * every route, and tries S3 keys; nothing of the first owner is seen, listed, fetched or deleted.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readZip } from '../../src/web/zip.js';
import { twoOwners, type TwoOwners } from './helpers.js';

interface Ctx extends TwoOwners { annKeys: string[] }
const test = suite<Ctx>('web isolation');

test.before.each(async (c) => {
  const r = await twoOwners(c);
  c.annKeys = r.objects.map((o) => o.key);
});
test.after.each(async (c) => { await c.web.close(); });

async function annIntact(c: Ctx) {
  assert.is(c.web.ports.contributions.count(c.ann.id), 1, "ann's index row is still there");
  for (const k of c.annKeys) assert.ok(await c.web.objects.get(k), `${k} still in S3`);
  assert.is(c.web.ports.cameras.get(c.annCam)!.name, 'Ann porch');
}

test("bob's pages list nothing of ann", async (c) => {
  for (const url of ['/cameras', '/zone', `/zone?camera=${c.annCam}`, '/access-log', '/status']) {
    const r = await c.bob.client.get(url);
    assert.is(r.status, 200, url);
    assert.not.ok(r.body.includes(c.annCam), `${url} shows ann's camera`);
    assert.not.ok(r.body.includes('b-ann-1'), `${url} shows ann's contribution`);
  }
  assert.match((await c.bob.client.get(`/zone?camera=${c.annCam}`)).body, /0 contribution/);
});

test("bob cannot open, change or consent for ann's camera (404, as for no camera)", async (c) => {
  const none = 'cam-zzzzzzzzzz';
  for (const id of [c.annCam, none]) {
    assert.is((await c.bob.client.get(`/cameras/${id}`)).status, 404);
    assert.is((await c.bob.client.post(`/cameras/${id}/name`, { name: 'pwned' })).status, 404);
    assert.is((await c.bob.client.post(`/cameras/${id}/placement`, { placement: 'interior' })).status, 404);
    assert.is((await c.bob.client.post(`/cameras/${id}/contributions`, { choice: 'both', agree: 'yes' })).status, 404);
    assert.is((await c.bob.client.post(`/cameras/${id}/reconfirm`)).status, 404);
    assert.is((await c.bob.client.post(`/cameras/${id}/interior-confirm`, { confirm: 'yes' })).status, 404);
    assert.is((await c.bob.client.post('/zone/delete-camera', { camera: id })).status, 404);
  }
  assert.is(c.web.ports.cameras.get(c.annCam)!.consent, null, 'no consent was written for ann');
  assert.not.ok(c.web.broker.retained.has(c.annCam), 'no config was pushed to ann\'s camera');
  await annIntact(c);
});

test("bob cannot fetch ann's images with her ids, swapped ids or S3 keys", async (c) => {
  const urls = [
    `/zone/img/${c.annCam}/b-ann-1/1-view.jpg`,
    `/zone/img/${c.bobCam}/b-ann-1/1-view.jpg`, // swapped: his camera, her bundle
    `/zone/img/${c.annCam}/b-bob-1/1-view.jpg`, // swapped: her camera, his bundle
    `/zone/c/${c.annCam}/b-ann-1`,
    `/zone/img/${encodeURIComponent(c.annKeys[0])}`,
    `/${c.annKeys[0]}`,
    `/zone/img/${c.bobCam}/b-bob-1/..%2F..%2F${c.annCam}%2Fb-ann-1%2F1-view.jpg`,
    `/zone/img/${c.bobCam}/b-bob-1/${encodeURIComponent('../../' + c.annKeys[0])}`,
    `/zone/img?key=${encodeURIComponent(c.annKeys[0])}`,
    `/review/${c.ann.id}/${c.annCam}/b-ann-1/1-view.jpg?why=curious%20bob`,
  ];
  for (const u of urls) {
    const r = await c.bob.client.get(u);
    assert.ok(r.status === 404 || r.status === 400, `${u}: ${r.status}`);
    assert.not.ok(r.body.includes(`${c.ann.id}/${c.annCam}/b-ann-1`), `${u} leaked bytes`);
  }
  // his own works
  const own = await c.bob.client.get(`/zone/img/${c.bobCam}/b-bob-1/1-view.jpg`);
  assert.is(own.status, 200);
  assert.is(own.body, `${c.bob.id}/${c.bobCam}/b-bob-1/1-view.jpg`);
});

test("bob cannot delete ann's contributions, one, selected or all", async (c) => {
  await c.bob.client.get('/zone');
  const ask = await c.bob.client.post('/zone/delete', { one: `${c.annCam}/b-ann-1` });
  assert.match(ask.body, /id="confirm-count">0</, 'her contribution counts as none on his confirmation page');
  const one = await c.bob.client.post('/zone/delete', { one: `${c.annCam}/b-ann-1`, confirm: 'yes' });
  assert.is(one.status, 303);
  assert.match((await c.bob.client.get('/zone')).body, /Deleted 0 contribution/);
  await c.bob.client.post('/zone/delete', { sel: [`${c.annCam}/b-ann-1`, `${c.bobCam}/b-ann-1`], confirm: 'yes' });
  await c.bob.client.post('/zone/delete-all', { confirm: 'yes' });
  await annIntact(c);
  assert.is(c.web.ports.contributions.count(c.bob.id), 0, 'his own went');
});

test("bob's export holds only his data", async (c) => {
  const r = await c.bob.client.get('/zone/export.zip');
  assert.is(r.status, 200);
  const files = readZip(r.raw);
  assert.ok(files.has(`${c.bobCam}/2026-05-01/b-bob-1/1-view.jpg`));
  for (const [name, data] of files) {
    assert.not.ok(name.includes(c.annCam), name);
    const text = Buffer.from(data).toString('utf8');
    assert.not.ok(text.includes(c.ann.id) || text.includes(c.annCam), `${name} mentions ann`);
  }
  const manifest = JSON.parse(Buffer.from(files.get('quietcam-export.json')!).toString());
  assert.not.ok(JSON.stringify(manifest).includes(bobSecret(c)), 'no TOTP secret in the export');
  assert.not.ok(JSON.stringify(manifest).includes('scrypt$'), 'no password hash in the export');
});

const bobSecret = (c: Ctx) => c.bob.secret;

test("a signed-out visitor gets nothing, even with ann's ids", async (c) => {
  const { Client } = await import('./helpers.js');
  const anon = new Client(c.web);
  for (const u of ['/zone', `/zone/img/${c.annCam}/b-ann-1/1-view.jpg`, '/zone/export.zip', `/cameras/${c.annCam}`, '/access-log']) {
    const r = await anon.get(u);
    assert.is(r.status, 303, u);
    assert.is(r.headers.location, '/login');
  }
});

test.run();
