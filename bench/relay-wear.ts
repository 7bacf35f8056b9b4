/**
 * Disk bytes written per bundle (SD-card wear, issue 19 item 5), printed by `npm run bench -- relay`
 * (or `-- relay-wear` alone): the production store (SQLite in `<dataDir>/relay.db`, WAL, the chunk
 * spool in `<dataDir>/spool/`, fsyncs before each acknowledgement) fed whole bundles in chunks as
 * the broker would hand them over,
 * uploaded to a bucket in memory (so the process writes to no socket), in this process.
 * Figures from /proc/self/io: `wchar` (bytes handed to write(2): every WAL frame, checkpoint and
 * journal write) and `write_bytes` (bytes the kernel sent, or will send, to the disk), divided by
 * the bundles; the goal is ≤ 3x a bundle's encoded size. The spool's share of wchar is exact (its
 * records: the chunks plus a 16-byte header each); the rest is SQLite's. Neither figure includes
 * the file system's own journal (ext4 metadata: a spool file created and deleted per bundle), which
 * the kernel writes from its own thread.
 */
import { closeSync, fsyncSync, mkdtempSync, openSync, readFileSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ChunkSpool, RECORD_HEADER_BYTES } from '../src/adapters/chunk-spool.ts';
import { silentLogger } from '../src/log.ts';
import { bundleTopic, bytesToHex, chunkBundle, DEFAULT_CHUNK_SIZE, demoCameraSecret, encodeBundle, macKey } from '../src/protocol/index.ts';
import { resolveConfig } from '../src/relay/config.ts';
import { startRelay } from '../src/relay/main.ts';
import type { ObjectStore } from '../src/relay/types.ts';
import { makeBundle, testJpeg } from '../test/relay/helpers/bundles.ts';

function io(): { wchar: number; writeBytes: number } {
  const t = readFileSync('/proc/self/io', 'utf8');
  const n = (k: string) => Number(new RegExp(`^${k}: (\\d+)$`, 'm').exec(t)?.[1] ?? 0);
  return { wchar: n('wchar'), writeBytes: n('write_bytes') - n('cancelled_write_bytes') };
}

export interface WearFigures {
  bundles: number; bundleBytes: number; chunkBytes: number; wcharPerBundle: number; writeBytesPerBundle: number; spoolPerBundle: number;
  /**
   * Event-loop time in the spool's drop() per uploaded bundle (its file deleted), and in unlinkSync
   * of an fsynced file of its size right after each drop (drop's work before the delete went off
   * the loop), ms: mean and median.
   */
  drop: { mean: number; p50: number }; unlinkSync: { mean: number; p50: number };
}

const stats = (ms: number[]) => ({ mean: ms.reduce((s, v) => s + v, 0) / ms.length, p50: [...ms].sort((a, b) => a - b)[ms.length >> 1] });

/** Fsynced files of `bytes` each in `dir`, made before the measured run: what the reference deletes. */
function dummies(dir: string, count: number, bytes: number): string[] {
  const body = Buffer.alloc(bytes, 7);
  return Array.from({ length: count }, (_, i) => {
    const name = join(dir, `ref-${i}`);
    const fd = openSync(name, 'w');
    writeSync(fd, body);
    fsyncSync(fd);
    closeSync(fd);
    return name;
  });
}

/**
 * Time every ChunkSpool drop() call on the event loop (ms each) until restore(); right after each,
 * the reference: unlinkSync of one of `refs` (a file of the bundle's size), what drop did before
 * its delete went off the loop, timed in the same place, amid the same fsyncs.
 */
function timeDrops(refs: string[]): { ms: number[]; refMs: number[]; restore: () => void } {
  const drop = ChunkSpool.prototype.drop;
  const ms: number[] = [];
  const refMs: number[] = [];
  ChunkSpool.prototype.drop = function (this: ChunkSpool, name: string) {
    const t = performance.now();
    try {
      drop.call(this, name);
    } finally {
      ms.push(performance.now() - t);
    }
    const ref = refs.pop();
    if (ref === undefined) return;
    const r = performance.now();
    unlinkSync(ref);
    refMs.push(performance.now() - r);
  };
  return { ms, refMs, restore: () => (ChunkSpool.prototype.drop = drop) };
}

/** Feed `count` bundles (chunked at `chunkSize`) to a relay on SQLite in a temp dir; bytes written per bundle. */
export async function measureWear(count = Number(process.env.BENCH_WEAR_BUNDLES ?? 200), chunkSize = Number(process.env.BENCH_WEAR_CHUNK ?? DEFAULT_CHUNK_SIZE)): Promise<WearFigures> {
  const dir = mkdtempSync(join(process.env.BENCH_WEAR_DIR ?? tmpdir(), 'quietcam-wear-'));
  const objects: ObjectStore = { put: async () => undefined, delete: async () => undefined };
  const cam = { id: 'porch', owner: 'alice', placement: 'exterior', secret: bytesToHex(demoCameraSecret('porch'), 0, 32), consent: { purposes: ['motion', 'objectron'], version: 1 } };
  const relay = await startRelay({ config: resolveConfig({ dataDir: dir, status: { port: null }, cameras: [cam] as never }), objects, log: silentLogger, mqtt: false });
  try {
    const jpeg = await testJpeg();
    const key = macKey(demoCameraSecret('porch'));
    const base = Date.UTC(2026, 10, 23, 12);
    const all = Array.from({ length: count }, (_, i) =>
      chunkBundle(encodeBundle(makeBundle({ cameraId: 'porch', bundleId: `w${i}`, jpeg, captureTimeMs: base + i * 1000 }), undefined, key), { cameraId: 'porch', bundleId: `w${i}`, chunkSize }));
    const bundleBytes = all[0].reduce((s, c) => s + c.length, 0);
    const spoolPerBundle = all[0].reduce((s, c) => s + c.length + RECORD_HEADER_BYTES, 0);
    await relay.whenIdle();
    const drops = timeDrops(dummies(dir, count, spoolPerBundle));
    const before = io();
    for (const chunks of all) {
      for (const c of chunks) await relay.handle({ topic: bundleTopic('porch'), payload: c, receivedMs: Date.now() });
    }
    await relay.whenIdle();
    const after = io();
    drops.restore();
    return {
      drop: stats(drops.ms), unlinkSync: stats(drops.refMs),
      bundles: count, bundleBytes, chunkBytes: chunkSize, spoolPerBundle,
      wcharPerBundle: (after.wchar - before.wchar) / count, writeBytesPerBundle: (after.writeBytes - before.writeBytes) / count,
    };
  } finally {
    await relay.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function main(): Promise<void> {
  const f = await measureWear();
  const x = (v: number) => `${(v / 1024).toFixed(1)} KB (${(v / f.bundleBytes).toFixed(1)}x)`;
  console.log(`\ndisk writes per bundle (${f.bundles} bundles of ${(f.bundleBytes / 1024).toFixed(1)} KB in ${f.chunkBytes}-byte chunks, SQLite + chunk spool, fsyncs per acknowledgement):`);
  const us = (ms: number) => `${Math.round(ms * 1000)} µs`;
  const ratio = (k: 'mean' | 'p50') => (f.drop[k] / f.unlinkSync[k]).toFixed(2);
  console.log(`  handed to write(2): ${x(f.wcharPerBundle)} (chunk spool ${x(f.spoolPerBundle)}, SQLite ${x(f.wcharPerBundle - f.spoolPerBundle)}); to the disk (write_bytes): ${x(f.writeBytesPerBundle)}   goal ≤ 3x`);
  console.log(`  event loop in the spool's delete per uploaded bundle: mean ${us(f.drop.mean)}, p50 ${us(f.drop.p50)}; unlinkSync of a file of its size right after each (the delete before, same run): mean ${us(f.unlinkSync.mean)}, p50 ${us(f.unlinkSync.p50)} (${ratio('mean')}x, ${ratio('p50')}x)`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
