/**
 * The alerts stage: event frames (quietcam/<camera>/frame) and event messages
 * (quietcam/<camera>/event) in; person verdicts, the 7-day event history and alerts out. It
 * imports no adapter: the person detector, the history and the channels are ports (main.ts builds
 * them). Frames are never uploaded; they go only to the history and the owner's channels.
 *
 * Per frame: topic and payload checked, the MAC checked with the camera's secret ('bad-mac'),
 * the camera must be enrolled ('not-enrolled': the frame is dropped unread), then it is stored
 * and queued for the detector, which scores the region around the board's motion boxes when the
 * frame carries them and the region is sharper than the whole frame (src/alerts/regions.ts).
 * The queue serves first frames of events first (the earliest alert), and a frame of an event
 * that has already alerted is stored but not scored. While frames wait or are scored, the
 * relay's new uploads wait for them (busy(); upload.ts, bounded by upload.alertsFirstMs).
 * Limits: two frames handed to the detector at a time (IN_FLIGHT); at most
 * `maxQueue` frames wait (the oldest later frames are stored unscored past that); an event
 * alerts at most once.
 */
import { motionRegion } from '../alerts/regions.js';
import type { AlertChannel, EventHistory, HistoryEvent, PersonDetector } from '../alerts/types.js';
import { ALERT_DEFAULTS, addFrameScore, endVerdict, needsScoring, newVerdict, retentionCutoff, type AlertPolicy, type EventVerdict } from '../alerts/verdict.js';
import type { Logger } from '../log.js';
import { decodeEventFrame, eventFrameMacOk, eventMacDomain, hexToBytes, macKey, openJson, parseTopic, SECRET_BYTES, type EventFrame } from '../protocol/index.js';
import type { CameraRegistry, Clock, IngestMessage } from './types.js';

/**
 * Frames handed to the detector at once: 2, so the next frame is decoded (sharp, off the detector's
 * thread) while one is scored; the detector still scores one at a time.
 */
const IN_FLIGHT = 2;

export interface AlertStagePorts {
  detector: PersonDetector;
  history: EventHistory;
  registry: CameraRegistry;
  channels: AlertChannel[];
  log: Logger;
  clock?: Clock;
  policy?: Partial<AlertPolicy>;
  /** Frames waiting for the detector at most (default 64: 8 cameras x 3 frames, twice over). */
  maxQueue?: number;
}

interface OpenEvent {
  id: number;
  cameraId: string;
  ownerId: string;
  boardEventId: number;
  v: EventVerdict;
  lastMs: number;
  /** Board time of the newest frame: the end recorded when the end message never comes. */
  lastFrameAtMs: number;
  pending: number;
}

interface Job {
  ev: OpenEvent;
  frame: EventFrame;
  path: string;
  receivedMs: number;
}

export interface AlertStageStats {
  frames: number;
  scored: number;
  /** Of those, scored as a region around the board's motion (the rest: whole frames). */
  regions: number;
  alerts: number;
  events: number;
  rejected: Record<string, number>;
  queue: number;
}

export class AlertStage {
  private readonly p: AlertStagePorts;
  private readonly policy: AlertPolicy;
  private readonly clock: Clock;
  private readonly open = new Map<string, OpenEvent>();
  private readonly queue: Job[] = [];
  /** Frames handed to the detector and not answered yet (lanes running). */
  private running = 0;
  private idle: (() => void)[] = [];
  private readonly s: AlertStageStats = { frames: 0, scored: 0, regions: 0, alerts: 0, events: 0, rejected: {}, queue: 0 };

  constructor(ports: AlertStagePorts) {
    this.p = ports;
    this.policy = { ...ALERT_DEFAULTS, ...ports.policy };
    this.clock = ports.clock ?? Date.now;
  }

  /** Take one message (frame or event topic). Never throws on bad input: it is counted and dropped. */
  handle(msg: IngestMessage): void {
    const t = parseTopic(msg.topic);
    if (!t || (t.kind !== 'frame' && t.kind !== 'event')) return this.reject('bad-topic');
    const camera = this.p.registry.get(t.cameraId);
    const secret = camera ? hexToBytes(camera.secret, SECRET_BYTES) : null;
    if (!camera || !secret) return this.reject('unknown-camera');
    const key = macKey(secret);
    if (t.kind === 'event') return this.eventMessage(t.cameraId, msg, key);
    const d = decodeEventFrame(msg.payload);
    if (!d.frame) return this.reject(d.error);
    if (d.frame.cameraId !== t.cameraId) return this.reject('topic-mismatch');
    if (!eventFrameMacOk(key, msg.payload)) return this.reject('bad-mac');
    if (!this.p.history.enrolled(t.cameraId)) return this.reject('not-enrolled');
    this.s.frames++;
    this.frame(camera.ownerId, { ...d.frame, jpeg: new Uint8Array(d.frame.jpeg) }, msg.receivedMs);
  }

  private reject(reason: string): void {
    this.s.rejected[reason] = (this.s.rejected[reason] ?? 0) + 1;
  }

  private frame(ownerId: string, f: EventFrame, receivedMs: number): void {
    const k = f.cameraId + '#' + f.eventId;
    let ev = this.open.get(k);
    if (!ev || f.index === 0) {
      if (ev) this.finish(ev);
      const startMs = f.timeMs - f.offsetMs;
      const id = this.p.history.create({ cameraId: f.cameraId, ownerId, boardEventId: f.eventId, startMs, detector: this.p.detector.name });
      ev = { id, cameraId: f.cameraId, ownerId, boardEventId: f.eventId, v: newVerdict(), lastMs: this.clock(), lastFrameAtMs: f.timeMs, pending: 0 };
      this.open.set(k, ev);
      this.s.events++;
    }
    ev.lastMs = this.clock();
    ev.lastFrameAtMs = Math.max(ev.lastFrameAtMs, f.timeMs);
    if (ev.v.frames + ev.pending >= this.policy.maxFrames) return this.reject('too-many-frames');
    const scoring = needsScoring(ev.v) && this.queue.length < (this.p.maxQueue ?? 64);
    const stored = this.p.history.addFrame(ev.id, { index: f.index, atMs: f.timeMs, offsetMs: f.offsetMs, width: f.width, height: f.height, score: -1, boxes: [] }, f.jpeg);
    if (!scoring) return;
    ev.pending++;
    this.queue.push({ ev, frame: f, path: stored.path, receivedMs });
    this.s.queue = this.queue.length;
    this.drain();
  }

  /** The next job: the lowest frame index first (first frames alert soonest), then arrival order. */
  private take(): Job | undefined {
    let best = -1;
    for (let i = 0; i < this.queue.length; i++) if (best < 0 || this.queue[i].frame.index < this.queue[best].frame.index) best = i;
    return best < 0 ? undefined : this.queue.splice(best, 1)[0];
  }

  /** Start lanes up to IN_FLIGHT; each takes jobs until the queue is empty. */
  private drain(): void {
    while (this.running < IN_FLIGHT && this.queue.length > 0) void this.lane();
  }

  private async lane(): Promise<void> {
    this.running++;
    try {
      for (let job = this.take(); job; job = this.take()) {
        this.s.queue = this.queue.length;
        await this.score(job);
      }
    } finally {
      this.running--;
      if (this.running === 0) for (const done of this.idle.splice(0)) done();
    }
  }

  private async score(job: Job): Promise<void> {
    const { ev, frame: f } = job;
    ev.pending--;
    if (!needsScoring(ev.v)) return this.maybeFinal(ev);
    const inputs = this.p.detector.inputs;
    // the region around the board's motion boxes (v2 frames), or the whole frame (regions.ts decides)
    const region = inputs ? motionRegion(f.width, f.height, f.motion, inputs.region, inputs.full) : null;
    let r;
    try {
      r = await this.p.detector.detect(f.jpeg, region);
    } catch (err) {
      this.reject('undecodable');
      this.p.log.warn(`alerts: frame ${f.index} of ${f.cameraId} event ${f.eventId}: ${(err as Error).message}`);
      return this.maybeFinal(ev);
    }
    this.s.scored++;
    if (region) this.s.regions++;
    this.p.history.scoreFrame(ev.id, f.index, r.score, r.boxes, region);
    const alert = addFrameScore(ev.v, f.index, r.score, r.boxes, this.policy);
    this.p.history.update(ev.id, { verdict: ev.v.verdict, bestScore: ev.v.bestScore, bestFrame: ev.v.bestFrame, boxes: ev.v.boxes });
    if (alert) {
      const decidedMs = this.clock();
      this.s.alerts++;
      this.p.history.update(ev.id, { alertMs: decidedMs });
      const a = {
        cameraId: ev.cameraId, ownerId: ev.ownerId, eventId: ev.id, atMs: f.timeMs - f.offsetMs, verdict: 'person' as const, score: r.score,
        boxes: r.boxes, imagePath: job.path, frameAtMs: f.timeMs, receivedMs: job.receivedMs, decidedMs, detector: this.p.detector.name,
      };
      for (const c of this.p.channels) this.call(c.name, () => c.onAlert(a));
    }
    this.maybeFinal(ev);
  }

  /** A channel never blocks the stage, and its failure is its own (logged). */
  private call(name: string, f: () => void | Promise<void>): void {
    try {
      const r = f();
      if (r) r.catch((err: Error) => this.p.log.warn(`alerts: channel ${name}: ${err.message}`));
    } catch (err) {
      this.p.log.warn(`alerts: channel ${name}: ${(err as Error).message}`);
    }
  }

  private eventMessage(cameraId: string, msg: IngestMessage, key: ReturnType<typeof macKey>): void {
    const text = openJson(key, eventMacDomain(cameraId), Buffer.from(msg.payload).toString('latin1'));
    if (text === null) return this.reject('bad-mac');
    let m: { type?: string; event?: number; timeMs?: number };
    try {
      m = JSON.parse(text);
    } catch {
      return this.reject('bad-json');
    }
    if (m.type !== 'end' || typeof m.event !== 'number') return;
    const ev = this.open.get(cameraId + '#' + m.event);
    if (!ev) return;
    if (typeof m.timeMs === 'number') this.p.history.update(ev.id, { endMs: m.timeMs });
    ev.v.ended = true;
    this.maybeFinal(ev);
  }

  /** Once ended and nothing of it is waiting: the final verdict, and the event leaves the open set. */
  private maybeFinal(ev: OpenEvent): void {
    if (ev.v.ended && ev.pending === 0) this.finish(ev);
  }

  private finish(ev: OpenEvent): void {
    endVerdict(ev.v);
    this.open.delete(ev.cameraId + '#' + ev.boardEventId);
    this.p.history.update(ev.id, { verdict: ev.v.verdict });
    const final = this.p.history.get(ev.id);
    if (final) for (const c of this.p.channels) if (c.onEvent) this.call(c.name, () => c.onEvent!(final as HistoryEvent));
  }

  /**
   * Periodic (main.ts: every minute): close events whose end never came, delete history past
   * retention. Returns the number of events deleted.
   */
  tick(): number {
    const now = this.clock();
    for (const ev of [...this.open.values()]) {
      if (ev.pending === 0 && now - ev.lastMs > this.policy.openEventMs) {
        this.p.history.update(ev.id, { endMs: ev.lastFrameAtMs });
        this.finish(ev);
      }
    }
    return this.p.history.prune(retentionCutoff(now, this.policy));
  }

  /** True while a frame is being scored or waits to be (the relay's uploads let it go first). */
  busy(): boolean {
    return this.running > 0 || this.queue.length > 0;
  }

  /** Resolves once no frame waits for the detector. */
  whenIdle(): Promise<void> {
    if (this.running === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  stats(): AlertStageStats {
    return { ...this.s, rejected: { ...this.s.rejected }, queue: this.queue.length };
  }
}
