/** An in-process relay on in-memory ports (no broker, no S3): the stages with real sharp. */
import { bytesToHex, chunkBundle, demoCameraSecret, encodeBundle, macKey, type Bundle } from '../../../src/protocol/index.js';
import { resolveConfig, type CameraSeed, type RelayConfigInput } from '../../../src/relay/config.js';
import { MemoryCameraRegistry } from '../../../src/relay/consent.js';
import { silentLogger } from '../../../src/log.js';
import { MemoryRelayStore } from '../../../src/relay/memory-store.js';
import { startRelay } from '../../../src/relay/main.js';
import type { Relay } from '../../../src/relay/relay.js';
import type { ObjectStore, PutRequest } from '../../../src/relay/types.js';

/** A bucket in memory that can be told to fail. */
export class MemoryBucket implements ObjectStore {
  readonly objects = new Map<string, PutRequest>();
  puts = 0;
  /** While true, every put rejects (an S3 outage). */
  down = false;

  async put(req: PutRequest): Promise<void> {
    this.puts++;
    if (this.down) throw Object.assign(new Error('connect ECONNREFUSED'), { name: 'Error' });
    await this.gate;
    this.objects.set(req.key, { ...req, body: Uint8Array.from(req.body) });
  }

  /** While set, puts wait for it (a slow object store); resolve it to let them through. */
  gate: Promise<void> | null = null;

  async delete(keys: string[]): Promise<void> {
    if (this.down) throw Object.assign(new Error('connect ECONNREFUSED'), { name: 'Error' });
    for (const k of keys) this.objects.delete(k);
  }

  async exists(key: string): Promise<boolean> {
    return this.objects.has(key);
  }
}

export interface TestRelay {
  relay: Relay;
  bucket: MemoryBucket;
  store: MemoryRelayStore;
  registry: MemoryCameraRegistry;
  clock: { now: number };
  /** Feed one message as if it came from the broker. */
  send(topic: string, payload: Uint8Array): Promise<void> | undefined;
  /** Chunks of a bundle (cut at `chunkSize`). */
  chunks(b: Bundle, chunkSize?: number): Uint8Array[];
}

/** Every relay testRelay started and nobody stopped yet: `test.after.each(stopTestRelays)` ends them even when an assert failed. */
const started: Relay[] = [];

/** Stop every relay testRelay started (Relay.stop is idempotent, so a test may stop its own first). */
export async function stopTestRelays(): Promise<void> {
  for (const r of started.splice(0)) await r.stop();
}

export async function testRelay(cameras: CameraSeed[], config: RelayConfigInput = {}): Promise<TestRelay> {
  const clock = { now: Date.UTC(2026, 10, 23, 12) };
  const bucket = new MemoryBucket();
  const store = new MemoryRelayStore();
  const registry = new MemoryCameraRegistry();
  const relay = await startRelay({
    config: resolveConfig({ status: { port: null }, upload: { retryBaseMs: 20, retryMaxMs: 100 }, ...config, cameras: cameras as never }),
    store, registry, objects: bucket, clock: () => clock.now, log: silentLogger, mqtt: false,
  });
  started.push(relay);
  return {
    relay, bucket, store, registry, clock,
    send: (topic, payload) => relay.handle({ topic, payload, receivedMs: clock.now }),
    chunks: (b, chunkSize = 1024) => chunkBundle(encodeBundle(b, undefined, macKey(demoCameraSecret(b.cameraId))), { cameraId: b.cameraId, bundleId: b.bundleId, chunkSize }),
  };
}

/** Consent to both purposes from 2026-01-01 for a year; the demo MAC secret (publishers sign with it by default). */
export function camera(id: string, owner = 'alice', purposes: ('motion' | 'objectron')[] = ['motion', 'objectron']): CameraSeed {
  return { id, owner, placement: 'exterior', secret: bytesToHex(demoCameraSecret(id), 0, 32), consent: { purposes, version: 3, granted: '2026-01-01T00:00:00Z' } };
}
