/**
 * The RelayStore and CameraRegistry contracts, one suite per interface, run against every
 * implementation (in memory and SQLite) by store.test.ts.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { CameraRegistry, ContributionRecord, NewOutboxEntry, RelayStore } from '../../src/relay/types.js';

export function entry(bundleId: string, cameraId = 'porch'): NewOutboxEntry {
  return {
    cameraId, bundleId, ownerId: 'alice', bytes: Uint8Array.from([1, 2, 3, bundleId.length]), captureTimeMs: 1000,
    purposes: 1, consentVersion: 2, firstChunkMs: 10, acceptedMs: 20,
  };
}

function record(cameraId: string, bundleId: string, uploadedMs: number): ContributionRecord {
  return {
    cameraId, bundleId, ownerId: 'alice', captureTimeMs: 1000, purposes: 1, consentVersion: 2,
    keyPrefix: `contributions/alice/${cameraId}/1970/01/01/${bundleId}/`,
    objects: [{ name: 'meta.json', key: `contributions/alice/${cameraId}/1970/01/01/${bundleId}/meta.json`, bytes: 10, contentType: 'application/json' }],
    uploadedMs,
  };
}

export function storeContract(name: string, make: () => { store: RelayStore; reopen?: () => RelayStore; cleanup: () => void }): void {
  const t = suite(`RelayStore contract: ${name}`);

  t('journal keeps chunks in order and drops them per bundle', () => {
    const { store, cleanup } = make();
    store.addChunk('porch', 'b1', Uint8Array.from([1]), 5);
    store.addChunk('yard', 'b1', Uint8Array.from([2]), 6);
    store.addChunk('porch', 'b1', Uint8Array.from([3]), 7);
    assert.equal(store.journal().map((c) => [...c.bytes]), [[1], [2], [3]]);
    assert.equal(store.journal().map((c) => c.receivedMs), [5, 6, 7]);
    store.dropChunks('porch', 'b1');
    assert.equal(store.journal().map((c) => [...c.bytes]), [[2]]);
    cleanup();
  });

  t('accept stores the bundle, drops its journal, and refuses a duplicate', () => {
    const { store, cleanup } = make();
    store.addChunk('porch', 'b1', Uint8Array.from([9]), 1);
    const e = store.accept(entry('b1'));
    if (e === 'duplicate') return assert.unreachable('accepted');
    assert.equal([...e.bytes], [1, 2, 3, 2]);
    assert.is(e.attempts, 0);
    assert.equal(store.journal(), []);
    assert.ok(store.has('porch', 'b1'));
    assert.not.ok(store.has('porch', 'b2'));
    assert.is(store.accept(entry('b1')), 'duplicate');
    assert.is(store.pendingCount(), 1);
    cleanup();
  });

  t('pending is oldest first, honours limit and skip; failed counts attempts', () => {
    const { store, cleanup } = make();
    const ids = ['a', 'b', 'c'].map((b) => (store.accept(entry(b)) as { id: number }).id);
    assert.equal(store.pending(2, new Set()).map((e) => e.bundleId), ['a', 'b']);
    assert.equal(store.pending(5, new Set([ids[0]])).map((e) => e.bundleId), ['b', 'c']);
    store.failed(ids[1], 'boom');
    store.failed(ids[1], 'boom');
    assert.is(store.pending(5, new Set()).find((e) => e.bundleId === 'b')!.attempts, 2);
    cleanup();
  });

  t('complete moves an entry to the index; the index refuses it as a duplicate', () => {
    const { store, cleanup } = make();
    const e = store.accept(entry('b1')) as { id: number };
    store.complete(e.id, record('porch', 'b1', 100));
    assert.is(store.pendingCount(), 0);
    assert.ok(store.has('porch', 'b1'));
    assert.is(store.accept(entry('b1')), 'duplicate');
    const rows = store.contributions();
    assert.is(rows.length, 1);
    assert.equal(rows[0], record('porch', 'b1', 100));
    cleanup();
  });

  t('discard removes an entry for good', () => {
    const { store, cleanup } = make();
    const e = store.accept(entry('b1')) as { id: number };
    store.discard(e.id, 'consent: no-consent');
    assert.is(store.pendingCount(), 0);
    assert.is(store.accept(entry('b1')), 'duplicate');
    assert.equal(store.contributions(), []);
    cleanup();
  });

  t('contributions filter by owner and camera, newest first, limited', () => {
    const { store, cleanup } = make();
    let i = 0;
    for (const [cam, b, at] of [['porch', 'b1', 100], ['yard', 'b2', 300], ['porch', 'b3', 200]] as const) {
      const e = store.accept(entry(b, cam)) as { id: number };
      store.complete(e.id, record(cam, b, at));
      i++;
    }
    assert.equal(store.contributions().map((r) => r.bundleId), ['b2', 'b3', 'b1']);
    assert.equal(store.contributions({ cameraId: 'porch' }).map((r) => r.bundleId), ['b3', 'b1']);
    assert.equal(store.contributions({ limit: 1 }).map((r) => r.bundleId), ['b2']);
    assert.equal(store.contributions({ ownerId: 'bob' }), []);
    cleanup();
  });

  t('what was committed is there after reopening (durable implementations)', () => {
    const { store, reopen, cleanup } = make();
    if (!reopen) return cleanup();
    store.addChunk('porch', 'b9', Uint8Array.from([7]), 1);
    const e = store.accept(entry('b1')) as { id: number };
    store.failed(e.id, 'x');
    const again = reopen();
    assert.equal(again.journal().map((c) => [...c.bytes]), [[7]]);
    assert.equal(again.pending(5, new Set()).map((x) => [x.bundleId, x.attempts, [...x.bytes]]), [['b1', 1, [1, 2, 3, 2]]]);
    cleanup();
  });

  t.run();
}

export function registryContract(name: string, make: () => { registry: CameraRegistry; cleanup: () => void }): void {
  const t = suite(`CameraRegistry contract: ${name}`);
  t('put, get, list, replace', () => {
    const { registry, cleanup } = make();
    assert.is(registry.get('porch'), null);
    registry.put({ cameraId: 'porch', ownerId: 'alice', placement: 'exterior', consent: { purposes: 3, version: 2, grantedMs: 5, expiresMs: 10 } });
    registry.put({ cameraId: 'hall', ownerId: 'alice', placement: 'interior', consent: null });
    assert.equal(registry.get('porch'), { cameraId: 'porch', ownerId: 'alice', placement: 'exterior', consent: { purposes: 3, version: 2, grantedMs: 5, expiresMs: 10 } });
    assert.equal(registry.get('hall')!.consent, null);
    assert.equal(registry.list().map((c) => c.cameraId), ['hall', 'porch']);
    registry.put({ cameraId: 'porch', ownerId: 'bob', placement: 'exterior', consent: null });
    assert.is(registry.get('porch')!.ownerId, 'bob');
    assert.is(registry.get('porch')!.consent, null);
    cleanup();
  });
  t('a returned record is a copy', () => {
    const { registry, cleanup } = make();
    registry.put({ cameraId: 'porch', ownerId: 'alice', placement: 'exterior', consent: { purposes: 1, version: 1, grantedMs: 0, expiresMs: 1 } });
    registry.get('porch')!.consent!.purposes = 3;
    assert.is(registry.get('porch')!.consent!.purposes, 1);
    cleanup();
  });
  t.run();
}
