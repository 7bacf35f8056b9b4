/**
 * Consent expiry on a virtual clock, against the relay's own pipeline (Relay with its SQLite store
 * and registry on the same database as the pages, fed chunk by chunk with `relay.handle`): uploads
 * stop at day 365 and resume after the owner re-confirms in the page.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { bundleTopic, chunkBundle, encodeBundle, hexToBytes, macKey } from '../../src/protocol/index.js';
import { SqliteCameraRegistry } from '../../src/adapters/sqlite-registry.js';
import { SqliteRelayStore } from '../../src/adapters/sqlite-store.js';
import { resolveConfig } from '../../src/relay/config.js';
import { silentLogger } from '../../src/log.js';
import { startRelay } from '../../src/relay/main.js';
import type { Relay } from '../../src/relay/relay.js';
import type { ObjectStore } from '../../src/relay/types.js';
import { makeBundle, testJpeg } from '../relay/helpers/bundles.js';
import { addCamera, DAY, signIn, signUp, T0, testWeb, type Owner, type TestWeb } from './helpers.js';

interface Ctx { web: TestWeb; relay: Relay; ann: Owner; cam: string; jpeg: Uint8Array }
const test = suite<Ctx>('web consent expiry at the relay');

test.before(async (c) => {
  c.web = testWeb();
  // the relay's objects land in the pages' bucket, so the zone can show them
  const objects: ObjectStore = {
    put: async (r) => c.web.objects.put(r.key, r.body, r.contentType),
    delete: async (keys) => {
      for (const prefix of new Set(keys.map((k) => k.slice(0, k.lastIndexOf('/') + 1)))) await c.web.objects.deleteAll(prefix);
    },
  };
  const db = c.web.db;
  c.relay = await startRelay({
    config: resolveConfig({ dataDir: '/nonexistent', status: { port: null } }),
    store: new SqliteRelayStore(db), registry: new SqliteCameraRegistry(db), objects, clock: () => c.web.clock.now,
    log: silentLogger, mqtt: false,
  });
  c.ann = await signUp(c.web, 'ann');
  c.cam = (await addCamera(c.ann)).cameraId;
  c.jpeg = await testJpeg();
});
test.after(async (c) => {
  await c.relay.stop();
  await c.web.close();
});

/** A board's bundle, chunked and handed to the relay as MQTT messages; resolves when the relay is idle. */
async function send(c: Ctx, bundleId: string, consentVersion: number): Promise<void> {
  const b = makeBundle({ cameraId: c.cam, bundleId, jpeg: c.jpeg, captureTimeMs: c.web.clock.now, purposes: 1, consentVersion });
  const key = macKey(hexToBytes(c.web.ports.cameras.get(c.cam)!.secret, 32)!); // made at pairing, signs what the board sends
  for (const payload of chunkBundle(encodeBundle(b, undefined, key), { cameraId: c.cam, bundleId, chunkSize: 4096 })) {
    c.relay.handle({ topic: bundleTopic(c.cam), payload, receivedMs: c.web.clock.now });
  }
  await c.relay.whenIdle();
}

const uploaded = (c: Ctx) => c.web.ports.contributions.list(c.ann.id).map((r) => r.bundleId).sort();

test('no consent yet: nothing is uploaded', async (c) => {
  await send(c, 'b-day0', 0);
  assert.equal(uploaded(c), []);
  assert.ok((c.relay.metrics.rejected.get('no-consent') ?? 0) >= 1);
});

test('Motion only from day 0: uploads on day 1 and day 364', async (c) => {
  await c.ann.client.get(`/cameras/${c.cam}`);
  await c.ann.client.post(`/cameras/${c.cam}/contributions`, { choice: 'motion', agree: 'yes' });
  c.web.clock.now = T0 + 1 * DAY;
  await send(c, 'b-day1', 1);
  c.web.clock.now = T0 + 364 * DAY;
  await send(c, 'b-day364', 1);
  assert.equal(uploaded(c), ['b-day1', 'b-day364']);
  const r = c.web.ports.contributions.get(c.ann.id, c.cam, 'b-day1')!;
  assert.is(r.purposes, 1);
  assert.is(r.objects.filter((o) => /^[1-5]-/.test(o.name)).length, 5, 'five images');
});

test('day 365: consent expired, the relay uploads nothing', async (c) => {
  c.web.clock.now = T0 + 365 * DAY;
  await send(c, 'b-day365', 1);
  c.web.clock.now = T0 + 366 * DAY;
  await send(c, 'b-day366', 1);
  assert.equal(uploaded(c), ['b-day1', 'b-day364']);
  assert.is(c.relay.metrics.rejected.get('consent-expired'), 2);
  await signIn(c.web, c.ann);
  assert.match((await c.ann.client.get(`/cameras/${c.cam}`)).body, /expired on 2027-05-01/);
});

test('re-confirmed in the page: uploads resume', async (c) => {
  await c.ann.client.post(`/cameras/${c.cam}/reconfirm`);
  c.web.clock.now += 60000;
  await send(c, 'b-day366-after', 2);
  assert.equal(uploaded(c), ['b-day1', 'b-day364', 'b-day366-after']);
  assert.is(c.web.ports.contributions.get(c.ann.id, c.cam, 'b-day366-after')!.consentVersion, 2);
});

test('withdrawn in the page: the next bundle is refused', async (c) => {
  await c.ann.client.post('/withdraw-all');
  c.web.clock.now += 60000;
  await send(c, 'b-withdrawn', 2);
  assert.equal(uploaded(c).length, 3);
});

test.run();
