/**
 * The owner's status page: the relay's figures (stored, waiting, being retried) for the signed-in
 * owner's cameras only; signed out, nothing.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SqliteRelayStore } from '../../src/adapters/sqlite-store.js';
import { Client, seedContribution, twoOwners, type TwoOwners } from './helpers.js';

type Ctx = TwoOwners;
const test = suite<Ctx>('owner status page');

test.before.each(async (c) => {
  await twoOwners(c);
  seedContribution(c.web, c.ann.id, c.annCam, 'b-ann-2', c.web.clock.now + 1000);
  // two of ann's bundles waiting in the relay's outbox, one of them after a failed upload
  const store = new SqliteRelayStore(c.web.db);
  const base = { cameraId: c.annCam, ownerId: c.ann.id, bytes: new Uint8Array(4), captureTimeMs: 0, purposes: 1, consentVersion: 1, firstChunkMs: 0, acceptedMs: 0 };
  const w1 = store.accept({ ...base, bundleId: 'b-ann-3' });
  store.accept({ ...base, bundleId: 'b-ann-4' });
  if (w1 !== 'duplicate') store.failed(w1.id, 'S3 down');
  store.accept({ ...base, cameraId: c.bobCam, ownerId: c.bob.id, bundleId: 'b-bob-2' });
});
test.after.each(async (c) => { await c.web?.close(); });

const cell = (body: string, cam: string, cls: string) => new RegExp(`data-camera="${cam}"[\\s\\S]*?class="${cls}">(\\d+)<`).exec(body)?.[1];

test("an owner sees her own cameras' figures: stored, waiting, being retried", async (c) => {
  const r = await c.ann.client.get('/status');
  assert.is(r.status, 200);
  assert.is(cell(r.body, c.annCam, 'uploaded'), '2');
  assert.is(cell(r.body, c.annCam, 'pending'), '2');
  assert.is(cell(r.body, c.annCam, 'retrying'), '1');
  assert.match(r.body, /Ann porch/);
});

test("she sees nothing of another owner's cameras, and he nothing of hers", async (c) => {
  const ann = await c.ann.client.get('/status');
  for (const s of [c.bobCam, c.bob.id, 'Bob drive', 'b-bob']) assert.not.ok(ann.body.includes(s), `ann's status shows ${s}`);
  const bob = await c.bob.client.get('/status');
  assert.is(cell(bob.body, c.bobCam, 'uploaded'), '1');
  assert.is(cell(bob.body, c.bobCam, 'pending'), '1');
  for (const s of [c.annCam, c.ann.id, 'Ann porch', 'b-ann']) assert.not.ok(bob.body.includes(s), `bob's status shows ${s}`);
});

test('signed out: a redirect to sign in, nothing else', async (c) => {
  const r = await new Client(c.web).get('/status');
  assert.is(r.status, 303);
  assert.is(r.headers.location, '/login');
  assert.not.ok(r.body.includes(c.annCam));
});

test.run();
