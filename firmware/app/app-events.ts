/**
 * What the app publishes about events: at an event's start the signed start message and, when the
 * snapshot rule and consent allow, a bundle in chunks (kept until acked, unacked.ts); while it lasts
 * the event frames due (event-frames.ts); at its end the end message. Also the resending of overdue
 * bundles. Allocates per event only the message string; per snapshot the bundle id, one raw-view
 * subarray, a Chunker and one subarray per chunk. ES5-safe.
 */
import { EVENT_ACTIVE, EVENT_END, EVENT_START } from '../../src/core/index.js';
import type { DetectorOutput, MotionDetector } from '../../src/core/index.js';
import { encodeBundle } from '../../src/protocol/bundle.js';
import type { Bundle, RawView } from '../../src/protocol/bundle.js';
import { Chunker } from '../../src/protocol/chunk.js';
import { readU32 } from '../../src/protocol/bytes.js';
import { encodeEventFrame, eventFrameHeaderSize } from '../../src/protocol/event-frame.js';
import type { FrameMotion } from '../../src/protocol/event-frame.js';
import { MAC_BYTES } from '../../src/protocol/mac.js';
import type { HmacSha256 } from '../../src/protocol/sha256.js';
import { bundleTopic, eventTopic, frameTopic } from '../../src/protocol/topics.js';
import type { EngineHeap, ExternalMemory } from './app-memory.js';
import type { AppSetup } from './app-options.js';
import type { AppStats } from './app-stats.js';
import { Consent, CONSENT_ON } from './consent.js';
import { EventFrameSchedule } from './event-frames.js';
import { endMessage, startMessage, writeSigned } from './event-message.js';
import { EventTracker } from './event-tracker.js';
import { LOG_ERROR, LOG_INFO } from './hardware.js';
import type { Ports } from './hardware.js';
import { GAP_OK, GAP_TOO_LONG, GAP_TOO_SHORT, SnapshotRule } from './snapshot-rule.js';
import { UnackedBundles } from './unacked.js';

export class EventPublisher {
  readonly topicEvent: string;
  readonly unacked: UnackedBundles;
  private readonly topicBundle: string;
  private readonly topicFrame: string;
  private readonly ports: Ports;
  private readonly cameraId: string;
  private readonly qos: number;
  private readonly chunkSize: number;
  private readonly key: HmacSha256;
  private readonly message: Uint8Array;
  private readonly detector: MotionDetector;
  private readonly out: DetectorOutput;
  private readonly view: Uint8Array;
  private readonly chunk: Uint8Array;
  private readonly bundle: Bundle;
  private readonly noView: RawView;
  private readonly frames: EventFrameSchedule;
  private readonly frameMaxBytes: number;
  /** The detector's grid and boxes, passed to each event frame (fields refreshed per frame, never copied). */
  private readonly motion: FrameMotion;
  private readonly track: EventTracker;
  private readonly rule: SnapshotRule;
  private readonly consent: Consent;
  private readonly s: AppStats;
  private startTicks: number;

  constructor(ports: Ports, setup: AppSetup, heap: EngineHeap, ext: ExternalMemory, rule: SnapshotRule, consent: Consent, stats: AppStats) {
    this.ports = ports;
    this.cameraId = setup.cameraId;
    this.qos = setup.qos;
    this.chunkSize = setup.chunkSize;
    this.topicEvent = eventTopic(setup.cameraId);
    this.topicBundle = bundleTopic(setup.cameraId);
    this.topicFrame = frameTopic(setup.cameraId);
    this.key = heap.key;
    this.message = heap.message;
    this.detector = heap.detector;
    this.out = heap.out;
    this.view = ext.view;
    this.chunk = ext.chunk;
    this.bundle = ext.bundle;
    this.noView = ext.noView;
    this.unacked = ext.unacked;
    this.frames = setup.frames;
    this.frameMaxBytes = setup.frameMaxBytes;
    this.motion = { cols: 0, rows: 0, count: 0, boxes: heap.out.boxes };
    this.track = new EventTracker();
    this.rule = rule;
    this.consent = consent;
    this.s = stats;
    this.startTicks = 0;
  }

  /** After the detector's step: publish what its event state (EVENT_IDLE..EVENT_END) asks for. */
  frame(state: number): void {
    if (state === EVENT_START || state === EVENT_ACTIVE) this.track.frame(this.out, state === EVENT_START);
    if (state === EVENT_START) this.started();
    else if (state === EVENT_END) this.ended();
    else if (state === EVENT_ACTIVE) this.eventFrame();
  }

  publish(topic: string, bytes: Uint8Array): void {
    if (!this.ports.mqtt.publish(topic, bytes, this.qos)) this.s.publishFailures++;
  }

  /** Send again the bundle whose ack is overdue (at most one per frame). */
  resendDue(): void {
    const i = this.unacked.due(this.ports.clock.ticks());
    if (i < 0) return;
    this.unacked.resent(i, this.ports.clock.ticks());
    this.s.resent++;
    this.ports.log.log(LOG_INFO, 'bundle ' + this.unacked.idOf(i) + ' not acknowledged: sending it again');
    this.sendChunks(this.unacked.idOf(i), this.unacked.bytesOf(i));
  }

  private sendChunks(bundleId: string, bytes: Uint8Array): void {
    const chunker = new Chunker(bytes, { cameraId: this.cameraId, bundleId: bundleId, chunkSize: this.chunkSize });
    for (let i = 0; i < chunker.count; i++) this.publish(this.topicBundle, chunker.write(i, this.chunk));
  }

  private started(): void {
    const clock = this.ports.clock;
    const wall = clock.now();
    const ticks = clock.ticks();
    const out = this.out;
    this.s.events++;
    this.startTicks = ticks;
    const gap = this.rule.eventStarted(wall, ticks);
    const synced = this.rule.wallValid(wall);
    let skip = '';
    let id = '';
    if (gap !== GAP_OK) {
      skip = gap === GAP_TOO_SHORT ? 'gap-too-short' : gap === GAP_TOO_LONG ? 'gap-too-long' : 'gap-unknown';
      this.s.skippedGap++;
    } else {
      const reason = this.consent.reason(wall, synced);
      if (reason !== CONSENT_ON) {
        skip = reason;
        this.s.skippedConsent++;
      } else {
        id = 't' + Math.floor(wall) + '-e' + out.eventId;
        if (!this.snapshot(id, wall)) {
          skip = 'error';
          id = '';
        }
      }
    }
    const text = startMessage(this.cameraId, out.eventId, wall, synced, out.cols, out.rows, out.boxCount,
      this.track.frameUnion, out.boxes, this.rule.lastGapMs, id, skip);
    const len = writeSigned(this.message, this.cameraId, this.key, text);
    this.publish(this.topicEvent, this.message.subarray(0, len));
    this.frames.started(ticks);
    this.eventFrame();
  }

  /**
   * Publish the event frame due now, if any: the raw view read into the view buffer after room for
   * the message header (with this frame's motion boxes), then header and MAC written around it in
   * place (no buffer of its own). A grid above 255 cells a side is sent as "no motion information".
   */
  private eventFrame(): void {
    const ticks = this.ports.clock.ticks();
    const index = this.frames.due(ticks);
    if (index < 0) return;
    const cam = this.ports.camera;
    const out = this.out;
    const m = this.motion;
    const fits = out.cols <= 255 && out.rows <= 255;
    m.cols = fits ? out.cols : 0;
    m.rows = fits ? out.rows : 0;
    m.count = fits ? out.boxCount : 0;
    m.boxes = out.boxes;
    const at = eventFrameHeaderSize(this.cameraId, m.count);
    const room = this.view.length - at - MAC_BYTES;
    const len = cam.viewWidth > 0 && room > 0 ? cam.readView(this.view.subarray(at, at + room)) : 0;
    if (len <= 0 || len > this.frameMaxBytes) {
      this.s.eventFramesSkipped++;
      return;
    }
    const n = encodeEventFrame(this.view, this.key, {
      cameraId: this.cameraId, eventId: this.out.eventId, index: index, count: this.frames.count(),
      timeMs: this.ports.clock.now(), offsetMs: this.frames.offset(ticks), width: cam.viewWidth, height: cam.viewHeight, motion: m,
    }, this.view.subarray(at, at + len), len);
    this.s.eventFrames++;
    this.publish(this.topicFrame, this.view.subarray(0, n));
  }

  private ended(): void {
    this.frames.ended();
    const clock = this.ports.clock;
    const wall = clock.now();
    const ticks = clock.ticks();
    const out = this.out;
    this.rule.eventEnded(wall, ticks);
    const text = endMessage(this.cameraId, out.eventId, wall, this.rule.wallValid(wall), out.cols, out.rows,
      ticks - this.startTicks, this.track.maxBoxes, this.track.peakCells, this.track.eventUnion);
    const len = writeSigned(this.message, this.cameraId, this.key, text);
    this.publish(this.topicEvent, this.message.subarray(0, len));
  }

  /** Build, encode and publish one bundle from the current frame. Returns false on an error (logged). */
  private snapshot(bundleId: string, wall: number): boolean {
    const b = this.bundle;
    const cam = this.ports.camera;
    const viewLen = this.view.length > 1 ? cam.readView(this.view) : 0;
    b.rawView = viewLen > 0 && cam.viewWidth > 0 && cam.viewHeight > 0
      ? { width: cam.viewWidth, height: cam.viewHeight, jpeg: this.view.subarray(0, viewLen) }
      : this.noView;
    this.detector.background(b.background.pixels);
    b.bundleId = bundleId;
    b.captureTimeMs = Math.floor(wall);
    b.boxCount = this.out.boxCount;
    b.purposes = this.consent.purposes;
    b.consentVersion = this.consent.consentVersion;
    try {
      const slot = this.unacked.take();
      const bytes = encodeBundle(b, this.unacked.slots[slot], this.key);
      this.sendChunks(bundleId, bytes);
      this.unacked.hold(slot, bundleId, bytes.length, readU32(bytes, bytes.length - 4), this.ports.clock.ticks());
    } catch (e) {
      this.s.snapshotErrors++;
      this.ports.log.log(LOG_ERROR, 'snapshot ' + bundleId + ' failed: ' + (e as Error).message);
      return false;
    }
    this.s.snapshots++;
    return true;
  }
}
