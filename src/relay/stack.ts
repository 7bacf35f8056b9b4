/**
 * Everything the relay needs, on this machine, with no configuration: an aedes broker and an
 * s3rver endpoint on 127.0.0.1 (data under `<dataDir>/s3`), and the relay pointed at both
 * (SQLite under `<dataDir>/relay.db`). `npm start` runs it beside the simulator.
 */
import { join } from 'node:path';
import { startBroker, type EmbeddedBroker } from '../adapters/aedes-broker.js';
import { S3RVER_CREDENTIALS, startS3, type EmbeddedS3 } from '../adapters/s3rver-endpoint.js';
import { loadConfig, type CameraSeed, type RelayConfigInput } from './config.js';
import type { Logger } from '../log.js';
import { startRelay } from './main.js';
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

/**
 * A camera seed with consent to both purposes for a year, for demos and the simulator.
 * @example await startStack({ cameras: [demoCamera('sim-1')] })
 */
export function demoCamera(id: string, owner = 'demo'): CameraSeed {
  return { id, owner, placement: 'exterior', consent: { purposes: ['motion', 'objectron'], version: 1 } };
}

/**
 * @example
 * const stack = await startStack({ cameras: [demoCamera('porch')] });
 * // publish to stack.brokerUrl; objects appear under ./data/s3/quietcam-contributions/
 * await stack.stop();
 */
export async function startStack(o: StackOptions = {}): Promise<Stack> {
  const base = loadConfig({ overrides: { ...o.config, ...(o.dataDir ? { dataDir: o.dataDir } : {}) } });
  const broker = await startBroker({ port: o.brokerPort ?? 1883 });
  let s3: EmbeddedS3 | undefined;
  try {
    s3 = await startS3({ port: o.s3Port ?? 4568, directory: join(base.dataDir, 's3'), buckets: [base.s3.bucket] });
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
    const relay = await startRelay({ config, log: o.log });
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
