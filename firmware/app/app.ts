/**
 * The device app: one `step()` per camera frame — read the frame, run the detector, turn event
 * starts and ends into small event messages, apply the snapshot rule and consent, and publish a
 * snapshot bundle in chunks (app-events.ts). Config (consent) and the relay's acks arrive through
 * `receive()`.
 *
 * Limits, stated first:
 * - Everything is allocated in the constructor (app-memory.ts). Per frame nothing is allocated; per
 *   event only the event message string; per snapshot the bundle id string, one raw-view subarray,
 *   a Chunker and one subarray per chunk.
 * - Large, rarely used buffers (raw view, encoded bundle, chunk) live outside the engine heap
 *   (ports.memory.external: PSRAM on the board); the detector state lives in the engine heap and
 *   must fit the board's appHeapBytes, checked at start-up.
 * - The camera id and its MAC secret come from the persistent settings (keys "camera" and
 *   "secret", 64 hex), written at provisioning. Bundles and event messages carry the secret's MAC;
 *   a config counts only with it (config-guard.ts).
 * - A bundle is kept (encoded, in external memory) until the relay's signed ack says it is stored,
 *   and sent again after a timeout or a reconnection (unacked.ts); at most the board profile's
 *   `mqtt.unackedBundles` wait at once. QoS 1 retries of single chunks are the MQTT port's job.
 * ES5-safe (see ../README.md and firmware/es5-gate.ts).
 *
 * @example
 *   const app = new FirmwareApp(ports, appOptionsFromBoard(profile));
 *   app.receive('quietcam/porch/config', configBytes);
 *   while (running) app.step();   // once per frame
 */
import { DETECTOR_VERSION, EVENT_START } from '../../src/core/index.js';
import type { DetectorOutput, MotionDetector } from '../../src/core/index.js';
import { openAck } from '../../src/protocol/ack.js';
import { macOf } from '../../src/protocol/mac.js';
import type { HmacSha256 } from '../../src/protocol/sha256.js';
import { ackTopic, configTopic } from '../../src/protocol/topics.js';
import { EventPublisher } from './app-events.js';
import { allocateExternal, allocateHeap } from './app-memory.js';
import { APP_DEFAULTS, readOptions } from './app-options.js';
import type { AppOptions } from './app-options.js';
import { copyStats, newStats } from './app-stats.js';
import type { AppStats } from './app-stats.js';
import { ConfigGuard } from './config-guard.js';
import { Consent } from './consent.js';
import { configRejectedMessage, writeSigned } from './event-message.js';
import { LOG_ERROR, LOG_INFO, LOG_WARN } from './hardware.js';
import type { Ports } from './hardware.js';
import { SnapshotRule } from './snapshot-rule.js';
import { OwnerLink } from './owner-link.js';

export { APP_DEFAULTS } from './app-options.js';
export type { AppOptions } from './app-options.js';
export type { AppStats } from './app-stats.js';

export class FirmwareApp {
  readonly cameraId: string;
  readonly width: number;
  readonly height: number;
  private readonly ports: Ports;
  private readonly detector: MotionDetector;
  private readonly out: DetectorOutput;
  private readonly frame: Uint8Array;
  private readonly message: Uint8Array;
  private readonly key: HmacSha256;
  private readonly rule: SnapshotRule;
  private readonly consent: Consent;
  private readonly guard: ConfigGuard;
  private readonly events: EventPublisher;
  private readonly topicConfig: string;
  private readonly topicAck: string;
  private readonly s: AppStats;
  private readonly owner: OwnerLink;
  private lastReportTicks: number;

  /** Checks the options (app-options.ts) before allocating anything, then allocates everything. */
  constructor(ports: Ports, options: AppOptions) {
    const setup = readOptions(ports, options);
    const heap = allocateHeap(ports, setup);
    const ext = allocateExternal(ports, setup, heap.out);
    this.ports = ports;
    this.cameraId = setup.cameraId;
    this.width = setup.width;
    this.height = setup.height;
    this.detector = heap.detector;
    this.out = heap.out;
    this.frame = heap.frame;
    this.message = heap.message;
    this.key = heap.key;
    this.topicConfig = configTopic(setup.cameraId);
    this.topicAck = ackTopic(setup.cameraId);
    this.rule = new SnapshotRule(ports.settings, setup.snapshotRule);
    this.consent = new Consent();
    this.guard = new ConfigGuard(ports.settings, setup.cameraId, this.key);
    this.s = newStats(heap.stateBytes, ext.externalBytes, heap.nativeKernels, heap.nativeDigest);
    this.events = new EventPublisher(ports, setup, heap, ext, this.rule, this.consent, this.s);
    this.owner = new OwnerLink(ports, { cameraId: setup.cameraId, board: setup.board, key: this.key, rule: this.rule, view: ext.view, message: this.message, stats: this.s, statusIntervalMs: setup.statusIntervalMs, liveView: setup.liveView });
    this.lastReportTicks = -1;
    ports.log.log(LOG_INFO, 'quietcam ' + setup.board + ': camera ' + setup.cameraId + ', ' + setup.width + 'x' + setup.height +
      ', state ' + heap.stateBytes + ' B, external ' + ext.externalBytes + ' B, detector ' + DETECTOR_VERSION + ' ' + ext.bundle.configHash +
      (heap.nativeDigest ? ', native SHA-256' : ', TypeScript SHA-256') + (heap.nativeKernels ? ', native kernels' : ', TypeScript kernels'));
    if (heap.kernelsBad !== null) ports.log.log(LOG_ERROR, 'native kernels differ from the reference, running the TypeScript ones: ' + heap.kernelsBad);
    if (heap.digestBad !== null) ports.log.log(LOG_ERROR, 'native SHA-256 differs from the reference, running the TypeScript one: ' + heap.digestBad);
  }

  /**
   * Diagnostics (bench/firmware-mac.ts): the 16-byte MAC of `bytes` with this camera's key, into
   * `out`, under a domain of its own, so it can never stand for a bundle's or a message's MAC.
   */
  benchMac(bytes: Uint8Array, out: Uint8Array): void {
    macOf(this.key, 'quietcam-bench/', bytes, 0, bytes.length, out, 0);
  }

  /** The config topic the port must subscribe to (retained consent). */
  configTopic(): string {
    return this.topicConfig;
  }

  /** The ack topic the port must subscribe to as well (the relay's signed "bundle stored"). */
  ackTopic(): string {
    return this.topicAck;
  }

  /** The command topic the port must subscribe to as well (the owner's signed live-view requests). */
  commandTopic(): string {
    return this.owner.topicCommand;
  }

  /**
   * A message arrived on a subscribed topic: the config (only the owner's count), an ack or a
   * live-view request (owner-link.ts). The
   * broker sends the retained config on every (re)subscription, so a config also means the
   * connection is (back) up: waiting bundles are sent again at the next step.
   */
  receive(topic: string, payload: Uint8Array): void {
    if (topic === this.topicAck) {
      this.receiveAck(payload);
      return;
    }
    if (topic === this.owner.topicCommand) {
      this.owner.command(payload);
      return;
    }
    if (topic !== this.topicConfig) return;
    this.events.unacked.reconnected();
    const why = this.guard.receive(payload, this.consent);
    if (why === '') {
      this.s.configUpdates++;
      this.ports.log.log(LOG_INFO, 'config: purposes ' + this.consent.purposes + ', ' + this.consent.placement + ', consent version ' + this.consent.consentVersion);
      return;
    }
    this.s.configRejected++;
    if (why === 'malformed') {
      this.ports.log.log(LOG_WARN, 'config unreadable, contributions off: ' + this.consent.problem);
      return;
    }
    this.ports.log.log(LOG_WARN, 'config ignored (' + why + '), consent kept: version ' + this.consent.consentVersion);
    this.reportRejected(why);
  }

  /** The port (re)connected: send the waiting bundles again at the next step. */
  reconnected(): void {
    this.events.unacked.reconnected();
    this.owner.connected();
  }

  private receiveAck(payload: Uint8Array): void {
    const a = openAck(this.key, this.cameraId, payload);
    if (!a.ok) {
      this.s.ackRejected++;
      this.ports.log.log(LOG_WARN, 'ack ignored (' + a.error + ')');
    } else if (this.events.unacked.acknowledge(a.bundleId, a.crc)) {
      // a refusal frees the slot too (the relay will never store those bytes), but it is no delivery
      if (a.refused) {
        this.s.refused++;
        this.ports.log.log(LOG_WARN, 'bundle ' + a.bundleId + ' refused by the relay (' + a.refused + '): not sent again');
      } else this.s.acked++;
    } else {
      this.s.ackUnknown++;
    }
  }

  /** Say on the event topic that a config was ignored (at most once per configReportMinMs). */
  private reportRejected(why: string): void {
    const clock = this.ports.clock;
    const ticks = clock.ticks();
    if (this.lastReportTicks >= 0 && ticks - this.lastReportTicks < APP_DEFAULTS.configReportMinMs) return;
    this.lastReportTicks = ticks;
    const wall = clock.now();
    const text = configRejectedMessage(this.cameraId, wall, this.rule.wallValid(wall), why, this.guard.lastCounter, this.guard.highest());
    this.events.publish(this.events.topicEvent, this.message.subarray(0, writeSigned(this.message, this.cameraId, this.key, text)));
  }

  /**
   * Process one frame. Returns the detector's event state (EVENT_IDLE..EVENT_END), or -1 when
   * the camera had no frame of the right size.
   */
  step(): number {
    const n = this.ports.camera.read(this.frame);
    if (n !== this.frame.length) {
      this.s.badFrames++;
      return -1;
    }
    const out = this.out;
    this.detector.step(this.frame, out);
    this.s.frames++;
    const state = out.eventState;
    this.events.frame(state);
    this.events.resendDue();
    if (state === EVENT_START) this.owner.lastEventWall = Math.floor(this.ports.clock.now());
    this.owner.step();
    return state;
  }

  /** Counters and sizes; a fresh object (call it rarely). */
  stats(): AppStats {
    const u = this.events.unacked;
    return copyStats(this.s, u.dropped, u.waiting());
  }
}
