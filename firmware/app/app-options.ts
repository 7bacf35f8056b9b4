/**
 * The app's options (from the board profile, board-options.ts) and their validation: every value
 * is checked, and the camera id, MAC secret and detector config read, before anything is allocated
 * (app-memory.ts allocates from the result). ES5-safe.
 */
import { validateConfig } from '../../src/core/index.js';
import type { DetectorConfig } from '../../src/core/index.js';
import { isValidCameraId } from '../../src/protocol/ids.js';
import { hexToBytes, SECRET_BYTES } from '../../src/protocol/mac.js';
import { EventFrameSchedule } from './event-frames.js';
import type { Ports } from './hardware.js';
import type { LiveViewOptions } from './live-view.js';
import { STATUS_DEFAULTS } from './status.js';
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

/** The options once checked, with the camera's identity from the settings and the detector config. */
export interface AppSetup extends Pick<AppOptions, 'board' | 'appHeapBytes' | 'externalBytes' | 'maxViewBytes' | 'chunkSize' | 'qos'> {
  maxBoxes: number;
  width: number;
  height: number;
  cameraId: string;
  /** The MAC secret (SECRET_BYTES); turned into the key by app-memory.ts. */
  secret: Uint8Array;
  detector: DetectorConfig;
  snapshotRule: SnapshotRuleOptions | undefined;
  /** When event frames are due (none when the profile has none or no raw view), and the largest JPEG sent (0: none). */
  frames: EventFrameSchedule;
  frameMaxBytes: number;
  unackedBundles: number;
  ackTimeoutMs: number;
  statusIntervalMs: number;
  /** null: no live view (none in the profile, or no raw view). */
  liveView: LiveViewOptions | null;
}

function checkInt(name: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || Math.floor(v) !== v || v < min || v > max) {
    throw new RangeError('firmware app: ' + name + ' must be an integer in ' + min + '..' + max + ', got ' + String(v));
  }
  return v;
}

function orDefault(v: number | undefined, d: number): number {
  return v === undefined ? d : v;
}

/** The detector config: the overrides, with the camera's size and the box limit. */
function detectorConfig(o: AppOptions, width: number, height: number, maxBoxes: number): DetectorConfig {
  const partial: { [k: string]: number } = {};
  if (o.detector) {
    const keys = Object.keys(o.detector);
    for (let i = 0; i < keys.length; i++) partial[keys[i]] = (o.detector as { [k: string]: number })[keys[i]];
  }
  partial.width = width;
  partial.height = height;
  partial.maxBoxes = maxBoxes;
  return validateConfig(partial as Partial<DetectorConfig>);
}

/** Check the options and read the camera's identity; throws a RangeError naming the first bad value. */
export function readOptions(ports: Ports, o: AppOptions): AppSetup {
  if (!o || typeof o.board !== 'string') throw new RangeError('firmware app: options.board must name the board profile');
  const appHeapBytes = checkInt('appHeapBytes', o.appHeapBytes, 4096, 67108864);
  const externalBytes = checkInt('externalBytes', o.externalBytes, 0, 67108864);
  const maxViewBytes = checkInt('maxViewBytes', o.maxViewBytes, 0, 262144);
  const chunkSize = checkInt('chunkSize', o.chunkSize, 256, 65536);
  const qos = checkInt('qos', o.qos, 0, 1);
  const maxBoxes = checkInt('maxBoxes', orDefault(o.maxBoxes, APP_DEFAULTS.maxBoxes), 1, 256);
  const width = checkInt('camera.width', ports.camera.width, 8, 1024);
  const height = checkInt('camera.height', ports.camera.height, 8, 1024);
  const cameraId = ports.settings.get(APP_DEFAULTS.cameraKey);
  if (typeof cameraId !== 'string' || !isValidCameraId(cameraId)) {
    throw new RangeError('firmware app: settings "' + APP_DEFAULTS.cameraKey + '" must hold the camera id (1-32 of a-z 0-9 _ -), got ' + String(cameraId));
  }
  const secret = hexToBytes(ports.settings.get(APP_DEFAULTS.secretKey), SECRET_BYTES);
  if (!secret) {
    throw new RangeError('firmware app: settings "' + APP_DEFAULTS.secretKey + '" must hold the camera\'s MAC secret (64 hex digits, from provisioning)');
  }
  const ef = o.eventFrames;
  const lv = o.liveView && maxViewBytes > 0 ? o.liveView : null;
  if (lv) {
    checkInt('liveView.maxFps', lv.maxFps, 1, 5);
    checkInt('liveView.maxSeconds', lv.maxSeconds, 1, 120);
    checkInt('liveView.maxBytes', lv.maxBytes, 1, 262144);
  }
  return {
    board: o.board,
    appHeapBytes: appHeapBytes,
    externalBytes: externalBytes,
    maxViewBytes: maxViewBytes,
    chunkSize: chunkSize,
    qos: qos,
    maxBoxes: maxBoxes,
    width: width,
    height: height,
    cameraId: cameraId,
    secret: secret,
    detector: detectorConfig(o, width, height, maxBoxes),
    snapshotRule: o.snapshotRule,
    frames: new EventFrameSchedule(ef && maxViewBytes > 0 ? ef.atMs : []),
    frameMaxBytes: ef ? checkInt('eventFrames.maxBytes', ef.maxBytes, 1, 262144) : 0,
    unackedBundles: checkInt('unackedBundles', orDefault(o.unackedBundles, APP_DEFAULTS.unackedBundles), 1, 8),
    ackTimeoutMs: checkInt('ackTimeoutMs', orDefault(o.ackTimeoutMs, APP_DEFAULTS.ackTimeoutMs), 1000, 86400000),
    statusIntervalMs: checkInt('statusIntervalMs', orDefault(o.statusIntervalMs, STATUS_DEFAULTS.intervalMs), 10000, 3600000),
    liveView: lv,
  };
}
