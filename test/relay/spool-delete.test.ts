/**
 * The chunk spool's deletes run off the event loop (src/adapters/chunk-spool.ts): a delete still
 * pending must never remove newer bytes of the same bundle id (a bundle sent again after an
 * upload, or after its partial was dropped), and a file a kill left behind (the delete never ran)
 * is cleaned at the next start. The deletes are held by a test unlink until released, so the race
 * is forced, not hoped for.
 */
import { existsSync, readdirSync, unlink, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ChunkSpool, encodeRecord, spoolName, type ChunkSpoolOptions } from '../../src/adapters/chunk-spool.js';
import { openRelayDb, SqliteRelayStore } from '../../src/adapters/sqlite-store.js';
import { chunkBundle, demoCameraSecret, encodeBundle, macKey } from '../../src/protocol/index.js';
import type { ContributionRecord, NewOutboxEntry } from '../../src/relay/types.js';
import { makeBundle, testJpeg } from './helpers/bundles.js';
import { tempDir } from './helpers/env.js';

/** An unlink that holds every delete until release(). */
function heldUnlink(): { unlink: NonNullable<ChunkSpoolOptions['unlink']>; held: () => number; release: () => void } {
  const queue: [string, (err: NodeJS.ErrnoException | null) => void][] = [];
  return {
    unlink: (path, done) => void queue.push([path, done]),
    held: () => queue.length,
    release: () => {
      for (const [path, done] of queue.splice(0)) unlink(path, done);
    },
  };
}

async function realBundle(bundleId: string): Promise<{ bytes: Uint8Array; chunks: Uint8Array[] }> {
  const bytes = encodeBundle(makeBundle({ cameraId: 'porch', bundleId, jpeg: await testJpeg() }), undefined, macKey(demoCameraSecret('porch')));
  return { bytes, chunks: chunkBundle(bytes, { cameraId: 'porch', bundleId, chunkSize: 4096 }) };
}

const entryOf = (bundleId: string, bytes: Uint8Array): NewOutboxEntry =>
  ({ cameraId: 'porch', bundleId, ownerId: 'alice', bytes, captureTimeMs: 1, purposes: 1, consentVersion: 1, firstChunkMs: 2, acceptedMs: 3 });
const uploaded = (bundleId: string): ContributionRecord =>
  ({ cameraId: 'porch', bundleId, ownerId: 'alice', captureTimeMs: 1, purposes: 1, consentVersion: 1, keyPrefix: 'k/', objects: [], uploadedMs: 4 });

test('spool: a bundle appended again while its old file\'s delete is pending gets a new file; the delete removes only the old one', async () => {
  const tmp = tempDir();
  const hold = heldUnlink();
  const spool = new ChunkSpool(join(tmp.dir, 'spool'), { unlink: hold.unlink });
  try {
    spool.append('porch', 'b1', new Uint8Array(50).fill(1), 1);
    const old = spool.nameOf('porch', 'b1')!;
    spool.drop(old);
    assert.is(spool.nameOf('porch', 'b1'), null, 'gone from the spool at once');
    assert.is(hold.held(), 1, 'the delete is pending');
    assert.equal(spool.list(), [], 'a file being deleted is not listed (nor taken back as the bundle\'s)');
    assert.is(spool.nameOf('porch', 'b1'), null);
    spool.append('porch', 'b1', new Uint8Array(50).fill(2), 2);
    const fresh = spool.nameOf('porch', 'b1')!;
    assert.is.not(fresh, old, 'a new generation, not the file being deleted');
    hold.release();
    await spool.settled();
    assert.not.ok(existsSync(join(spool.dir, old)), 'the old file is deleted');
    assert.equal(spool.read(fresh).map((c) => c.bytes[0]), [2], 'the new bytes are all there');
    assert.is(spool.deleteFailures, 0);
  } finally {
    spool.close();
    tmp.cleanup();
  }
});

test('store: a partial bundle dropped, then sent again whole and accepted before the delete ran: its bytes stay, across a restart too', async () => {
  const tmp = tempDir();
  const hold = heldUnlink();
  const { bytes, chunks } = await realBundle('r1');
  const open = (o = {}) => new SqliteRelayStore(openRelayDb(join(tmp.dir, 'relay.db')), { ownsDb: true, ...o });
  let store = open({ spoolOptions: { unlink: hold.unlink } });
  try {
    store.addChunk('porch', 'r1', chunks[0], 1);
    store.dropChunks('porch', 'r1'); // the partial timed out
    chunks.forEach((c, i) => store.addChunk('porch', 'r1', c, 10 + i)); // the camera sends it again
    const e = store.accept(entryOf('r1', bytes));
    if (e === 'duplicate') return assert.unreachable('accepted');
    await store.durable();
    assert.is(hold.held(), 1);
    hold.release();
    await store.spool!.settled();
    const [p] = store.pending(5, new Set());
    assert.ok(p && Buffer.from(p.bytes).equals(Buffer.from(bytes)), 'the accepted bundle\'s bytes survived the old delete');
    store.close();
    store = open();
    assert.is(store.lostAtOpen, 0, 'its file is whole at the next start');
    assert.is(store.pendingCount(), 1);
    assert.equal(readdirSync(join(tmp.dir, 'spool')).length, 1, 'one file: the old one was deleted');
  } finally {
    store.close();
    tmp.cleanup();
  }
});

test('store: uploaded, then the same id arrives as a new partial before the delete ran: nothing of it lost, the old file gone after', async () => {
  const tmp = tempDir();
  const hold = heldUnlink();
  const { bytes, chunks } = await realBundle('u1');
  const store = new SqliteRelayStore(openRelayDb(join(tmp.dir, 'relay.db')), { ownsDb: true, spoolOptions: { unlink: hold.unlink } });
  try {
    chunks.forEach((c, i) => store.addChunk('porch', 'u1', c, 10 + i));
    const e = store.accept(entryOf('u1', bytes));
    if (e === 'duplicate') return assert.unreachable('accepted');
    await store.durable();
    const old = store.spool!.nameOf('porch', 'u1')!;
    store.complete(e.id, uploaded('u1'));
    store.addChunk('porch', 'u1', chunks[0], 50);
    const fresh = store.spool!.nameOf('porch', 'u1')!;
    hold.release();
    await store.spool!.settled();
    assert.not.ok(existsSync(join(tmp.dir, 'spool', old)), 'the uploaded file is deleted');
    assert.equal(store.spool!.read(fresh).map((c) => Buffer.from(c.bytes).equals(Buffer.from(chunks[0]))), [true], 'the new chunk is there');
  } finally {
    store.close();
    tmp.cleanup();
  }
});

test('start-up sweep: files a kill left before their deletes ran (older generations, uploaded bundles, old-style names) are deleted; the newest partial is replayed and appended to', async () => {
  const tmp = tempDir();
  const { bytes, chunks } = await realBundle('o1');
  const dir = join(tmp.dir, 'spool');
  let store = new SqliteRelayStore(openRelayDb(join(tmp.dir, 'relay.db')), { ownsDb: true });
  chunks.forEach((c, i) => store.addChunk('porch', 'o1', c, 10 + i));
  const e = store.accept(entryOf('o1', bytes));
  if (e === 'duplicate') return assert.unreachable('accepted');
  await store.durable();
  const outboxFile = store.spool!.nameOf('porch', 'o1')!;
  store.close();
  const rec = (v: number, ms: number) => encodeRecord(new Uint8Array(20).fill(v), ms);
  writeFileSync(join(dir, spoolName('porch', 'o1', 0)), rec(1, 1)); // an old-style name of the stored bundle
  writeFileSync(join(dir, spoolName('porch', 'p1', 7)), rec(2, 2)); // a partial, dropped before the kill
  writeFileSync(join(dir, spoolName('porch', 'p1', 9)), rec(3, 3)); // the same id sent again: the newest
  writeFileSync(join(dir, spoolName('porch', 'x1', 0)), rec(4, 4)); // a partial from before generations
  store = new SqliteRelayStore(openRelayDb(join(tmp.dir, 'relay.db')), { ownsDb: true });
  try {
    assert.is(store.lostAtOpen, 0);
    const j = store.journal();
    assert.equal(j.map((c) => c.bytes[0]), [3, 4], 'only the newest partial files are replayed');
    await store.spool!.settled();
    assert.equal(readdirSync(dir).sort(), [outboxFile, spoolName('porch', 'p1', 9), spoolName('porch', 'x1', 0)].sort());
    store.addChunk('porch', 'p1', new Uint8Array(20).fill(5), 5);
    assert.equal(store.spool!.read(spoolName('porch', 'p1', 9)).map((c) => c.bytes[0]), [3, 5], 'appended to the replayed file');
    store.addChunk('porch', 'n1', new Uint8Array(20).fill(6), 6);
    assert.is(store.spool!.nameOf('porch', 'n1'), spoolName('porch', 'n1', 10), 'new files are named above every generation found');
    const [p] = store.pending(5, new Set());
    assert.ok(Buffer.from(p.bytes).equals(Buffer.from(bytes)), 'the outbox file is untouched');
  } finally {
    store.close();
    tmp.cleanup();
  }
});

test.run();
