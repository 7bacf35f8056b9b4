/**
 * Everything the relay needs, on this machine, with no configuration: an aedes broker and an
 * s3rver endpoint on 127.0.0.1 (data under `<dataDir>/s3`), and the relay pointed at both
 * (SQLite under `<dataDir>/relay.db`). `npm start` runs it beside the simulator.
 */
import { join } from 'node:path';
import { startBroker, type EmbeddedBroker } from './adapters/aedes-broker.js';
import { S3RVER_CREDENTIALS, startS3, type EmbeddedS3 } from './adapters/s3rver-endpoint.js';
import { loadConfig, type CameraSeed, type RelayConfigInput } from './config.js';
import { bytesToHex, demoCameraSecret } from '../protocol/index.js';
import { Relay } from './relay.js';
import type { Logger } from './types.js';

export interface StackOptions {
  /** Default './data' (or $QUIETCAM_DATA_DIR). */
  dataDir?: string;
  /** Broker port: default 1883, or any free port when 1883 is taken; 0 = any free port. */
  brokerPort?: number;
  /** S3 port: default 4568, or any free port when taken; 0 = any free port. */
  s3Port?: number;
  /** Status page port: default config.status.port (8090), or any free port when taken. */
  statusPort?: number | null;
  /** Cameras to register, with their owners' consent (nothing is uploaded without it). */
  cameras?: CameraSeed[];
  /** Further relay settings (merged over the defaults and env; broker and S3 are set by the stack). */
  config?: RelayConfigInput;
  log?: Logger;
}

export interface Stack {
  readonly brokerUrl: string;
  readonly s3Endpoint: string;
  readonly bucket: string;
  readonly statusUrl: string | null;
  readonly relay: Relay;
  readonly broker: EmbeddedBroker;
  readonly s3: EmbeddedS3;
  /** Stop the relay, then the broker and the endpoint. */
  stop(): Promise<void>;
}

async function withFallback<T>(port: number, start: (port: number) => Promise<T>): Promise<T> {
  try {
    return await start(port);
  } catch (err) {
    if (port === 0 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    return start(0);
  }
}

/**
 * A camera seed with consent to both purposes for a year, for demos and the simulator. Its MAC
 * secret is the public demo secret (protocol/mac.ts demoCameraSecret): no real proof of origin.
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
  const broker = await withFallback(o.brokerPort ?? 1883, (port) => startBroker({ port }));
  let s3: EmbeddedS3 | undefined;
  try {
    s3 = await withFallback(o.s3Port ?? 4568, (port) => startS3({ port, directory: join(base.dataDir, 's3'), buckets: [base.s3.bucket] }));
    const config = loadConfig({
      overrides: {
        ...o.config,
        dataDir: base.dataDir,
        broker: { ...o.config?.broker, url: broker.url },
        s3: { ...o.config?.s3, endpoint: s3.endpoint, ...S3RVER_CREDENTIALS },
        status: { ...o.config?.status, ...(o.statusPort !== undefined ? { port: o.statusPort } : {}) },
        cameras: [...base.cameras, ...(o.cameras ?? [])],
      },
    });
    const relay = await Relay.start({ config, log: o.log, statusFallback: true });
    const s3Handle = s3;
    return {
      brokerUrl: broker.url,
      s3Endpoint: s3.endpoint,
      bucket: config.s3.bucket,
      statusUrl: relay.statusUrl,
      relay,
      broker,
      s3: s3Handle,
      async stop() {
        await relay.stop();
        await broker.stop();
        await s3Handle.stop();
      },
    };
  } catch (err) {
    await broker.stop();
    await s3?.stop();
    throw err;
  }
}
