/**
 * The dispatcher's own rules, with a recording channel: a bounded queue (the rest dropped and
 * counted), one alert per (camera, event), garbage counted and never thrown, alerts off or another
 * owner's camera: nothing; a channel that never answers does not stop the next alert.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadOrCreateBrokerUsers } from '../../src/adapters/broker-users.js';
import type { Alert } from '../../src/alerts/alert.js';
import { AlertDispatcher } from '../../src/alerts/dispatcher.js';
import type { AlertChannel, Delivery } from '../../src/alerts/message.js';
import { tempDir, waitFor } from '../relay/helpers/env.js';
import { alertStore, enrol, memoryLog, OWNER, sampleAlert } from './helpers.js';

function recorder(o: { hang?: boolean } = {}): AlertChannel & { got: Delivery[] } {
  const got: Delivery[] = [];
  return { name: 'rec', got, wanted: () => true, deliver: (d) => { got.push(d); return o.hang ? new Promise(() => {}) : Promise.resolve('sent'); } };
}

const test = suite('alerts: dispatcher');

test('a full queue drops and counts; send never throws, whatever it is given', async () => {
  const store = alertStore();
  enrol(store, 'porch', {});
  const ch = recorder();
  const d = new AlertDispatcher({ store, channels: [ch], pagesUrl: 'http://x', log: memoryLog(), queueMax: 3 });
  for (let i = 0; i < 10; i++) d.send(sampleAlert('porch', '/none'));
  d.send(null as unknown as Alert);
  d.send({ ...sampleAlert('porch', '/none'), verdict: 'no-person' } as unknown as Alert);
  d.send({ ...sampleAlert('porch', '/none'), score: NaN });
  await waitFor(() => ch.got.length === 3, 2000, 'three delivered');
  const n = d.counts();
  assert.equal([n.received, n.queued, n.dropped, n.invalid], [13, 3, 7, 3]);
  await d.close(1000);
});

test('one alert per event; alerts off, or an alert naming another owner: nothing', async () => {
  const store = alertStore();
  enrol(store, 'porch', {});
  const ch = recorder();
  const d = new AlertDispatcher({ store, channels: [ch], pagesUrl: 'http://x', log: memoryLog() });
  const a = sampleAlert('porch', '/none');
  d.send(a);
  d.send({ ...a });
  d.send(sampleAlert('porch', '/none', { id: 'intruder', username: 'x' }));
  d.send(sampleAlert('yard', '/none'));
  await waitFor(() => ch.got.length === 1, 2000, 'one');
  await new Promise((r) => setTimeout(r, 50));
  assert.is(ch.got.length, 1);
  assert.equal([d.counts().duplicate, d.counts().off], [1, 2]);
  assert.is(store.latest(OWNER.id, 10).length, 1, 'only the sent one is in the feed');
  await d.close(1000);
});

test('a channel that never answers does not hold up the next alerts; close() gives up after its wait', async () => {
  const store = alertStore();
  enrol(store, 'porch', {});
  const ch = recorder({ hang: true });
  const d = new AlertDispatcher({ store, channels: [ch], pagesUrl: 'http://x', log: memoryLog(), concurrency: 1 });
  for (let i = 0; i < 5; i++) d.send(sampleAlert('porch', '/none'));
  await waitFor(() => ch.got.length === 5, 2000, 'all five handed to the channel');
  const t = Date.now();
  await d.close(200);
  assert.ok(Date.now() - t < 1000);
});

test('broker-users.json from before Home Assistant gets a quietcam-ha login, still 0600, other passwords kept', () => {
  const tmp = tempDir('quietcam-users-ha-');
  try {
    const file = join(tmp.dir, 'broker-users.json');
    writeFileSync(file, JSON.stringify({ version: 1, users: { 'quietcam-relay': { password: 'r'.repeat(20) }, 'quietcam-web': { password: 'w'.repeat(20) } } }), { mode: 0o600 });
    const users = loadOrCreateBrokerUsers(tmp.dir);
    assert.is(users.relay.password, 'r'.repeat(20));
    assert.is(users.ha!.username, 'quietcam-ha');
    assert.match(users.ha!.password, /^[A-Za-z0-9_-]{32}$/);
    assert.is(statSync(file).mode & 0o777, 0o600);
    assert.is(JSON.parse(readFileSync(file, 'utf8')).users['quietcam-ha'].password, users.ha!.password);
    assert.equal(loadOrCreateBrokerUsers(tmp.dir), users, 'the same on the next start');
  } finally {
    tmp.cleanup();
  }
});

test.run();
