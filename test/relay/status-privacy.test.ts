/**
 * The relay's status server has no sign-in: signed out, nothing in it names an owner, a camera, a
 * bundle or an S3 key, nor carries a credential or an error text; it listens on 127.0.0.1 by default.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { AddressInfo } from 'node:net';
import { startStatusServer, statusApp } from '../../src/adapters/http-status.js';
import { resolveConfig } from '../../src/relay/config.js';
import { publicStatus, withoutCredentials, type RelayStatus } from '../../src/relay/status.js';

const SECRETS = ['owner-ann-7f3', 'cam-porch-9c1', 'bundle-b42', 'contributions/owner-ann-7f3', 'hunter2', 'quietcam-relay:', 's3secret', 'my-private-bucket'];

function leakyStatus(state: RelayStatus['state'] = 'failed'): RelayStatus {
  return {
    startedAt: '2026-12-07T00:00:00.000Z', uptimeS: 12, state, storage: { problem: state === 'paused' ? 'full' : null, pauses: state === 'paused' ? 1 : 0 },
    failure: 'ENOSPC writing contributions/owner-ann-7f3/cam-porch-9c1/2026/12/07/bundle-b42/1-view.jpg',
    broker: { url: 'mqtts://quietcam-relay:hunter2@10.0.0.5:8883', connected: true },
    bucket: { endpoint: 'http://AKIA:s3secret@10.0.0.6:4568', region: 'eu-west-1', bucket: 'my-private-bucket', sse: 'AES256' },
    counts: {
      chunksReceived: 10, chunksDuplicate: 0, chunksDropped: 1, received: 3, accepted: 2, duplicate: 0, rejected: 1, uploaded: 2,
      pending: 0, uploading: 0, retries: 0, incomplete: { timeout: 0, evicted: 0 }, partial: 0, partialBytes: 0, objectsUploaded: 10,
      bytesUploaded: 1234,
      acks: { sent: 3, unsent: 1, refusals: 2 },
    },
    rejectedByReason: { 'bad-mac': 1 },
    rejectedByCamera: { 'cam-porch-9c1': { 'bad-mac': 1 } },
    latencyMs: { p50: 40, p99: 90, samples: 2 },
  };
}

/** A relay-like source that also offers per-owner records, as the real Relay does. */
const source = {
  state: 'failed' as RelayStatus['state'],
  status() { return leakyStatus(this.state); },
  contributions() {
    return [{ cameraId: 'cam-porch-9c1', bundleId: 'bundle-b42', ownerId: 'owner-ann-7f3', captureTimeMs: 0, purposes: 3, consentVersion: 1, keyPrefix: 'contributions/owner-ann-7f3/x/', objects: [], uploadedMs: 0 }];
  },
};

const test = suite('relay status privacy');

test('signed out, no page of the status server names an owner, camera, bundle, key or credential', async () => {
  const app = statusApp(source);
  try {
    for (const url of ['/', '/status', '/metrics', '/healthz', '/contributions', '/contributions?owner=owner-ann-7f3', '/?camera=cam-porch-9c1']) {
      const r = await app.inject({ method: 'GET', url });
      for (const s of SECRETS) assert.not.ok(r.body.includes(s), `${url} leaks ${s}: ${r.body.slice(0, 200)}`);
    }
    assert.is((await app.inject({ method: 'GET', url: '/contributions' })).statusCode, 404, 'no per-owner listing');
  } finally {
    await app.close();
  }
});

test('it still shows counts and health: state, broker connection, rejections by reason, how many cameras', async () => {
  const app = statusApp(source);
  try {
    const json = (await app.inject({ method: 'GET', url: '/status' })).json();
    assert.is(json.state, 'failed');
    assert.is(json.failure, undefined, 'no error text (it may quote a key)');
    assert.is(json.broker.url, 'mqtts://10.0.0.5:8883');
    assert.ok(json.broker.connected);
    assert.is(json.counts.uploaded, 2);
    assert.equal(json.counts.incomplete, { timeout: 0, evicted: 0 });
    assert.equal(json.counts.acks, { sent: 3, unsent: 1, refusals: 2 });
    assert.equal(json.rejectedByReason, { 'bad-mac': 1 });
    assert.is(json.camerasWithRejections, 1);
    assert.is(json.rejectedByCamera, undefined);
    assert.is(json.bucket.bucket, undefined);
    const page = await app.inject({ method: 'GET', url: '/' });
    assert.match(String(page.headers['content-security-policy']), /default-src 'none'.*frame-ancestors 'none'/);
    const html = page.body;
    assert.match(html, /FAILED/);
    assert.match(html, /bad-mac/);
    assert.match(html, /acks to cameras<\/th><td>sent: 3, unsent: 1, refusals: 2/);
    assert.is((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 503);
  } finally {
    await app.close();
  }
});

test('a counter holding anything but numbers is dropped from the public view', () => {
  const s = leakyStatus();
  (s.counts as unknown as Record<string, unknown>).lastCamera = 'cam-porch-9c1';
  assert.not.ok(JSON.stringify(publicStatus(s)).includes('cam-porch-9c1'));
});

test('credentials are cut from URLs; URLs without them are unchanged', () => {
  assert.is(withoutCredentials('mqtt://u:p@host:1883'), 'mqtt://host:1883');
  assert.is(withoutCredentials('http://127.0.0.1:4568/path?x=a@b'), 'http://127.0.0.1:4568/path?x=a@b');
  assert.is(withoutCredentials('AWS S3 (eu-west-1)'), 'AWS S3 (eu-west-1)');
});

test('the status server listens on 127.0.0.1 by default', async () => {
  const c = resolveConfig({});
  assert.is(c.status.host, '127.0.0.1');
  const server = await startStatusServer(source, { host: c.status.host, port: 0 });
  try {
    const addr = server.app.server.address() as AddressInfo;
    assert.is(addr.address, '127.0.0.1');
    assert.ok(server.url.startsWith('http://127.0.0.1:'));
  } finally {
    await server.stop();
  }
});

test.run();
