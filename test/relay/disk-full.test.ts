/**
 * Disk full (issue 19, item 3), on a real 2 MiB tmpfs mounted for the test (root only; the test
 * is skipped with a notice otherwise): the relay does not crash, pauses (status page and log),
 * stops acknowledging (the broker keeps the bundles), keeps uploading the outbox, and resumes by
 * itself once space returns; and it starts on a full disk without dying.
 */
// test-timeout: 90 s
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startBroker, type EmbeddedBroker } from '../../src/adapters/aedes-broker.js';
import { publicStatus, statusHtml } from '../../src/relay/status.js';
import { connectPublisher, type BundlePublisher } from '../../src/adapters/mqtt-publisher.js';
import { resolveConfig } from '../../src/relay/config.js';
import { bundleTopic } from '../../src/protocol/index.js';
import { startRelay } from '../../src/relay/main.js';
import type { Relay } from '../../src/relay/relay.js';
import { makeBundle, testJpeg } from './helpers/bundles.js';
import { tempDir, waitFor } from './helpers/env.js';
import { openDatabase } from '../../src/adapters/sqlite-schema.js';
import { isStorageError, storageKind } from '../../src/relay/storage.js';
import { camera, MemoryBucket, stopTestRelays, testRelay } from './helpers/relay.js';

function mountTmpfs(size: string): string | null {
  const dir = mkdtempSync(join(tmpdir(), 'quietcam-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
    return dir;
  } catch {
    rmdirSync(dir);
    return null;
  }
}

function unmount(dir: string): void {
  try {
    execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
  } finally {
    rmdirSync(dir);
  }
}

/** Fill the file system with one file until ENOSPC; returns its path (delete it to free the space). */
function fill(dir: string): string {
  const file = join(dir, 'filler');
  const fd = openSync(file, 'w');
  const block = Buffer.alloc(16 * 1024, 7);
  try {
    for (;;) writeSync(fd, block);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
  return file;
}

test('disk full: paused, not acknowledging, outbox still drains, resumes by itself; a start on a full disk does not crash', async () => {
  const dir = mountTmpfs('2m');
  if (!dir) {
    console.log('  (skipped: cannot mount a tmpfs here; needs root)');
    return;
  }
  let broker: EmbeddedBroker | undefined;
  let relay: Relay | undefined;
  let pub: BundlePublisher | undefined;
  const logs: string[] = [];
  const log = { info: (m: string) => logs.push(m), warn: (m: string) => logs.push(m), error: (m: string) => logs.push(m) };
  try {
    broker = await startBroker({ port: 0 });
    const bucket = new MemoryBucket();
    const config = resolveConfig({
      dataDir: dir, status: { port: null }, broker: { url: broker.url, clientId: 'relay-full', reconnectMs: 100 },
      upload: { retryBaseMs: 20, retryMaxMs: 100 }, sqlite: { storageRetryMs: 200, reserveBytes: 256 * 1024 }, cameras: [camera('porch')] as never,
    });
    const start = () => startRelay({ config, objects: bucket, log });
    relay = await start();
    pub = await connectPublisher({ url: broker.url, clientId: 'cam-porch' });
    const jpeg = await testJpeg();
    const send = (id: string) => pub!.publish(makeBundle({ cameraId: 'porch', bundleId: id, jpeg, captureTimeMs: Date.UTC(2026, 10, 23, 12) }));
    // two bundles accepted while S3 is down: they wait in the outbox
    bucket.down = true;
    await send('a1');
    await send('a2');
    await waitFor(() => relay!.status().counts.accepted === 2, 10000, 'two bundles accepted');
    const filler = fill(dir);
    await send('f1');
    await waitFor(() => relay!.status().state === 'paused', 10000, 'the relay to pause');
    const s = relay.status();
    assert.is(s.storage.problem, 'full');
    assert.ok(!s.broker.connected, 'disconnected: nothing more is acknowledged');
    assert.is(s.counts.accepted, 2, 'f1 was not accepted');
    assert.match(statusHtml(publicStatus(s)), /PAUSED: the data folder's disk is full/);
    assert.ok(!statusHtml(publicStatus(s)).includes(dir), 'no path on the status page');
    // the chunk spool's append (ENOSPC) or SQLite's (SQLITE_FULL), whichever hits the full disk first
    assert.ok(logs.some((l) => /relay paused: the data folder's disk is full \((SQLITE_FULL|ENOSPC)\)/.test(l)), 'said so in the log');
    // S3 back: the outbox drains while paused
    bucket.down = false;
    await waitFor(() => relay!.status().counts.uploaded === 2, 15000, 'the outbox to drain while paused');
    assert.is(relay.status().state, 'paused');
    // a restart on the full disk: up, paused, not crashed
    await relay.stop();
    relay = await start();
    assert.is(relay.status().state, 'paused', 'no room for the reserve: starts paused');
    // space returns: resumes by itself and takes f1 from the broker
    unlinkSync(filler);
    await waitFor(() => relay!.status().state === 'running' && relay!.status().broker.connected, 10000, 'the relay to resume');
    await waitFor(() => relay!.contributions().length === 3, 15000, 'f1 uploaded after the resume');
    assert.equal(relay.contributions().map((r) => r.bundleId).sort(), ['a1', 'a2', 'f1']);
    assert.ok(logs.some((l) => /relay resumed/.test(l)));
  } catch (err) {
    console.log(logs.join('\n'));
    throw err;
  } finally {
    await pub?.close();
    await relay?.stop();
    await broker?.stop();
    unmount(dir);
  }
});

test('read-only data folder: the relay waits for it (no crash, no stack trace) and starts once it is writable', async () => {
  const dir = mountTmpfs('2m');
  if (!dir) {
    console.log('  (skipped: cannot mount a tmpfs here; needs root)');
    return;
  }
  let relay: Relay | undefined;
  let pending: Promise<Relay> | undefined;
  const logs: string[] = [];
  const log = { info: (m: string) => logs.push(m), warn: (m: string) => logs.push(m), error: (m: string) => logs.push(m) };
  try {
    const config = resolveConfig({ dataDir: dir, status: { port: null }, sqlite: { storageRetryMs: 100, reserveBytes: 64 * 1024 }, cameras: [camera('porch')] as never });
    const start = () => startRelay({ config, objects: new MemoryBucket(), log, mqtt: false });
    await (await start()).stop();
    execFileSync('mount', ['-o', 'remount,ro', dir], { stdio: 'ignore' });
    let settled = false;
    pending = start().finally(() => (settled = true));
    await waitFor(() => logs.some((l) => /relay waiting: the data folder cannot be written \(SQLITE_CANTOPEN\)/.test(l)), 5000, 'the waiting notice');
    await new Promise((r) => setTimeout(r, 300));
    assert.is(settled, false, 'still waiting, not crashed');
    assert.is(logs.filter((l) => /relay waiting/.test(l)).length, 1, 'said once');
    execFileSync('mount', ['-o', 'remount,rw', dir], { stdio: 'ignore' });
    relay = await pending;
    assert.is(relay.status().state, 'running');
    assert.is(relay.registry.get('porch')!.consent!.purposes, 3);
  } catch (err) {
    console.log(logs.join('\n'));
    throw err;
  } finally {
    if (!relay && pending) {
      execFileSync('mount', ['-o', 'remount,rw', dir], { stdio: 'ignore' });
      relay = await pending.catch(() => undefined);
    }
    await relay?.stop();
    unmount(dir);
  }
});

test('simulated (no mount needed): SQLITE_FULL from the store pauses, handle() refuses meanwhile, resumes on the next check', async () => {
  const t = await testRelay([camera('porch')], { sqlite: { storageRetryMs: 100 } });
  try {
    let full = true;
    const accept = t.store.accept.bind(t.store);
    t.store.accept = (e) => {
      if (full) throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
      return accept(e);
    };
    const jpeg = await testJpeg();
    const chunks = t.chunks(makeBundle({ cameraId: 'porch', bundleId: 's1', jpeg }));
    assert.throws(() => {
      for (const c of chunks) t.send(bundleTopic('porch'), c);
    }, /database or disk is full/);
    assert.is(t.relay.status().state, 'paused');
    assert.throws(() => t.send(bundleTopic('porch'), chunks[0]), /relay paused/);
    full = false;
    await waitFor(() => t.relay.status().state === 'running', 5000, 'the resume');
    for (const c of chunks) await t.send(bundleTopic('porch'), c); // the broker redelivers what was not acknowledged
    await t.relay.whenIdle();
    assert.is(t.relay.status().counts.uploaded, 1);
    assert.is(t.relay.status().storage.pauses, 1);
  } finally {
    await stopTestRelays();
  }
});

test('storage errors: which codes pause the relay, and what the log and status page call them', () => {
  const e = (code: string) => Object.assign(new Error('x'), { code });
  for (const c of ['SQLITE_FULL', 'SQLITE_IOERR_WRITE', 'SQLITE_READONLY', 'SQLITE_CANTOPEN', 'ENOSPC', 'EROFS', 'EIO']) assert.ok(isStorageError(e(c)), c);
  for (const c of ['SQLITE_CORRUPT', 'SQLITE_CONSTRAINT', 'ENOENT', undefined]) assert.not.ok(isStorageError(c ? e(c) : new Error('bug')), String(c));
  assert.is(storageKind(e('ENOSPC')), 'full');
  assert.is(storageKind(e('SQLITE_READONLY_DBMOVED')), 'read-only');
  assert.is(storageKind(e('SQLITE_IOERR_FSYNC')), 'io-error');
});

test('new databases use 1 KiB pages (SD-card wear: bench/relay-wear.ts)', () => {
  const { dir, cleanup } = tempDir();
  try {
    const db = openDatabase(join(dir, 'relay.db'));
    assert.is(db.pragma('page_size', { simple: true }), 1024);
    db.close();
  } finally {
    cleanup();
  }
});

test.run();
