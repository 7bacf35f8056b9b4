/**
 * `quietcam sim SOURCE --camera ID --token TOKEN` (or `--provisioning FILE`): play a source as the
 * owner's paired camera, through the real broker and relay. Like a board it logs in with its
 * pairing token, reads its retained config (the consent the owner chose in the pages, signed with
 * the camera's MAC secret), runs the device app (firmware/app, in Node) on the source, and
 * publishes what the app publishes: event messages and chunked, MAC'd snapshot bundles. The relay
 * stores the snapshots under the owner's account, so they appear in the owner's Data Integrity Zone.
 *
 * Limits: the clip's wall clock starts when it is played (or just after the consent was given,
 * if that is later: the board refuses consent from its future), and the board is told its last
 * motion was 10 minutes before, so the clip's first event is snapshot-eligible (5-60 minute rule).
 */
import { readFileSync } from 'node:fs';
import mqtt from 'mqtt';
import { bytesToHex, deriveCameraSecret } from '../src/protocol/mac.js';
import { configTopic } from '../src/protocol/topics.js';
import type { FrameSource } from '../sim/sources/types.js';

export const SIM_CAMERA_DEFAULTS = {
  broker: 'mqtt://127.0.0.1:1883',
  /** Seconds of the source played when --seconds is not given: a minute, like `quietcam start`. */
  seconds: 60,
  /** How long to wait for the retained config after subscribing (ms): the broker sends it at once. */
  configWaitMs: 3000,
  /** Where the owner pages are in the local demo (printed as the next step). */
  pagesUrl: 'http://127.0.0.1:8080',
};

export interface CameraLogin { cameraId: string; token: string; broker: string; secret: string }

const CAMERA_ID = /^[a-z0-9_-]{1,32}$/;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * The camera's login from flags or the provisioning file the pages offer; throws a message that
 * says what is wrong. The MAC secret is derived from the token (as pairing does) and must match
 * the file's, so a file edited by hand is caught before anything is sent.
 */
export function cameraLogin(o: { camera?: string; token?: string; provisioning?: string; broker?: string }): CameraLogin {
  let camera = o.camera;
  let token = o.token;
  let broker = o.broker;
  let fileSecret: string | undefined;
  if (o.provisioning) {
    let rec: Record<string, unknown>;
    try {
      rec = JSON.parse(readFileSync(o.provisioning, 'utf8'));
    } catch (err) {
      throw new Error(`--provisioning ${o.provisioning}: ${(err as Error).message}`);
    }
    camera ??= typeof rec.camera === 'string' ? rec.camera : undefined;
    token ??= typeof rec.mqttpass === 'string' ? rec.mqttpass : undefined;
    broker ??= typeof rec.broker === 'string' && rec.broker ? rec.broker : undefined;
    fileSecret = typeof rec.secret === 'string' ? rec.secret : undefined;
  }
  if (!camera || !CAMERA_ID.test(camera)) throw new Error('--camera needs the camera id the pages showed (1-32 of a-z 0-9 _ -)');
  if (!token || !TOKEN.test(token)) throw new Error('--token needs the pairing token the pages showed (43 characters)');
  const secret = bytesToHex(deriveCameraSecret(token, camera), 0, 32);
  if (fileSecret !== undefined && fileSecret !== secret) throw new Error('the provisioning file\'s secret does not belong to its token and camera id');
  return { cameraId: camera, token, broker: broker ?? SIM_CAMERA_DEFAULTS.broker, secret };
}

const connectOptions = (l: CameraLogin) => ({ clientId: l.cameraId, username: l.cameraId, password: l.token, protocolVersion: 4 as const, reconnectPeriod: 0, connectTimeout: 5000 });

/** Connect as the camera, or throw a message saying why the broker said no. */
async function connectCamera(l: CameraLogin) {
  try {
    return await mqtt.connectAsync(l.broker, connectOptions(l));
  } catch (err) {
    const code = (err as { code?: number }).code;
    if (code === 4 || code === 5) throw new Error(`the broker at ${l.broker} refused camera ${l.cameraId}'s login: check the token (a new login in the pages replaces the old one)`);
    throw new Error(`cannot reach the broker at ${l.broker} (${(err as Error).message}): is \`npx quietcam web --local\` running?`);
  }
}

/** The retained config, as the board gets it on subscribing; null when the broker has none. */
async function retainedConfig(l: CameraLogin): Promise<Uint8Array | null> {
  const client = await connectCamera(l);
  try {
    return await new Promise<Uint8Array | null>((resolve) => {
      const t = setTimeout(() => resolve(null), SIM_CAMERA_DEFAULTS.configWaitMs);
      client.on('message', (_topic, payload) => {
        clearTimeout(t);
        resolve(new Uint8Array(payload));
      });
      client.subscribe(configTopic(l.cameraId), { qos: 1 });
    });
  } finally {
    await client.endAsync();
  }
}

/** What the config says, loosely (the device app checks it for real, MAC included). */
function configSummary(payload: Uint8Array | null): { purposes: string; grantedMs: number } {
  if (!payload) return { purposes: 'off', grantedMs: 0 };
  try {
    const c = JSON.parse(Buffer.from(payload).toString('utf8'));
    return { purposes: typeof c.purposes === 'string' ? c.purposes : 'off', grantedMs: Number(c.grantedMs) || 0 };
  } catch {
    return { purposes: 'off', grantedMs: 0 };
  }
}

/**
 * `--live`: stay connected as the paired camera and play `source` in real time (sim/live-camera.ts),
 * so the cameras page shows it online and the live view works; until `seconds` or Ctrl-C.
 */
export async function playLive(source: FrameSource, l: CameraLogin, o: { seconds: number; width: number }): Promise<number> {
  const { startLiveCamera } = await import('../sim/live-camera.ts');
  const cam = startLiveCamera(source, l, { seconds: o.seconds, width: o.width, log: (line) => console.log(`  board: ${line}`) });
  const stop = () => void cam.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  console.log(`camera ${l.cameraId}: playing ${source.name} live for ${o.seconds} s (Ctrl-C stops): open ${SIM_CAMERA_DEFAULTS.pagesUrl}/cameras/${l.cameraId} and press "Live view"`);
  try {
    const r = await cam.done;
    console.log(`camera ${l.cameraId}: ${r.frames} frames, ${r.published} publishes, ${r.stats.liveStarted} live view(s), ${r.stats.liveFrames} live frame(s)`);
    return 0;
  } catch (err) {
    console.error(`quietcam sim: camera ${l.cameraId}: ${(err as Error).message}`);
    return 1;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

/** Play `source` as the paired camera; returns the exit code. */
export async function playAsCamera(source: FrameSource, l: CameraLogin, o: { seconds?: number; width: number; quiet: boolean }): Promise<number> {
  const { runFirmwareOnSource } = await import('../sim/firmware.ts');
  let config: Uint8Array | null;
  try {
    config = await retainedConfig(l);
  } catch (err) {
    console.error(`quietcam sim: ${(err as Error).message}`);
    return 1;
  }
  const c = configSummary(config);
  console.log(`camera ${l.cameraId}: logged in to ${l.broker}; contributions in its config: ${c.purposes}`);
  if (c.purposes === 'off') console.log('  contributions are off for this camera: choose "Motion only" (or more) on its page first, then play again; events are still sent');
  const seconds = o.seconds ?? SIM_CAMERA_DEFAULTS.seconds;
  const wallStartMs = Math.max(Date.now() - seconds * 1000, c.grantedMs + 1000);
  const r = await runFirmwareOnSource(source, {
    runtime: 'node', cameraId: l.cameraId, width: o.width, seconds, wallStartMs, quietLogs: o.quiet, consent: null,
    configPayload: config ?? undefined, settings: { lastEventEnd: String(wallStartMs - 10 * 60000), secret: l.secret },
  });
  const client = await connectCamera(l);
  try {
    for (const p of r.publishes) await client.publishAsync(p.topic, Buffer.from(p.payload), { qos: 1 });
  } finally {
    await client.endAsync();
  }
  console.log(`camera ${l.cameraId}: ${r.frames} frames of ${source.name}, ${r.events.length} event message(s), ${r.bundles.length} snapshot bundle(s), ${r.publishes.length} publishes acknowledged by the broker`);
  if (r.bundles.length) console.log(`the relay stores the snapshot(s) in seconds: see them in the Data Integrity Zone (${SIM_CAMERA_DEFAULTS.pagesUrl}/zone)`);
  else console.log('no snapshot this time (no motion event, or contributions off): try another source, e.g. scene:busy');
  return 0;
}
