/**
 * The derive stage's thread (started by worker-deriver.ts): one Deriver with sharp as its codec,
 * so the cameras' background evidence lives here. Takes { id, bundle, entry, purposes, nowMs },
 * answers { id, objects, counts } or { id, error: { reason?, message } } (reason set for a
 * DeriveError: the bundle is discarded; without it the relay fails, as in-process).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Bundle } from '../../protocol/index.js';
import type { RelayConfig } from '../config.js';
import { DeriveError, Deriver } from '../derive.js';
import type { OutboxEntry } from '../types.js';
import { installNativeCrc32 } from './native-crc32.js';
import { sharpCodec } from './sharp-codec.js';

export interface DeriveRequest {
  id: number;
  bundle: Bundle;
  entry: OutboxEntry;
  purposes: number;
  nowMs: number;
}

installNativeCrc32(); // png.ts checksums its chunks
const images = (workerData as { data: RelayConfig['images'] }).data;
const deriver = new Deriver(sharpCodec({ jpegQuality: images.backgroundJpegQuality }), images);
const port = parentPort!;

port.on('message', async (m: DeriveRequest) => {
  try {
    const objects = await deriver.derive(m.bundle, m.entry, m.purposes, m.nowMs);
    // Each body is moved, not copied, unless it shares its buffer with another (1-view.jpg is a
    // view into the bundle's bytes): only whole, unshared buffers are transferred.
    const buffers = new Set<ArrayBuffer>();
    for (const o of objects) {
      const b = o.body.buffer as ArrayBuffer;
      if (o.body.byteOffset === 0 && o.body.byteLength === b.byteLength) buffers.add(b);
    }
    port.postMessage({ id: m.id, objects, counts: deriver.counts }, [...buffers]);
  } catch (err) {
    const e = err as Error;
    port.postMessage({ id: m.id, error: { reason: err instanceof DeriveError ? err.reason : undefined, message: e.message } });
  }
});
