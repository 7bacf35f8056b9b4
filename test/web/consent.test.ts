/**
 * Consent as the owner sets it: per camera and purpose, recorded with wording version and date,
 * written where the relay reads it (its `cameras` table), pushed to the camera as a retained
 * config that the firmware accepts; interior cameras off until a warned confirmation; a reminder
 * 30 days before expiry; withdrawing everything in one click.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Consent } from '../../firmware/app/consent.js';
import { openConfig } from '../../src/protocol/consent-config.js';
import { hexToBytes, macKey } from '../../src/protocol/mac.js';
import { SqliteCameraRegistry } from '../../src/adapters/sqlite-registry.js';
import { purposesInForce } from '../../src/relay/consent.js';
import { CONSENT_TEXT_VERSION } from '../../src/web/consent-text.js';
import { addCamera, DAY, signIn, signUp, T0, testWeb, type Owner, type TestWeb } from './helpers.js';

interface Ctx { web: TestWeb; ann: Owner; registry: SqliteCameraRegistry }
const test = suite<Ctx>('web consent');
test.before.each(async (c) => {
  c.web = testWeb();
  c.ann = await signUp(c.web, 'ann');
  c.registry = new SqliteCameraRegistry(c.web.db);
});
test.after.each(async (c) => { await c.web.close(); });

const relayAllows = (c: Ctx, cam: string, requested: number, at = c.web.clock.now) => purposesInForce(c.registry.get(cam), requested, at);

test('a new camera contributes nothing: the relay knows it, with no consent', async (c) => {
  const { cameraId } = await addCamera(c.ann);
  const rec = c.registry.get(cameraId)!;
  assert.is(rec.ownerId, c.ann.id);
  assert.is(rec.consent, null);
  assert.equal(relayAllows(c, cameraId, 3), { ok: false, reason: 'no-consent', detail: 'the owner has not consented to any purpose' });
});

test('Motion only: recorded with wording version and date, enforced by the relay, pushed to the camera', async (c) => {
  const { cameraId } = await addCamera(c.ann);
  await c.ann.client.get(`/cameras/${cameraId}`);
  const r = await c.ann.client.post(`/cameras/${cameraId}/contributions`, { choice: 'motion', agree: 'yes' });
  assert.is(r.status, 303);
  const [rec] = c.web.ports.cameras.consentHistory(cameraId);
  assert.equal({ ...rec }, { cameraId, ownerId: c.ann.id, purposes: 1, version: 1, textVersion: CONSENT_TEXT_VERSION, grantedMs: T0, expiresMs: T0 + 365 * DAY, action: 'set' });
  assert.equal(relayAllows(c, cameraId, 3), { ok: true, purposes: 1, consentVersion: 1 }, 'objectron is dropped, motion allowed');
  const { mac, ...cfg } = c.web.broker.config(cameraId)! as Record<string, unknown>;
  assert.equal(cfg, { v: 2, purposes: 'motion', placement: 'exterior', interiorConfirmed: false, grantedMs: T0, expiresMs: T0 + 365 * DAY, consentVersion: 1 });
  assert.match(String(mac), /^[0-9a-f]{32}$/, 'signed');
  // the board's check: signed with this camera's secret (made at pairing), and not for another camera
  const key = macKey(hexToBytes(c.web.ports.cameras.get(cameraId)!.secret, 32)!);
  const retained = c.web.broker.retained.get(cameraId)!;
  assert.not.ok(openConfig(retained, 'other', key).ok);
  const opened = openConfig(retained, cameraId, key);
  assert.ok(opened.ok);
  // the firmware accepts it and allows motion now, not after expiry
  const fw = new Consent();
  if (opened.ok) fw.apply(opened.terms);
  assert.is(fw.purposesAt(T0 + DAY, true), 1);
  assert.is(fw.purposesAt(T0 + 365 * DAY, true), 0);
  const page = (await c.ann.client.get(`/cameras/${cameraId}`)).body;
  assert.match(page, /Contributions: Motion only/);
  assert.match(page, /in force, 365 day/);
});

test('turning contributions on needs the agreement box; off does not', async (c) => {
  const { cameraId } = await addCamera(c.ann);
  await c.ann.client.get(`/cameras/${cameraId}`);
  const r = await c.ann.client.post(`/cameras/${cameraId}/contributions`, { choice: 'both' });
  assert.is(r.status, 400);
  assert.match(r.body, /id="e-agree">Tick this box to turn contributions on/, 'the camera page again, the message next to the box');
  assert.match(r.body, /value="both" checked>/, 'the choice made is kept');
  assert.is(c.registry.get(cameraId)!.consent, null);
  assert.is((await c.ann.client.post(`/cameras/${cameraId}/contributions`, { choice: 'off' })).status, 303);
});

test('each change is a new version; the relay refuses bundles of older consent purposes', async (c) => {
  const { cameraId } = await addCamera(c.ann);
  await c.ann.client.post(`/cameras/${cameraId}/contributions`, { choice: 'both', agree: 'yes' });
  await c.ann.client.post(`/cameras/${cameraId}/contributions`, { choice: 'objectron', agree: 'yes' });
  const h = c.web.ports.cameras.consentHistory(cameraId);
  assert.equal(h.map((r) => [r.version, r.purposes]), [[2, 2], [1, 3]]);
  assert.is(relayAllows(c, cameraId, 1).ok, false, 'motion no longer allowed');
  assert.equal(c.web.broker.config(cameraId)!.purposes, 'objectron');
});

test('interior: starts off, needs the warned confirmation, then a choice', async (c) => {
  const { cameraId } = await addCamera(c.ann, 'Living room', 'interior');
  const page = (await c.ann.client.get(`/cameras/${cameraId}`)).body;
  assert.match(page, /looks inside a home/);
  assert.match(page, /off: interior camera, not confirmed/);
  assert.is((await c.ann.client.post(`/cameras/${cameraId}/contributions`, { choice: 'motion', agree: 'yes' })).status, 409);
  assert.is((await c.ann.client.post(`/cameras/${cameraId}/interior-confirm`, {})).status, 400, 'the box must be ticked');
  assert.is((await c.ann.client.post(`/cameras/${cameraId}/interior-confirm`, { confirm: 'yes' })).status, 303);
  assert.is(c.registry.get(cameraId)!.consent, null, 'confirming the placement is not consent');
  await c.ann.client.get(`/cameras/${cameraId}`);
  assert.is((await c.ann.client.post(`/cameras/${cameraId}/contributions`, { choice: 'motion', agree: 'yes' })).status, 303);
  assert.is(relayAllows(c, cameraId, 1).ok, true);
  const cfg = c.web.broker.config(cameraId)!;
  assert.is(cfg.interiorConfirmed, true);
  const fw = new Consent();
  fw.update(c.web.broker.retained.get(cameraId)!);
  assert.is(fw.purposesAt(T0 + 1000, true), 1, 'the firmware accepts a confirmed interior camera');
});

test('moving a camera inside turns its contributions off at once', async (c) => {
  const { cameraId } = await addCamera(c.ann);
  await c.ann.client.post(`/cameras/${cameraId}/contributions`, { choice: 'both', agree: 'yes' });
  await c.ann.client.post(`/cameras/${cameraId}/placement`, { placement: 'interior' });
  assert.is(relayAllows(c, cameraId, 3).ok, false);
  assert.is(c.registry.get(cameraId)!.placement, 'interior');
  assert.equal(c.web.broker.config(cameraId)!.purposes, 'off');
});

test('reminder 30 days before expiry, expired after 365 days, re-confirmation renews', async (c) => {
  const { cameraId } = await addCamera(c.ann);
  await c.ann.client.post(`/cameras/${cameraId}/contributions`, { choice: 'motion', agree: 'yes' });
  c.web.clock.now = T0 + 334 * DAY;
  await signIn(c.web, c.ann); // the session ended long ago
  assert.not.match((await c.ann.client.get('/cameras')).body, /id="reminder"/);
  c.web.clock.now = T0 + 336 * DAY;
  await signIn(c.web, c.ann);
  const soon = (await c.ann.client.get('/cameras')).body;
  assert.match(soon, /id="reminder"/);
  assert.match(soon, /ends in 29 day/);
  c.web.clock.now = T0 + 365 * DAY;
  await signIn(c.web, c.ann);
  assert.match((await c.ann.client.get(`/cameras/${cameraId}`)).body, /expired on 2027-05-01/);
  assert.equal(relayAllows(c, cameraId, 1).ok, false);
  assert.is((await c.ann.client.post(`/cameras/${cameraId}/reconfirm`)).status, 303);
  assert.equal(relayAllows(c, cameraId, 1), { ok: true, purposes: 1, consentVersion: 2 });
  assert.equal(c.web.ports.cameras.consentHistory(cameraId)[0].action, 'reconfirm');
  assert.is(c.web.broker.config(cameraId)!.expiresMs, T0 + 730 * DAY);
});

test('withdraw everything in one click', async (c) => {
  const a = await addCamera(c.ann, 'A');
  const b = await addCamera(c.ann, 'B');
  const other = await signUp(c.web, 'bob');
  const x = await addCamera(other, 'X');
  await c.ann.client.post(`/cameras/${a.cameraId}/contributions`, { choice: 'both', agree: 'yes' });
  await c.ann.client.post(`/cameras/${b.cameraId}/contributions`, { choice: 'motion', agree: 'yes' });
  await other.client.post(`/cameras/${x.cameraId}/contributions`, { choice: 'motion', agree: 'yes' });
  await c.ann.client.get('/cameras');
  assert.is((await c.ann.client.post('/withdraw-all')).status, 303);
  assert.match((await c.ann.client.get('/cameras')).body, /off for every camera \(2 changed\)/);
  for (const id of [a.cameraId, b.cameraId]) {
    assert.is(relayAllows(c, id, 3).ok, false);
    assert.is(c.web.broker.config(id)!.purposes, 'off');
  }
  assert.is(relayAllows(c, x.cameraId, 1).ok, true, "bob's camera is untouched");
});

test('a broker that is down: the change is in force at the relay, and the page says so', async (c) => {
  const { cameraId } = await addCamera(c.ann);
  c.web.broker.failWith = new Error('connection refused');
  await c.ann.client.post(`/cameras/${cameraId}/contributions`, { choice: 'motion', agree: 'yes' });
  assert.is(relayAllows(c, cameraId, 1).ok, true);
  assert.match((await c.ann.client.get(`/cameras/${cameraId}`)).body, /will be told when it reconnects/);
});

test.run();
