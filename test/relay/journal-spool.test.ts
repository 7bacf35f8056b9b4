/**
 * The chunk spool (src/adapters/chunk-spool.ts) and the SQLite store on it: a bundle's bytes are
 * written once, to its spool file, and stay there while it waits in the outbox; a torn record (a
 * kill mid-append) is cut off and later appends stay readable; a process SIGKILLed while appending
 * leaves only whole records; an outbox row whose file did not reach the disk is forgotten at open
 * (never acknowledged: the camera sends it again); a file left by a kill after the upload is removed.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ChunkSpool, decodeRecords, encodeRecord, lastChunkTimes, RECORD_HEADER_BYTES, spoolName } from '../../src/adapters/chunk-spool.js';
import { SqliteContributions } from '../../src/web/adapters/sqlite-contributions.js';
import { openRelayDb, SqliteRelayStore } from '../../src/adapters/sqlite-store.js';
import { chunkBundle, demoCameraSecret, encodeBundle, macKey } from '../../src/protocol/index.js';
import type { NewOutboxEntry } from '../../src/relay/types.js';
import { makeBundle, testJpeg } from './helpers/bundles.js';
import { tempDir } from './helpers/env.js';

async function realBundle(bundleId: string): Promise<{ bytes: Uint8Array; chunks: Uint8Array[] }> {
  const bytes = encodeBundle(makeBundle({ cameraId: 'porch', bundleId, jpeg: await testJpeg() }), undefined, macKey(demoCameraSecret('porch')));
  return { bytes, chunks: chunkBundle(bytes, { cameraId: 'porch', bundleId, chunkSize: 4096 }) };
}

function entryOf(bundleId: string, bytes: Uint8Array): NewOutboxEntry {
  return { cameraId: 'porch', bundleId, ownerId: 'alice', bytes, captureTimeMs: 1, purposes: 1, consentVersion: 1, firstChunkMs: 2, acceptedMs: 3 };
}

function openStore(dir: string): SqliteRelayStore {
  return new SqliteRelayStore(openRelayDb(join(dir, 'relay.db')), { ownsDb: true });
}

test('records: a torn or garbled tail is cut off, the records before it are kept, appends after it are readable', () => {
  const tmp = tempDir();
  try {
    const spool = new ChunkSpool(join(tmp.dir, 'spool'));
    for (let i = 1; i <= 3; i++) spool.append('porch', 'b1', new Uint8Array(100).fill(i), 1000 + i);
    const name = spool.nameOf('porch', 'b1')!;
    assert.is(name, spoolName('porch', 'b1', 1), 'the first generation');
    spool.close();
    const file = join(tmp.dir, 'spool', name);
    const whole = readFileSync(file).length;
    assert.is(whole, 3 * (RECORD_HEADER_BYTES + 100));
    truncateSync(file, whole - 30); // the third record torn
    appendFileSync(file, Buffer.alloc(7, 0xff));
    const again = new ChunkSpool(join(tmp.dir, 'spool'));
    assert.is(again.nameOf('porch', 'b1'), name, 'found at start');
    const chunks = again.read(name);
    assert.equal(chunks.map((c) => c.bytes[0]), [1, 2]);
    assert.equal(chunks.map((c) => c.receivedMs), [1001, 1002]);
    assert.is(readFileSync(file).length, 2 * (RECORD_HEADER_BYTES + 100), 'torn tail cut off');
    again.append('porch', 'b1', new Uint8Array(5).fill(9), 1009);
    assert.equal(again.read(name).map((c) => c.bytes[0]), [1, 2, 9], 'appended to the same file');
    // a flipped payload bit ends the readable part there
    const b = readFileSync(file);
    b[RECORD_HEADER_BYTES + 50] ^= 1;
    assert.is(decodeRecords(b).chunks.length, 0);
    again.close();
  } finally {
    tmp.cleanup();
  }
});

test('SIGKILL while appending, 4 times at random moments: only whole records, in order, none lost before the kill', async () => {
  const tmp = tempDir();
  const writer = fileURLToPath(new URL('./helpers/spool-writer.ts', import.meta.url));
  try {
    for (let k = 0; k < 4; k++) {
      const dir = join(tmp.dir, `s${k}`);
      const child = spawn(process.execPath, ['--import', 'tsx', writer, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
      let said = '';
      child.stdout!.on('data', (d) => (said += d));
      await new Promise<void>((resolve) => {
        const poll = setInterval(() => {
          if (said.includes('writing')) {
            clearInterval(poll);
            setTimeout(resolve, 20 + Math.random() * 200);
          }
        }, 5);
      });
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
      const spool = new ChunkSpool(dir);
      const names = spool.list();
      assert.ok(names.length >= 1, 'files written');
      let records = 0;
      for (const name of names) {
        const chunks = spool.read(name);
        chunks.forEach((c, i) => {
          assert.is(c.receivedMs, i, `${name}: record ${i} in order`);
          assert.ok(c.bytes.every((v) => v === (i & 255)), `${name}: record ${i} intact`);
        });
        records += chunks.length;
      }
      assert.ok(records > 0, 'records survived the kill');
      spool.close();
    }
  } finally {
    tmp.cleanup();
  }
});

test('store: a spooled bundle is written once (its file, no bytes in the row), read back for upload, deleted when uploaded', async () => {
  const tmp = tempDir();
  const { bytes, chunks } = await realBundle('w1');
  const store = openStore(tmp.dir);
  try {
    assert.ok(store.spoolsBundles);
    chunks.forEach((c, i) => store.addChunk('porch', 'w1', c, 10 + i));
    const e = store.accept(entryOf('w1', bytes));
    if (e === 'duplicate') return assert.unreachable('accepted');
    await store.durable();
    const db = openRelayDb(join(tmp.dir, 'relay.db'));
    const row = db.prepare('SELECT length(bytes) AS n, spool FROM outbox').get() as { n: number; spool: string };
    db.close();
    assert.is(row.n, 0, 'no bytes in the row');
    assert.is(row.spool, store.spool!.nameOf('porch', 'w1'));
    assert.equal(store.journal(), [], 'an outbox file is not replayed');
    const [p] = store.pending(5, new Set());
    assert.ok(Buffer.from(p.bytes).equals(Buffer.from(bytes)), 'the bytes come back from the file');
    store.complete(p.id, { cameraId: 'porch', bundleId: 'w1', ownerId: 'alice', captureTimeMs: 1, purposes: 1, consentVersion: 1, keyPrefix: 'k/', objects: [], uploadedMs: 4 });
    await store.spool!.settled();
    assert.equal(readdirSync(join(tmp.dir, 'spool')), [], 'file deleted once uploaded');
  } finally {
    store.close();
    tmp.cleanup();
  }
});

test('store: an outbox row whose file lost its chunks (power cut before the fsync) is forgotten at open, so a re-send is stored', async () => {
  const tmp = tempDir();
  const { bytes, chunks } = await realBundle('p1');
  let store = openStore(tmp.dir);
  chunks.forEach((c, i) => store.addChunk('porch', 'p1', c, 10 + i));
  assert.ok(store.accept(entryOf('p1', bytes)) !== 'duplicate');
  const file = join(tmp.dir, 'spool', store.spool!.nameOf('porch', 'p1')!);
  store.close();
  truncateSync(file, readFileSync(file).length - 100); // the last chunk never reached the disk
  store = openStore(tmp.dir);
  try {
    assert.is(store.lostAtOpen, 1);
    assert.not.ok(store.has('porch', 'p1'), 'not taken for a duplicate');
    assert.is(store.pendingCount(), 0);
    await store.spool!.settled();
    assert.not.ok(existsSync(file));
    chunks.forEach((c, i) => store.addChunk('porch', 'p1', c, 20 + i));
    assert.ok(store.accept(entryOf('p1', bytes)) !== 'duplicate', 'the re-sent bundle is stored');
  } finally {
    store.close();
    tmp.cleanup();
  }
});

test('store: a file left by a kill after its upload was recorded is deleted at start, not replayed; a partial one is replayed', async () => {
  const tmp = tempDir();
  const { bytes, chunks } = await realBundle('k1');
  const other = await realBundle('k2');
  let store = openStore(tmp.dir);
  chunks.forEach((c, i) => store.addChunk('porch', 'k1', c, 10 + i));
  const e = store.accept(entryOf('k1', bytes));
  if (e === 'duplicate') return assert.unreachable('accepted');
  store.addChunk('porch', 'k2', other.chunks[0], 50);
  const k1 = store.spool!.nameOf('porch', 'k1')!;
  const k2 = store.spool!.nameOf('porch', 'k2')!;
  const kept = readFileSync(join(tmp.dir, 'spool', k1));
  store.complete(e.id, { cameraId: 'porch', bundleId: 'k1', ownerId: 'alice', captureTimeMs: 1, purposes: 1, consentVersion: 1, keyPrefix: 'k/', objects: [], uploadedMs: 4 });
  await store.spool!.settled();
  store.close();
  writeFileSync(join(tmp.dir, 'spool', k1), kept); // as if killed before the unlink
  store = openStore(tmp.dir);
  try {
    const j = store.journal();
    assert.is(j.length, 1, 'only the partial bundle');
    assert.ok(Buffer.from(j[0].bytes).equals(Buffer.from(other.chunks[0])));
    await store.spool!.settled();
    assert.equal(readdirSync(join(tmp.dir, 'spool')), [k2]);
  } finally {
    store.close();
    tmp.cleanup();
  }
});

test('the owner pages\' "last seen" includes a camera whose chunks are only spooled (mid-bundle)', async () => {
  const tmp = tempDir();
  const { chunks } = await realBundle('m1');
  const store = openStore(tmp.dir);
  const db = openRelayDb(join(tmp.dir, 'relay.db'));
  try {
    db.prepare("INSERT INTO web_cameras (camera_id, owner_id, name, placement, pairing_hash, created_ms) VALUES ('porch', 'alice', 'Porch', 'exterior', 'x', 1)").run();
    const pages = new SqliteContributions(db);
    assert.equal(pages.activity('alice'), [], 'nothing yet');
    const before = Date.now() - 1000;
    store.addChunk('porch', 'm1', chunks[0], 10);
    assert.ok(lastChunkTimes(join(tmp.dir, 'spool')).get('porch')! >= before);
    const [a] = pages.activity('alice');
    assert.is(a.cameraId, 'porch');
    assert.ok(a.lastSeenMs !== null && a.lastSeenMs >= before, String(a.lastSeenMs));
    assert.equal(pages.activity('bob'), [], 'only the owner\'s cameras');
  } finally {
    db.close();
    store.close();
    tmp.cleanup();
  }
});

test('store: durable() fsyncs the spool file and its folder with the WAL (what the ack waits for); a file dropped meanwhile is closed after', async () => {
  const tmp = tempDir();
  const { bytes, chunks } = await realBundle('d1');
  const store = openStore(tmp.dir);
  try {
    const spool = store.spool!;
    chunks.forEach((c, i) => store.addChunk('porch', 'd1', c, i));
    assert.ok(store.accept(entryOf('d1', bytes)) !== 'duplicate');
    store.addChunk('porch', 'd2', chunks[0], 9); // another bundle's first chunk, dropped while the fsync runs
    const synced = store.durable();
    await Promise.resolve(); // the group fsync starts a microtask after the call; the fsyncs run on the thread pool
    await Promise.resolve();
    store.dropChunks('porch', 'd2');
    await synced;
    assert.is(spool.syncs, 3, 'two files and the folder');
    assert.is(store.syncs, 1, 'one WAL fsync');
    store.addChunk('porch', 'd3', chunks[0], 10);
    await store.durable();
    assert.is(spool.syncs, 5, 'the new file and the folder again');
    await store.durable();
    assert.is(spool.syncs, 5, 'nothing new written: no spool fsync');
  } finally {
    store.close();
    tmp.cleanup();
  }
});

test('record encoding: header length and CRC cover the receive time', () => {
  const r = encodeRecord(Uint8Array.from([1, 2, 3]), 42);
  assert.is(r.length, RECORD_HEADER_BYTES + 3);
  assert.is(decodeRecords(r).chunks[0].receivedMs, 42);
  r[9] ^= 1; // the time's bytes
  assert.is(decodeRecords(r).chunks.length, 0);
});

test.run();
