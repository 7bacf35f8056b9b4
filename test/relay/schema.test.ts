/**
 * The home database's schema module: numbered migrations (user_version), a database made before
 * migrations existed opens, consent has one source (the pages' history, read by the relay's
 * registry through a view), and relays sharing the file split the work safely (journal
 * completion seen once, outbox leases).
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SqliteCameraRegistry } from '../../src/adapters/sqlite-registry.js';
import { MIGRATIONS, openDatabase, WEB_AND_RELAY_TABLES_V1 } from '../../src/adapters/sqlite-schema.js';
import { SqliteRelayStore } from '../../src/adapters/sqlite-store.js';
import { SqliteCameras } from '../../src/web/adapters/sqlite-cameras.js';
import { tempDir } from './helpers/env.js';
import { entry } from './store-contract.js';

test('a fresh database gets every migration; opening again changes nothing', () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'relay.db');
    openDatabase(file).close();
    const db = openDatabase(file);
    assert.is(db.pragma('user_version', { simple: true }), MIGRATIONS.length);
    db.close();
  } finally {
    cleanup();
  }
});

test('a database of the schema before migrations opens: its rows stay, the web copy of a camera in `cameras` goes', () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'relay.db');
    const old = new Database(file);
    old.exec(WEB_AND_RELAY_TABLES_V1); // what CREATE TABLE IF NOT EXISTS made, user_version 0
    old.prepare(`INSERT INTO web_cameras VALUES ('porch', 'alice', 'Porch', 'exterior', 0, 'h', 1)`).run();
    old.prepare(`INSERT INTO web_consents (camera_id, owner_id, purposes, version, text_version, granted_ms, expires_ms, action) VALUES ('porch', 'alice', 1, 4, 't1', 10, 20, 'grant')`).run();
    // the old pages copied consent into the relay's table; a stale copy must not win
    old.prepare(`INSERT INTO cameras VALUES ('porch', 'alice', 'exterior', 3, 3, 10, 20)`).run();
    old.prepare(`INSERT INTO cameras VALUES ('yard', 'bob', 'exterior', 2, 1, 10, 20)`).run();
    old.prepare(`INSERT INTO contributions VALUES ('yard', 'b1', 'bob', 1, 2, 1, 'p/', '[]', 5)`).run();
    old.close();
    const db = openDatabase(file);
    assert.is(db.pragma('user_version', { simple: true }), MIGRATIONS.length);
    const registry = new SqliteCameraRegistry(db);
    assert.equal(registry.get('porch')!.consent, { purposes: 1, version: 4, grantedMs: 10, expiresMs: 20 });
    assert.equal(registry.get('yard')!.consent, { purposes: 2, version: 1, grantedMs: 10, expiresMs: 20 });
    assert.is((db.prepare('SELECT count(*) AS n FROM cameras').get() as { n: number }).n, 1, 'only the config camera is left in `cameras`');
    assert.is((db.prepare('SELECT count(*) AS n FROM contributions').get() as { n: number }).n, 1);
    db.close();
  } finally {
    cleanup();
  }
});

test('a database newer than the program is refused, not half-read', () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'relay.db');
    const db = new Database(file);
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    assert.throws(() => openDatabase(file), /newer than this program/);
  } finally {
    cleanup();
  }
});

test('consent has one source: the pages write only their history, the relay registry reads it at once', () => {
  const { dir, cleanup } = tempDir();
  try {
    const db = openDatabase(join(dir, 'relay.db'));
    const cameras = new SqliteCameras(db);
    const registry = new SqliteCameraRegistry(db);
    cameras.add({ cameraId: 'porch', ownerId: 'alice', name: 'Porch', placement: 'interior', interiorConfirmed: false, pairingHash: 'h', createdMs: 1 }, { brokerHash: 'b', macSecret: 's' });
    // the MAC secret made at pairing (camera_credentials) is what the relay verifies with
    assert.equal(registry.get('porch'), { cameraId: 'porch', ownerId: 'alice', placement: 'interior', interiorConfirmed: false, secret: 's', consent: null });
    cameras.setPlacement('porch', 'interior', true);
    cameras.setConsent({ cameraId: 'porch', ownerId: 'alice', purposes: 1, version: 1, textVersion: 't', grantedMs: 5, expiresMs: 9, action: 'grant' });
    assert.equal(registry.get('porch'), { cameraId: 'porch', ownerId: 'alice', placement: 'interior', interiorConfirmed: true, secret: 's', consent: { purposes: 1, version: 1, grantedMs: 5, expiresMs: 9 } });
    cameras.setConsent({ cameraId: 'porch', ownerId: 'alice', purposes: 0, version: 2, textVersion: 't', grantedMs: 6, expiresMs: 9, action: 'withdraw' });
    assert.is(registry.get('porch')!.consent!.purposes, 0);
    assert.is((db.prepare('SELECT count(*) AS n FROM cameras').get() as { n: number }).n, 0, 'the pages never write the relay table');
    // a config-file camera seeded by the relay never shadows a paired one
    registry.put({ cameraId: 'porch', ownerId: 'mallory', placement: 'exterior', secret: 'f'.repeat(64), consent: { purposes: 3, version: 9, grantedMs: 0, expiresMs: 99 } });
    assert.is(registry.get('porch')!.ownerId, 'alice');
    assert.is(registry.get('porch')!.secret, 's', 'nor its MAC secret');
    // a config-file camera: its seed's secret and interior confirmation
    registry.put({ cameraId: 'shed', ownerId: 'bob', placement: 'interior', interiorConfirmed: true, secret: 'a'.repeat(64), consent: null });
    assert.equal(registry.get('shed'), { cameraId: 'shed', ownerId: 'bob', placement: 'interior', interiorConfirmed: true, secret: 'a'.repeat(64), consent: null });
    db.close();
  } finally {
    cleanup();
  }
});

test('relays sharing the file: a bundle completes in exactly one of them; an entry is leased to one until its lease ends', () => {
  const { dir, cleanup } = tempDir();
  const file = join(dir, 'relay.db');
  const a = new SqliteRelayStore(openDatabase(file), { ownsDb: true, lease: { owner: 'a', ms: 1000 } });
  const b = new SqliteRelayStore(openDatabase(file), { ownsDb: true, lease: { owner: 'b', ms: 1000 } });
  try {
    assert.is(a.addChunkAndCollect('porch', 'b1', Uint8Array.of(1), 1).length, 1);
    assert.is(b.addChunkAndCollect('porch', 'b1', Uint8Array.of(2), 2).length, 2, 'the other relay sees both chunks');
    assert.equal(a.journalled(), { bundles: 1, bytes: 2 });
    const e = a.accept(entry('b1'));
    assert.is(b.accept(entry('b1')), 'duplicate');
    assert.is(typeof e, 'object');
    assert.is(a.pending(5, new Set(), 100).length, 1);
    assert.is(b.pending(5, new Set(), 200).length, 0, 'leased to a');
    a.renew((e as { id: number }).id, 900);
    assert.is(b.pending(5, new Set(), 1500).length, 0, 'a renewed its lease');
    assert.is(b.pending(5, new Set(), 1901).length, 1, 'a lease that ran out is taken over');
    assert.equal(a.dropStaleChunks(10), []);
  } finally {
    a.close();
    b.close();
    cleanup();
  }
});

test.run();
