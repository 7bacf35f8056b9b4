/**
 * The device app: one `step()` per camera frame — read the frame, run the detector, turn event
 * starts and ends into small event messages, apply the snapshot rule and consent, and publish a
 * snapshot bundle in chunks. Config (consent) arrives through `receive()`.
 *
 * Limits, stated first:
 * - Everything is allocated in the constructor. Per frame nothing is allocated; per event only
 *   the event message string; per snapshot the bundle id string, one raw-view subarray, a Chunker
 *   and one subarray per chunk.
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
import { createDetector, createOutput, validateConfig, configHash, checkKernels, DETECTOR_VERSION, EVENT_START, EVENT_ACTIVE, EVENT_END } from '../../src/core/index.js';
import type { DetectorConfig, DetectorOutput, MotionDetector } from '../../src/core/index.js';
import { encodeBundle, bundleSize } from '../../src/protocol/bundle.js';
import type { Bundle, RawView } from '../../src/protocol/bundle.js';
import { Chunker } from '../../src/protocol/chunk.js';
import { readU32 } from '../../src/protocol/bytes.js';
import { isValidCameraId } from '../../src/protocol/ids.js';
import { ackTopic, bundleTopic, configTopic, eventTopic, frameTopic } from '../../src/protocol/topics.js';
import { openAck } from '../../src/protocol/ack.js';
import { encodeEventFrame, EVENT_FRAME_OVERHEAD } from '../../src/protocol/event-frame.js';
import { hexToBytes, MAC_BYTES, macKey, macOf, SECRET_BYTES } from '../../src/protocol/mac.js';
import { checkSha256Blocks, useNativeSha256Blocks } from '../../src/protocol/sha256.js';
import type { HmacSha256 } from '../../src/protocol/sha256.js';
import { ConfigGuard } from './config-guard.js';
import { Consent, CONSENT_ON } from './consent.js';
import { EventTracker } from './event-tracker.js';
import { EventFrameSchedule } from './event-frames.js';
import { configRejectedMessage, endMessage, EVENT_MESSAGE_BYTES, startMessage, writeSigned } from './event-message.js';
import { LOG_ERROR, LOG_INFO, LOG_WARN } from './hardware.js';
import type { Ports } from './hardware.js';
import { UnackedBundles } from './unacked.js';
import type { LiveViewOptions } from './live-view.js';
import { OwnerLink } from './owner-link.js';
import { STATUS_DEFAULTS } from './status.js';
import { GAP_OK, GAP_TOO_LONG, GAP_TOO_SHORT, SnapshotRule } from './snapshot-rule.js';
import type { SnapshotRuleOptions } from './snapshot-rule.js';

export interface AppOptions {
  /** Board profile name (logs and stats). */
  board: string;
  /** Engine-heap bytes the app may hold (detector state, outputs, frame): the profile's appHeapBytes. */
  appHeapBytes: number;
  /** Bytes of external memory the app may take: the profile's externalBytes. */
  externalBytes: number;
  /** Largest raw view (JPEG) kept for a snapshot, bytes (0 = never send a raw view). */
  maxViewBytes: number;
  /** Bytes per published chunk, header included (256-65536). */
  chunkSize: number;
  /** QoS of events and chunks (0 or 1). */
  qos: number;
  /** Most motion boxes per frame (1-256). */
  maxBoxes?: number;
  /** Detector config overrides (width and height come from the camera). */
  detector?: Partial<DetectorConfig>;
  snapshotRule?: SnapshotRuleOptions;
  /**
   * Event frames for the relay's person alerts (protocol/event-frame.ts): the raw view at these
   * offsets from the event start while it lasts (ms, increasing, at most 8), JPEGs above
   * `maxBytes` skipped. Default: none. Needs a raw view (maxViewBytes > 0).
   */
  eventFrames?: { atMs: number[]; maxBytes: number };
  /** Bundles kept until the relay acks them (1-8; default 1): each costs one encoded-bundle buffer of external memory. */
  unackedBundles?: number;
  /** ms (monotonic) before an unacknowledged bundle is sent again; doubles per send up to 64x (default 60000). */
  ackTimeoutMs?: number;
  /** Status message period, ms (10000-3600000; default 60000): status.ts. */
  statusIntervalMs?: number;
  /** Live view for the owner's page (live-view.ts); absent: requests are refused. Needs a raw view. */
  liveView?: LiveViewOptions;
}

export const APP_DEFAULTS = {
  /** Boxes per frame: the detector's default, and what a bundle carries at most here. */
  maxBoxes: 32,
  /** Settings key of the camera id (provisioned with the Wi-Fi credentials). */
  cameraKey: 'camera',
  /** Settings key of the camera's MAC secret, 64 hex (provisioned with the camera id). */
  secretKey: 'secret',
  /** Engine-heap bytes of the MAC state (two SHA-256 states, their schedules and blocks, the pads): ~1.2 KB. */
  macStateBytes: 1280,
  /** At most one config-rejected report per this many ms (ticks): a flood of forged configs is not echoed. */
  configReportMinMs: 10000,
  /** Random cases the native kernels must match at start-up (inputs up to 27x19 pixels each). */
  kernelCheckCases: 16,
  unackedBundles: 1,
  ackTimeoutMs: 60000,
};

/** Counters and sizes the app reports (`stats()`), all plain numbers. */
export interface AppStats {
  frames: number;
  badFrames: number;
  events: number;
  snapshots: number;
  skippedGap: number;
  skippedConsent: number;
  snapshotErrors: number;
  publishFailures: number;
  configUpdates: number;
  /** Configs refused (forged, replayed, unreadable): the consent was kept (or turned off when unreadable). */
  configRejected: number;
  /** Event frames published, and skipped (no view, or larger than eventFrames.maxBytes). */
  eventFrames: number;
  eventFramesSkipped: number;
  /** Engine-heap bytes held in typed arrays (detector state + outputs + frame + small buffers). */
  stateBytes: number;
  /** External bytes reserved (raw view + bundle + chunk). */
  externalBytes: number;
  /** 1 when the detector's per-pixel loops are the platform's native kernels, 0 for the TypeScript ones. */
  nativeKernels: number;
  /** 1 when SHA-256 (the MACs) runs the platform's native compression, 0 for the TypeScript one. */
  nativeDigest: number;
  /** Acks from the relay that freed a bundle; acks refused (bad MAC, unreadable) or naming no waiting bundle. */
  acked: number;
  ackRejected: number;
  ackUnknown: number;
  /** Bundles sent again (timeout or reconnection); bundles given up unacknowledged to make room; waiting now. */
  resent: number;
  unackedDropped: number;
  unacked: number;
  /** Status messages sent; live views started, requests refused (forged, replayed, expired, off), live frames sent and skipped (no view, too large). */
  statusSent: number;
  liveStarted: number;
  liveRejected: number;
  liveFrames: number;
  liveFramesSkipped: number;
}

function checkInt(name: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || Math.floor(v) !== v || v < min || v > max) {
    throw new RangeError('firmware app: ' + name + ' must be an integer in ' + min + '..' + max + ', got ' + String(v));
  }
  return v;
}

function outputBytes(o: DetectorOutput): number {
  return o.motion.byteLength + o.staticMask.byteLength + o.sky.byteLength + o.foreground.byteLength + o.boxes.byteLength + o.boxAreas.byteLength;
}

export class FirmwareApp {
  readonly cameraId: string;
  readonly width: number;
  readonly height: number;
  private readonly ports: Ports;
  private readonly qos: number;
  private readonly chunkSize: number;
  private readonly detector: MotionDetector;
  private readonly out: DetectorOutput;
  private readonly frame: Uint8Array;
  private readonly rule: SnapshotRule;
  private readonly consent: Consent;
  private readonly key: HmacSha256;
  private readonly guard: ConfigGuard;
  private lastReportTicks: number;
  private readonly topicBundle: string;
  private readonly topicEvent: string;
  private readonly topicConfig: string;
  private readonly topicFrame: string;
  private readonly frames: EventFrameSchedule;
  private readonly frameMaxBytes: number;
  private readonly topicAck: string;
  private readonly unacked: UnackedBundles;
  private readonly message: Uint8Array;
  private readonly track: EventTracker;
  private readonly view: Uint8Array;
  private readonly chunk: Uint8Array;
  private readonly bundle: Bundle;
  private readonly noView: RawView;
  private readonly s: AppStats;
  private eventStartTicks: number;
  private readonly owner: OwnerLink;

  constructor(ports: Ports, options: AppOptions) {
    // Validate everything before allocating anything.
    const o = options;
    if (!o || typeof o.board !== 'string') throw new RangeError('firmware app: options.board must name the board profile');
    checkInt('appHeapBytes', o.appHeapBytes, 4096, 67108864);
    checkInt('externalBytes', o.externalBytes, 0, 67108864);
    checkInt('maxViewBytes', o.maxViewBytes, 0, 262144);
    this.chunkSize = checkInt('chunkSize', o.chunkSize, 256, 65536);
    this.qos = checkInt('qos', o.qos, 0, 1);
    const maxBoxes = checkInt('maxBoxes', o.maxBoxes === undefined ? APP_DEFAULTS.maxBoxes : o.maxBoxes, 1, 256);
    const cam = ports.camera;
    const width = checkInt('camera.width', cam.width, 8, 1024);
    const height = checkInt('camera.height', cam.height, 8, 1024);
    const cameraId = ports.settings.get(APP_DEFAULTS.cameraKey);
    if (typeof cameraId !== 'string' || !isValidCameraId(cameraId)) {
      throw new RangeError('firmware app: settings "' + APP_DEFAULTS.cameraKey + '" must hold the camera id (1-32 of a-z 0-9 _ -), got ' + String(cameraId));
    }
    const secret = hexToBytes(ports.settings.get(APP_DEFAULTS.secretKey), SECRET_BYTES);
    if (!secret) {
      throw new RangeError('firmware app: settings "' + APP_DEFAULTS.secretKey + '" must hold the camera\'s MAC secret (64 hex digits, from provisioning)');
    }
    const partial: { [k: string]: number } = {};
    if (o.detector) {
      const keys = Object.keys(o.detector);
      for (let i = 0; i < keys.length; i++) partial[keys[i]] = (o.detector as { [k: string]: number })[keys[i]];
    }
    partial.width = width;
    partial.height = height;
    partial.maxBoxes = maxBoxes;
    const cfg = validateConfig(partial as Partial<DetectorConfig>);
    this.ports = ports;
    this.cameraId = cameraId;
    this.width = width;
    this.height = height;
    this.topicBundle = bundleTopic(cameraId);
    this.topicEvent = eventTopic(cameraId);
    this.topicConfig = configTopic(cameraId);
    this.topicFrame = frameTopic(cameraId);
    const ef = o.eventFrames;
    this.frames = new EventFrameSchedule(ef && o.maxViewBytes > 0 ? ef.atMs : []);
    this.frameMaxBytes = ef ? checkInt('eventFrames.maxBytes', ef.maxBytes, 1, 262144) : 0;
    this.topicAck = ackTopic(cameraId);
    const unackedCount = checkInt('unackedBundles', o.unackedBundles === undefined ? APP_DEFAULTS.unackedBundles : o.unackedBundles, 1, 8);
    const ackTimeoutMs = checkInt('ackTimeoutMs', o.ackTimeoutMs === undefined ? APP_DEFAULTS.ackTimeoutMs : o.ackTimeoutMs, 1000, 86400000);
    const statusMs = checkInt('statusIntervalMs', o.statusIntervalMs === undefined ? STATUS_DEFAULTS.intervalMs : o.statusIntervalMs, 10000, 3600000);
    const lv = o.liveView && o.maxViewBytes > 0 ? o.liveView : null;
    if (lv) {
      checkInt('liveView.maxFps', lv.maxFps, 1, 5);
      checkInt('liveView.maxSeconds', lv.maxSeconds, 1, 120);
      checkInt('liveView.maxBytes', lv.maxBytes, 1, 262144);
    }

    // Engine heap: detector state, its output, the frame, small buffers.
    // Native kernels are trusted only once they reproduce the reference on a few cases (a board
    // built with another compiler or flags must not drift silently); otherwise the TypeScript ones run.
    let kernels = ports.kernels;
    const kernelsBad = kernels ? checkKernels(kernels, APP_DEFAULTS.kernelCheckCases, 1) : null;
    if (kernelsBad !== null) kernels = undefined;
    // The same for the native SHA-256 compression the MACs use.
    const digest = ports.digest;
    const digestBad = digest ? checkSha256Blocks(digest.sha256Blocks, APP_DEFAULTS.kernelCheckCases, 1) : null;
    useNativeSha256Blocks(digest && digestBad === null ? digest.sha256Blocks : null);
    this.detector = createDetector(cfg, kernels);
    this.out = createOutput(width, height, this.detector.cellSize, maxBoxes, false);
    this.frame = new Uint8Array(width * height);
    this.message = new Uint8Array(EVENT_MESSAGE_BYTES);
    this.track = new EventTracker();
    this.key = macKey(secret);
    const stateBytes = this.detector.stateBytes() + outputBytes(this.out) + this.frame.byteLength + this.message.byteLength + 32 + APP_DEFAULTS.macStateBytes;
    if (stateBytes > o.appHeapBytes) {
      throw new RangeError('firmware app: ' + width + 'x' + height + ' needs ' + stateBytes + ' bytes of engine heap, the board allows appHeapBytes ' + o.appHeapBytes);
    }

    // External memory: raw view, background + encoded bundles (one per unacknowledged slot), one chunk.
    const out = this.out;
    const bgBytes = width * height;
    this.noView = { width: 0, height: 0, jpeg: new Uint8Array(0) };
    this.bundle = {
      cameraId: cameraId, bundleId: 'x', captureTimeMs: 0, detectorVersion: DETECTOR_VERSION, configHash: configHash(cfg),
      width: width, height: height, cellSize: out.cellSize, cols: out.cols, rows: out.rows, rawView: this.noView,
      sky: out.sky, staticMask: out.staticMask, motion: out.motion, boxCount: 0, boxes: out.boxes, boxAreas: out.boxAreas,
      background: { width: width, height: height, pixels: this.noView.jpeg }, purposes: 0, consentVersion: 0,
    };
    // Worst case: longest bundle id, every box, the largest raw view.
    const maxEncoded = bundleSize(this.bundle) - 1 + 64 + 10 * maxBoxes + bgBytes + o.maxViewBytes;
    const external = o.maxViewBytes + bgBytes + unackedCount * maxEncoded + this.chunkSize;
    if (external > o.externalBytes) {
      throw new RangeError('firmware app: buffers need ' + external + ' bytes of external memory, the board allows externalBytes ' + o.externalBytes);
    }
    this.view = ports.memory.external(o.maxViewBytes > 0 ? o.maxViewBytes : 1);
    this.bundle.background.pixels = ports.memory.external(bgBytes);
    this.unacked = new UnackedBundles(ports.memory, unackedCount, maxEncoded, ackTimeoutMs);
    this.chunk = ports.memory.external(this.chunkSize);

    this.rule = new SnapshotRule(ports.settings, o.snapshotRule);
    this.consent = new Consent();
    this.guard = new ConfigGuard(ports.settings, cameraId, this.key);
    this.lastReportTicks = -1;
    this.s = {
      frames: 0, badFrames: 0, events: 0, snapshots: 0, skippedGap: 0, skippedConsent: 0, snapshotErrors: 0,
      publishFailures: 0, configUpdates: 0, configRejected: 0, eventFrames: 0, eventFramesSkipped: 0, stateBytes: stateBytes, externalBytes: external, nativeKernels: kernels ? 1 : 0, nativeDigest: digest && digestBad === null ? 1 : 0,
      acked: 0, ackRejected: 0, ackUnknown: 0, resent: 0, unackedDropped: 0, unacked: 0,
      statusSent: 0, liveStarted: 0, liveRejected: 0, liveFrames: 0, liveFramesSkipped: 0,
    };
    this.owner = new OwnerLink(ports, { cameraId: cameraId, board: o.board, key: this.key, rule: this.rule, view: this.view, message: this.message, stats: this.s, statusIntervalMs: statusMs, liveView: lv });
    this.eventStartTicks = 0;
    ports.log.log(LOG_INFO, 'quietcam ' + o.board + ': camera ' + cameraId + ', ' + width + 'x' + height + ', state ' + stateBytes +
      ' B, external ' + external + ' B, detector ' + DETECTOR_VERSION + ' ' + this.bundle.configHash +
      (digest && digestBad === null ? ', native SHA-256' : ', TypeScript SHA-256') + (kernels ? ', native kernels' : ', TypeScript kernels'));
    if (kernelsBad !== null) ports.log.log(LOG_ERROR, 'native kernels differ from the reference, running the TypeScript ones: ' + kernelsBad);
    if (digestBad !== null) ports.log.log(LOG_ERROR, 'native SHA-256 differs from the reference, running the TypeScript one: ' + digestBad);
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
   * live-view request (live-view.ts). The
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
    this.unacked.reconnected();
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
    this.unacked.reconnected();
    this.owner.connected();
  }

  private receiveAck(payload: Uint8Array): void {
    const a = openAck(this.key, this.cameraId, payload);
    if (!a.ok) {
      this.s.ackRejected++;
      this.ports.log.log(LOG_WARN, 'ack ignored (' + a.error + ')');
    } else if (this.unacked.acknowledge(a.bundleId, a.crc)) {
      this.s.acked++;
    } else {
      this.s.ackUnknown++;
    }
  }

  /** Send again the bundle whose ack is overdue (at most one per frame). */
  private resendDue(): void {
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

  /** Say on the event topic that a config was ignored (at most once per configReportMinMs). */
  private reportRejected(why: string): void {
    const clock = this.ports.clock;
    const ticks = clock.ticks();
    if (this.lastReportTicks >= 0 && ticks - this.lastReportTicks < APP_DEFAULTS.configReportMinMs) return;
    this.lastReportTicks = ticks;
    const wall = clock.now();
    const text = configRejectedMessage(this.cameraId, wall, this.rule.wallValid(wall), why, this.guard.lastCounter, this.guard.highest());
    this.publish(this.topicEvent, this.message.subarray(0, writeSigned(this.message, this.cameraId, this.key, text)));
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
    if (state === EVENT_START || state === EVENT_ACTIVE) this.track.frame(out, state === EVENT_START);
    if (state === EVENT_START) this.onStart();
    else if (state === EVENT_END) this.onEnd();
    else if (state === EVENT_ACTIVE) this.eventFrame();
    this.resendDue();
    this.owner.step();
    return state;
  }

  /** Counters and sizes; a fresh object (call it rarely). */
  stats(): AppStats {
    const s = this.s;
    return {
      frames: s.frames, badFrames: s.badFrames, events: s.events, snapshots: s.snapshots, skippedGap: s.skippedGap,
      skippedConsent: s.skippedConsent, snapshotErrors: s.snapshotErrors, publishFailures: s.publishFailures,
      configUpdates: s.configUpdates, configRejected: s.configRejected, eventFrames: s.eventFrames, eventFramesSkipped: s.eventFramesSkipped, stateBytes: s.stateBytes, externalBytes: s.externalBytes, nativeKernels: s.nativeKernels, nativeDigest: s.nativeDigest,
      acked: s.acked, ackRejected: s.ackRejected, ackUnknown: s.ackUnknown, resent: s.resent, unackedDropped: this.unacked.dropped, unacked: this.unacked.waiting(),
      statusSent: s.statusSent, liveStarted: s.liveStarted, liveRejected: s.liveRejected, liveFrames: s.liveFrames, liveFramesSkipped: s.liveFramesSkipped,
    };
  }

  private publish(topic: string, bytes: Uint8Array): void {
    if (!this.ports.mqtt.publish(topic, bytes, this.qos)) this.s.publishFailures++;
  }

  private onStart(): void {
    const clock = this.ports.clock;
    const wall = clock.now();
    const ticks = clock.ticks();
    const out = this.out;
    this.s.events++;
    this.eventStartTicks = ticks;
    this.owner.lastEventWall = Math.floor(wall);
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
   * the message header, then header and MAC written around it in place (no buffer of its own).
   */
  private eventFrame(): void {
    const ticks = this.ports.clock.ticks();
    const index = this.frames.due(ticks);
    if (index < 0) return;
    const cam = this.ports.camera;
    const at = EVENT_FRAME_OVERHEAD - MAC_BYTES + this.cameraId.length;
    const room = this.view.length - at - MAC_BYTES;
    const len = cam.viewWidth > 0 && room > 0 ? cam.readView(this.view.subarray(at, at + room)) : 0;
    if (len <= 0 || len > this.frameMaxBytes) {
      this.s.eventFramesSkipped++;
      return;
    }
    const n = encodeEventFrame(this.view, this.key, {
      cameraId: this.cameraId, eventId: this.out.eventId, index: index, count: this.frames.count(),
      timeMs: this.ports.clock.now(), offsetMs: this.frames.offset(ticks), width: cam.viewWidth, height: cam.viewHeight,
    }, this.view.subarray(at, at + len), len);
    this.s.eventFrames++;
    this.publish(this.topicFrame, this.view.subarray(0, n));
  }

  private onEnd(): void {
    this.frames.ended();
    const clock = this.ports.clock;
    const wall = clock.now();
    const ticks = clock.ticks();
    const out = this.out;
    this.rule.eventEnded(wall, ticks);
    const text = endMessage(this.cameraId, out.eventId, wall, this.rule.wallValid(wall), out.cols, out.rows,
      ticks - this.eventStartTicks, this.track.maxBoxes, this.track.peakCells, this.track.eventUnion);
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
