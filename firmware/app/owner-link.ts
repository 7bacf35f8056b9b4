/**
 * What the board tells its owner's pages and what it does for them, besides events and bundles:
 * the status message (status.ts) when due, and the live view (live-view.ts): requests on the
 * command topic, frames on the live topic (QoS 0). Shares the app's buffers: the view buffer
 * (a live frame is written around the JPEG in place, like an event frame) and the message buffer.
 * ES5-safe.
 */
import { eventFrameHeaderSize } from '../../src/protocol/event-frame.js';
import { encodeLiveFrame } from '../../src/protocol/live-view.js';
import { MAC_BYTES } from '../../src/protocol/mac.js';
import type { HmacSha256 } from '../../src/protocol/sha256.js';
import { commandTopic, liveTopic, statusTopic } from '../../src/protocol/topics.js';
import { LOG_INFO, LOG_WARN } from './hardware.js';
import type { Ports } from './hardware.js';
import { LiveView } from './live-view.js';
import type { LiveViewOptions } from './live-view.js';
import type { SnapshotRule } from './snapshot-rule.js';
import { StatusReporter } from './status.js';

/** The app's counters this file moves (a part of AppStats). */
export interface OwnerLinkStats {
  frames: number;
  events: number;
  publishFailures: number;
  statusSent: number;
  liveStarted: number;
  liveRejected: number;
  liveFrames: number;
  liveFramesSkipped: number;
}

export class OwnerLink {
  readonly topicCommand: string;
  /** Wall clock of the last motion event start (0: none since boot), for the status message. */
  lastEventWall: number;
  private readonly ports: Ports;
  private readonly cameraId: string;
  private readonly key: HmacSha256;
  private readonly rule: SnapshotRule;
  private readonly view: Uint8Array;
  private readonly message: Uint8Array;
  private readonly s: OwnerLinkStats;
  private readonly status: StatusReporter;
  private readonly live: LiveView;
  private readonly topicStatus: string;
  private readonly topicLive: string;

  constructor(ports: Ports, o: { cameraId: string; board: string; key: HmacSha256; rule: SnapshotRule; view: Uint8Array; message: Uint8Array;
    stats: OwnerLinkStats; statusIntervalMs: number; liveView: LiveViewOptions | null; }) {
    this.ports = ports;
    this.cameraId = o.cameraId;
    this.key = o.key;
    this.rule = o.rule;
    this.view = o.view;
    this.message = o.message;
    this.s = o.stats;
    this.status = new StatusReporter(o.cameraId, o.board, o.key, o.statusIntervalMs);
    this.live = new LiveView(ports.settings, o.cameraId, o.key, o.liveView);
    this.topicStatus = statusTopic(o.cameraId);
    this.topicCommand = commandTopic(o.cameraId);
    this.topicLive = liveTopic(o.cameraId);
    this.lastEventWall = 0;
  }

  /** The connection is (back) up: a status message soon. */
  connected(): void {
    this.status.connected();
  }

  /** A message on the command topic: a live-view request, taken only when it is the owner's. */
  command(payload: Uint8Array): void {
    const clock = this.ports.clock;
    const wall = clock.now();
    const why = this.live.receive(payload, wall, this.rule.wallValid(wall), clock.ticks());
    if (why === '') {
      this.s.liveStarted++;
      this.ports.log.log(LOG_INFO, 'live view started (request ' + this.live.counter + ')');
    } else {
      this.s.liveRejected++;
      this.ports.log.log(LOG_WARN, 'live view request ignored (' + why + ')');
    }
  }

  /** After each frame: the live frame and the status message, when due. */
  step(): void {
    this.liveFrame();
    this.statusDue();
  }

  private publish(topic: string, bytes: Uint8Array): void {
    if (!this.ports.mqtt.publish(topic, bytes, 0)) this.s.publishFailures++;
  }

  private statusDue(): void {
    const clock = this.ports.clock;
    const ticks = clock.ticks();
    if (!this.status.due(ticks)) return;
    const wall = clock.now();
    const text = this.status.message(ticks, wall, this.rule.wallValid(wall), this.s.frames, this.s.events, this.lastEventWall, this.ports.system);
    if (text.length > this.message.length) return;
    for (let i = 0; i < text.length; i++) this.message[i] = text.charCodeAt(i) & 0x7f;
    this.s.statusSent++;
    this.publish(this.topicStatus, this.message.subarray(0, text.length));
  }

  /** The live frame due now, if any: the raw view read after room for the header, header and MAC written around it. */
  private liveFrame(): void {
    const ticks = this.ports.clock.ticks();
    const index = this.live.due(ticks);
    if (index < 0) return;
    const cam = this.ports.camera;
    const at = eventFrameHeaderSize(this.cameraId, 0);
    const room = this.view.length - at - MAC_BYTES;
    const len = cam.viewWidth > 0 && room > 0 ? cam.readView(this.view.subarray(at, at + room)) : 0;
    if (len <= 0 || len > this.live.maxBytes()) {
      this.s.liveFramesSkipped++;
      return;
    }
    const n = encodeLiveFrame(this.view, this.key, {
      cameraId: this.cameraId, eventId: this.live.counter % 4294967296, index: index & 0xff, count: 0,
      timeMs: this.ports.clock.now(), offsetMs: this.live.offset(ticks), width: cam.viewWidth, height: cam.viewHeight,
    }, this.view.subarray(at, at + len), len);
    this.s.liveFrames++;
    this.publish(this.topicLive, this.view.subarray(0, n));
  }
}
