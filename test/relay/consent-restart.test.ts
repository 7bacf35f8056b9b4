/**
 * Consent has one source and a monotonic version: a relay restart with the same (or an older)
 * relay.json never widens what the owner last chose, on the SQLite registry (issue 19, item 2).
 */
// test-timeout: 90 s
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SqliteCameraRegistry } from '../../src/adapters/sqlite-registry.js';
import { openDatabase } from '../../src/adapters/sqlite-schema.js';
import { silentLogger } from '../../src/log.js';
import { resolveConfig, type CameraSeed } from '../../src/relay/config.js';
import { mergeSeedConsent } from '../../src/relay/consent.js';
import { startRelay } from '../../src/relay/main.js';
import type { Relay } from '../../src/relay/relay.js';
import { SqliteCameras } from '../../src/web/adapters/sqlite-cameras.js';
import { tempDir } from './helpers/env.js';
import { MemoryBucket } from './helpers/relay.js';

const seed = (version: number, purposes: ('motion' | 'objectron')[] = ['motion', 'objectron']): CameraSeed =>
  ({ id: 'porch', owner: 'alice', placement: 'exterior', consent: { purposes, version, granted: '2026-01-01T00:00:00Z' } }) as CameraSeed;

async function withRelay<T>(dir: string, cameras: CameraSeed[], fn: (relay: Relay) => T): Promise<T> {
  const relay = await startRelay({
    config: resolveConfig({ dataDir: dir, status: { port: null }, cameras: cameras as never }),
    objects: new MemoryBucket(), log: silentLogger, mqtt: false,
  });
  try {
    return fn(relay);
  } finally {
    await relay.stop();
  }
}

test('a withdrawal at the file\'s version survives restarts with that file; a lower version cannot come back', async () => {
  const { dir, cleanup } = tempDir();
  try {
    await withRelay(dir, [seed(1)], (r) => assert.is(r.registry.get('porch')!.consent!.purposes, 3));
    // the owner withdraws (same version as the file: what the fault run did)
    await withRelay(dir, [seed(1)], (r) => r.registry.put({ ...r.registry.get('porch')!, consent: { ...r.registry.get('porch')!.consent!, purposes: 0 } }));
    await withRelay(dir, [seed(1)], (r) => assert.is(r.registry.get('porch')!.consent!.purposes, 0, 'restart with the same file: still withdrawn'));
    await withRelay(dir, [seed(1)], (r) => assert.is(r.registry.get('porch')!.consent!.purposes, 0, 'and again'));
    // a withdrawal at a higher version, then an older file
    await withRelay(dir, [seed(1)], (r) => r.registry.put({ ...r.registry.get('porch')!, consent: { ...r.registry.get('porch')!.consent!, purposes: 0, version: 4 } }));
    await withRelay(dir, [seed(2)], (r) => assert.equal(r.registry.get('porch')!.consent!.purposes, 0, 'older file version'));
    // a file without consent withdraws; putting back the old version does not re-grant
    await withRelay(dir, [{ ...seed(1), consent: undefined } as CameraSeed], (r) => assert.is(r.registry.get('porch')!.consent!.purposes, 0));
    await withRelay(dir, [seed(3)], (r) => assert.is(r.registry.get('porch')!.consent!.purposes, 0));
    // a new decision in the file (higher version) is the owner's: it applies
    await withRelay(dir, [seed(5, ['motion'])], (r) => assert.is(r.registry.get('porch')!.consent!.purposes, 1));
  } finally {
    cleanup();
  }
});

test('a camera paired in the pages and listed in relay.json: the pages\' withdrawal holds across a restart', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const db = openDatabase(join(dir, 'relay.db'));
    const cameras = new SqliteCameras(db);
    cameras.add({ cameraId: 'porch', ownerId: 'alice', name: 'Porch', placement: 'exterior', interiorConfirmed: false, pairingHash: 'h', createdMs: 1 }, { brokerHash: 'b', macSecret: 's' });
    cameras.setConsent({ cameraId: 'porch', ownerId: 'alice', purposes: 3, version: 1, textVersion: 't', grantedMs: 5, expiresMs: 9e15, action: 'grant' });
    cameras.setConsent({ cameraId: 'porch', ownerId: 'alice', purposes: 0, version: 1, textVersion: 't', grantedMs: 6, expiresMs: 9e15, action: 'withdraw' });
    db.close();
    await withRelay(dir, [seed(1)], () => undefined);
    await withRelay(dir, [seed(1)], (r) => assert.is(r.registry.get('porch')!.consent!.purposes, 0));
    const again = openDatabase(join(dir, 'relay.db'));
    assert.is(new SqliteCameraRegistry(again).get('porch')!.consent!.purposes, 0);
    again.close();
  } finally {
    cleanup();
  }
});

test('mergeSeedConsent: higher version wins, same version keeps the narrower', () => {
  const c = (purposes: number, version: number, grantedMs = 0, expiresMs = 100) => ({ purposes, version, grantedMs, expiresMs });
  assert.equal(mergeSeedConsent(c(0, 1), c(3, 1)), c(0, 1));
  assert.equal(mergeSeedConsent(c(1, 1, 5, 50), c(3, 1, 0, 100)), c(1, 1, 5, 50));
  assert.equal(mergeSeedConsent(c(0, 4), c(3, 2)), c(0, 4));
  assert.equal(mergeSeedConsent(c(0, 4), c(3, 5)), c(3, 5));
  assert.equal(mergeSeedConsent(null, c(3, 1)), c(3, 1));
  assert.equal(mergeSeedConsent(c(3, 2), null), c(0, 2));
});

test.run();
