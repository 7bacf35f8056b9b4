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
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RECORD_HEADER_BYTES } from '../src/adapters/chunk-spool.ts';
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

export interface WearFigures { bundles: number; bundleBytes: number; chunkBytes: number; wcharPerBundle: number; writeBytesPerBundle: number; spoolPerBundle: number }

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
    const before = io();
    for (const chunks of all) {
      for (const c of chunks) await relay.handle({ topic: bundleTopic('porch'), payload: c, receivedMs: Date.now() });
    }
    await relay.whenIdle();
    const after = io();
    return {
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
  console.log(`  handed to write(2): ${x(f.wcharPerBundle)} (chunk spool ${x(f.spoolPerBundle)}, SQLite ${x(f.wcharPerBundle - f.spoolPerBundle)}); to the disk (write_bytes): ${x(f.writeBytesPerBundle)}   goal ≤ 3x`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
