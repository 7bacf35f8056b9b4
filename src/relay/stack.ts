/**
 * Everything the relay needs, on this machine, with no configuration: an aedes broker and an
 * s3rver endpoint on 127.0.0.1 (data under `<dataDir>/s3`), and the relay pointed at both
 * (SQLite under `<dataDir>/relay.db`). `npm start` runs it beside the simulator.
 *
 * With alerts on (the default) the relay also takes the cameras' event frames and scores them with
 * the person detector (NanoDet, loaded at start).
 *
 * The broker lets in only paired cameras (credentials in the database's camera_credentials) and
 * the services (`<dataDir>/broker-users.json`, made at first start); the relay logs in as
 * `quietcam-relay` (src/adapters/broker-auth.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brokerAuth, type BrokerAuth } from '../adapters/broker-auth.js';
import { newCameraCredentials } from '../adapters/broker-credentials.js';
import { loadOrCreateBrokerUsers, type BrokerUsers } from '../adapters/broker-users.js';
import { openCameraCredentials } from '../adapters/sqlite-camera-credentials.js';
import { startBroker, type EmbeddedBroker } from '../adapters/aedes-broker.js';
import { S3RVER_CREDENTIALS, startS3, type EmbeddedS3 } from '../adapters/s3rver-endpoint.js';
import { bytesToHex, demoCameraSecret } from '../protocol/index.js';
import { loadConfig, type CameraSeed, type RelayConfigInput } from './config.js';
import type { Logger } from '../log.js';
import { startRelay, type StartRelayOptions } from './main.js';
import type { Relay } from './relay.js';

export interface StackOptions {
  /** Default './data' (or $QUIETCAM_DATA_DIR). */
  dataDir?: string;
  /** Broker port: default 1883; 0 = any free port. A taken port fails (EADDRINUSE), never moves. */
  brokerPort?: number;
  /** S3 port: default 4568; 0 = any free port. A taken port fails, never moves. */
  s3Port?: number;
  /** Status page port: default config.status.port (8090); null = none. A taken port fails. */
  statusPort?: number | null;
  /** Cameras to register, with their owners' consent (nothing is uploaded without it). */
  cameras?: CameraSeed[];
  /** Further relay settings (merged over the defaults and env; broker and S3 are set by the stack). */
  config?: RelayConfigInput;
  log?: Logger;
  /**
   * Camera ids to pair (again) at start with fresh credentials, replacing any they had: the
   * simulated cameras of `npm start`. Their logins are in `Stack.paired`.
   */
  pair?: string[];
  /** PEM files: the broker listens with TLS (mqtts://) and the relay verifies it with caFile. */
  tls?: { certFile: string; keyFile: string; caFile: string };
  /**
   * Smart alerts (src/alerts/README.md): event frames -> the person detector -> history and the
   * owner's channels. Default on (STACK_ALERTS: one model in one worker thread, frames scored one
   * at a time); false: off (`--no-alerts`).
   */
  alerts?: StartRelayOptions['alerts'];
}

/**
 * The home stack's alerts: NanoDet in one worker thread. One model only (each holds its own tfjs
 * and WASM heap: the 300 MB budget of a 512 MB board has room for one), and off the relay's
 * thread: a detection runs the whole graph synchronously (~200-400 ms), which in the relay's
 * thread holds every bundle behind it. From the prebuilt runtime the thread costs ~17 MB more than
 * the relay's own thread (bench/relay.ts, BENCH_DETECTOR_WORKERS=0 to compare); run from the
 * sources it also loads tsx (~44 MB more).
 */
export const STACK_ALERTS = { workers: 1 } as const;

/** What a paired camera is provisioned with. */
export interface CameraLogin {
  username: string;
  /** The pairing token. */
  password: string;
  /** The MAC secret, hex. */
  secret: string;
}

export interface Stack {
  readonly brokerUrl: string;
  readonly s3Endpoint: string;
  readonly bucket: string;
  readonly statusUrl: string | null;
  readonly relay: Relay;
  readonly broker: EmbeddedBroker;
  readonly s3: EmbeddedS3;
  /** The logins of the cameras in `pair`, by camera id. */
  readonly paired: Record<string, CameraLogin>;
  /** The services' logins (relay, web). */
  readonly services: BrokerUsers;
  /** What the broker refused so far, by reason (anonymous, bad-login, publish-denied, ...). */
  brokerRefusals(): ReturnType<BrokerAuth['refusals']>;
  /** Stop the relay, then the broker and the endpoint. */
  stop(): Promise<void>;
}

/**
 * A camera seed with consent to both purposes for a year, for demos and the simulator. Its seed
 * MAC secret is the public demo secret (protocol/mac.ts demoCameraSecret, what publishers and the
 * Node/desktop firmware hosts sign with by default); pairing it (`pair`) gives it a real one,
 * which the relay prefers (camera_credentials).
 * @example await startStack({ cameras: [demoCamera('sim-1')] })
 */
export function demoCamera(id: string, owner = 'demo'): CameraSeed {
  return { id, owner, placement: 'exterior', secret: bytesToHex(demoCameraSecret(id), 0, 32), consent: { purposes: ['motion', 'objectron'], version: 1 } };
}

/**
 * @example
 * const stack = await startStack({ cameras: [demoCamera('porch')] });
 * // publish to stack.brokerUrl; objects appear under ./data/s3/quietcam-contributions/
 * await stack.stop();
 */
export async function startStack(o: StackOptions = {}): Promise<Stack> {
  const base = loadConfig({ overrides: { ...o.config, ...(o.dataDir ? { dataDir: o.dataDir } : {}) } });
  const services = loadOrCreateBrokerUsers(base.dataDir);
  const credentials = openCameraCredentials(join(base.dataDir, 'relay.db'));
  const paired: Record<string, CameraLogin> = {};
  for (const id of o.pair ?? []) {
    const c = newCameraCredentials(id);
    credentials.store.put(c);
    paired[id] = { username: id, password: c.token, secret: c.macSecret };
  }
  const auth = brokerAuth({ cameras: credentials.store, services, log: (line) => (o.log ? o.log.warn(line) : console.warn(line)) });
  const tls = o.tls ? { cert: readFileSync(o.tls.certFile), key: readFileSync(o.tls.keyFile) } : undefined;
  let broker: EmbeddedBroker | undefined;
  let s3: EmbeddedS3 | undefined;
  try {
    broker = await startBroker({ port: o.brokerPort ?? 1883, auth, tls });
    s3 = await startS3({ port: o.s3Port ?? 4568, directory: join(base.dataDir, 's3'), buckets: [base.s3.bucket] });
    const config = loadConfig({
      overrides: {
        ...o.config,
        dataDir: base.dataDir,
        broker: { ...o.config?.broker, url: broker.url, ...services.relay, ...(o.tls ? { caFile: o.tls.caFile } : {}) },
        s3: { ...o.config?.s3, endpoint: s3.endpoint, ...S3RVER_CREDENTIALS },
        status: { ...o.config?.status, ...(o.statusPort !== undefined ? { port: o.statusPort } : {}) },
        cameras: [...base.cameras, ...(o.cameras ?? [])],
      },
    });
    const relay = await startRelay({ config, log: o.log, alerts: o.alerts === undefined ? { ...STACK_ALERTS } : o.alerts });
    const s3Handle = s3;
    const brokerHandle = broker;
    return {
      brokerUrl: broker.url,
      s3Endpoint: s3.endpoint,
      bucket: config.s3.bucket,
      statusUrl: relay.statusUrl,
      relay,
      broker,
      s3: s3Handle,
      paired,
      services,
      brokerRefusals: () => auth.refusals(),
      async stop() {
        await relay.stop();
        await brokerHandle.stop();
        await s3Handle.stop();
        credentials.close();
      },
    };
  } catch (err) {
    await broker?.stop();
    await s3?.stop();
    credentials.close();
    throw err;
  }
}
