/**
 * Stage 1, ingest: one MQTT message in, one decision out. Checks what can be checked on a single
 * chunk, cheaply, before anything is kept: the topic, the chunk's own CRC and header, that the
 * chunk's camera is the topic's, that the camera is known, and that the bundle is not already
 * stored (a QoS 1 redelivery after a restart, when the reassembler has forgotten it).
 */
import { decodeChunk, parseTopic, type Chunk } from '../protocol/index.js';
import type { IngestMessage, RelayStore } from './types.js';

/** The camera name counted for messages whose topic names no valid camera. */
export const NO_CAMERA = '(none)';

export type IngestResult =
  | { kind: 'chunk'; key: string; chunk: Chunk }
  /** Counted once under `reason` for `cameraId`. */
  | { kind: 'rejected'; cameraId: string; reason: string; detail: string; key?: string }
  /** A chunk of a bundle already rejected: dropped without counting the bundle again (`last`: its last chunk; the relay may refuse it again then). */
  | { kind: 'dropped'; cameraId: string; bundleId?: string; bundleCrc?: number; last?: boolean }
  /** A chunk of a bundle already in the outbox or the index. */
  /** A chunk of a bundle already in the outbox: `last` when it is the bundle's last chunk (the relay acks again then). */
  | { kind: 'duplicate'; cameraId: string; bundleId?: string; bundleCrc?: number; last?: boolean };

/** Bounded set of recently seen keys, oldest forgotten first. */
export class RecentKeys {
  private readonly keys = new Set<string>();
  constructor(private readonly capacity: number) {}

  add(key: string): void {
    this.keys.delete(key);
    this.keys.add(key);
    if (this.keys.size > this.capacity) this.keys.delete(this.keys.values().next().value as string);
  }

  has(key: string): boolean {
    return this.keys.has(key);
  }
}

export interface IngestContext {
  /**
   * True when the camera is in the registry. Cameras are never removed from it, so the pipeline
   * remembers the ones it has seen (validate.ts still reads the registry, with the consent, for
   * every bundle).
   */
  isKnownCamera(cameraId: string): boolean;
  store: RelayStore;
  /** Bundles rejected recently (their remaining chunks are dropped quietly). */
  rejected: RecentKeys;
  /** True when the reassembler holds a partial bundle of this key (skips the store lookup). */
  isPartial(key: string): boolean;
}

/** `camera/bundle`: '/' occurs in neither id. */
export function bundleKey(cameraId: string, bundleId: string): string {
  return cameraId + '/' + bundleId;
}

/**
 * Decide what to do with one message. Never throws on bad input (only a failing store throws).
 * @example const r = ingest({ topic, payload, receivedMs: Date.now() }, ctx); if (r.kind === 'chunk') reassemble(r);
 */
export function ingest(msg: IngestMessage, ctx: IngestContext): IngestResult {
  const topic = parseTopic(msg.topic);
  if (!topic || topic.kind !== 'bundle') {
    return { kind: 'rejected', cameraId: topic ? topic.cameraId : NO_CAMERA, reason: 'bad-topic', detail: `not a bundle topic: ${JSON.stringify(String(msg.topic).slice(0, 80))}` };
  }
  const d = decodeChunk(msg.payload);
  if (!d.ok) return { kind: 'rejected', cameraId: topic.cameraId, reason: `chunk-${d.error.code}`, detail: d.error.message };
  const c = d.chunk;
  if (c.cameraId !== topic.cameraId) {
    return { kind: 'rejected', cameraId: topic.cameraId, reason: 'topic-mismatch', detail: `chunk of camera ${c.cameraId} on the topic of ${topic.cameraId}` };
  }
  const key = bundleKey(c.cameraId, c.bundleId);
  if (ctx.rejected.has(key)) return { kind: 'dropped', cameraId: c.cameraId, bundleId: c.bundleId, bundleCrc: c.bundleCrc, last: c.index === c.total - 1 };
  if (!ctx.isKnownCamera(c.cameraId)) {
    return { kind: 'rejected', cameraId: c.cameraId, reason: 'unknown-camera', detail: `bundle ${c.bundleId}: camera not in the registry`, key };
  }
  if (!ctx.isPartial(key) && ctx.store.has(c.cameraId, c.bundleId)) return { kind: 'duplicate', cameraId: c.cameraId, bundleId: c.bundleId, bundleCrc: c.bundleCrc, last: c.index === c.total - 1 };
  return { kind: 'chunk', key, chunk: c };
}
