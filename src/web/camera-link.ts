/**
 * The pages' side of the link to the boards (no MQTT here: src/web/adapters/mqtt-camera-link.ts
 * feeds it and sends for it). It keeps the newest verified status per camera, passes verified
 * live frames to the owner's open live-view streams (and keeps none of them), and signs live-view
 * requests with the camera's secret.
 * - A status or frame counts only with the MAC of its camera's secret (the one the pages stored at
 *   pairing): a client on the broker that is not the camera cannot fake "online" or a picture.
 * - Request counters are this clock's ms, kept strictly increasing in this process, so the board
 *   (which refuses any counter not above the last it took) never sees a replay from us.
 *
 * @example
 *   const link = new CameraLink({ secretOf, clock: Date.now, send: (id, p) => mqtt.publishAsync(commandTopic(id), p) });
 *   client.on('message', (t, p) => link.handle(t, p));
 *   await link.requestLive('porch', { seconds: 60, fps: 2 });
 */
import { openStatus, type CameraStatus } from '../protocol/camera-status.js';
import { openLiveFrame, signLiveRequest } from '../protocol/live-view.js';
import { hexToBytes, macKey, SECRET_BYTES } from '../protocol/mac.js';
import { parseTopic } from '../protocol/topics.js';

export const LINK_DEFAULTS = {
  /** A request is valid this long after it was made (the board refuses it later, if its clock is synced). */
  requestValidMs: 30000,
  /** Live frames kept per open stream when the browser reads slower than the board sends (older ones are dropped). */
  streamBacklog: 2,
};

export interface SeenStatus {
  status: CameraStatus;
  /** When the pages received it (this clock). */
  receivedMs: number;
}

export interface LiveFrame {
  cameraId: string;
  jpeg: Uint8Array;
  width: number;
  height: number;
  /** The request counter the frame answers, low 32 bits. */
  session: number;
  index: number;
  timeMs: number;
}

export interface CameraLinkOptions {
  /** The camera's MAC secret (64 hex), or undefined for a camera the pages do not know. */
  secretOf(cameraId: string): string | undefined;
  clock: () => number;
  /** Publish on `quietcam/<camera>/command`, not retained, QoS 1. */
  send(cameraId: string, payload: Uint8Array): Promise<void>;
}

export class CameraLink {
  /** Messages dropped: unknown camera, bad MAC or malformed (counted, never shown). */
  readonly refused = { status: 0, live: 0 };
  private readonly latest = new Map<string, SeenStatus>();
  private readonly listeners = new Map<string, Set<(f: LiveFrame) => void>>();
  private lastCounter = 0;

  constructor(private readonly o: CameraLinkOptions) {}

  private key(cameraId: string) {
    const secret = hexToBytes(this.o.secretOf(cameraId), SECRET_BYTES);
    return secret ? macKey(secret) : null;
  }

  /** A message from the broker (`quietcam/+/status` or `quietcam/+/live`); anything else is ignored. */
  handle(topic: string, payload: Uint8Array): void {
    const t = parseTopic(topic);
    if (!t || (t.kind !== 'status' && t.kind !== 'live')) return;
    if (t.kind === 'live' && !this.listeners.get(t.cameraId)?.size) return; // nobody watching: not even verified
    const key = this.key(t.cameraId);
    if (t.kind === 'status') {
      const s = key ? openStatus(key, t.cameraId, Buffer.from(payload).toString('latin1')) : null;
      if (!s) this.refused.status++;
      else this.latest.set(t.cameraId, { status: s, receivedMs: this.o.clock() });
      return;
    }
    const f = key ? openLiveFrame(key, t.cameraId, payload) : null;
    if (!f) {
      this.refused.live++;
      return;
    }
    const frame: LiveFrame = { cameraId: t.cameraId, jpeg: Uint8Array.from(f.jpeg), width: f.width, height: f.height, session: f.eventId, index: f.index, timeMs: f.timeMs };
    for (const l of this.listeners.get(t.cameraId) ?? []) l(frame);
  }

  /** The newest verified status of the camera, or null (never seen since the pages started). */
  status(cameraId: string): SeenStatus | null {
    return this.latest.get(cameraId) ?? null;
  }

  /** Forget a removed camera's status. */
  forget(cameraId: string): void {
    this.latest.delete(cameraId);
  }

  /** Ask the board for live frames; resolves with the request counter once the broker took it. Throws when the camera has no secret. */
  async requestLive(cameraId: string, o: { seconds: number; fps: number }): Promise<number> {
    const key = this.key(cameraId);
    if (!key) throw new Error(`camera ${cameraId} has no MAC secret: make a new login for it`);
    const counter = Math.max(Math.floor(this.o.clock()), this.lastCounter + 1);
    this.lastCounter = counter;
    const text = signLiveRequest(key, cameraId, { counter, expiresMs: counter + LINK_DEFAULTS.requestValidMs, seconds: o.seconds, fps: o.fps });
    await this.o.send(cameraId, new Uint8Array(Buffer.from(text, 'ascii')));
    return counter;
  }

  /** Call `listener` with each verified live frame of the camera until the returned function is called. */
  watch(cameraId: string, listener: (f: LiveFrame) => void): () => void {
    let set = this.listeners.get(cameraId);
    if (!set) this.listeners.set(cameraId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (!set.size) this.listeners.delete(cameraId);
    };
  }

  /** Open live-view streams of a camera (tests, status). */
  watchers(cameraId: string): number {
    return this.listeners.get(cameraId)?.size ?? 0;
  }
}
