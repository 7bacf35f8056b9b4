/**
 * A relay in this process wired to a broker and an s3rver of the test's choosing, with its
 * SQLite in a temp dir: what the mosquitto, fault and restart tests share.
 */
import { join } from 'node:path';
import { s3Client, type S3Store } from '../../../src/adapters/s3-store.js';
import { S3RVER_CREDENTIALS, startS3, type EmbeddedS3 } from '../../../src/adapters/s3rver-endpoint.js';
import { loadConfig, type CameraSeed, type RelayConfig, type RelayConfigInput } from '../../../src/relay/config.js';
import { silentLogger } from '../../../src/log.js';
import { startRelay } from '../../../src/relay/main.js';
import type { Relay } from '../../../src/relay/relay.js';
import { capturePuts, type CapturedPut } from './s3.js';

export const BUCKET = 'quietcam-contributions';

export async function startTestS3(dir: string, port = 0): Promise<EmbeddedS3> {
  return startS3({ directory: join(dir, 's3'), buckets: [BUCKET], port });
}

/** The relay config for a test: its broker, its s3rver, its data dir, fast retries, no status server. */
export function testConfig(dir: string, brokerUrl: string, s3Endpoint: string, cameras: CameraSeed[], extra: RelayConfigInput = {}): RelayConfig {
  return loadConfig({
    env: {},
    overrides: {
      ...extra,
      dataDir: join(dir, 'relay'),
      broker: { url: brokerUrl, reconnectMs: 200, ...extra.broker },
      s3: { endpoint: s3Endpoint, ...S3RVER_CREDENTIALS, connectTimeoutMs: 1000, ...extra.s3 },
      upload: { retryBaseMs: 100, retryMaxMs: 2000, ...extra.upload },
      status: { port: null },
      cameras,
    },
  });
}

export async function startTestRelay(config: RelayConfig): Promise<{ relay: Relay; puts: CapturedPut[] }> {
  const relay = await startRelay({ config, log: silentLogger });
  return { relay, puts: capturePuts(relay.objects as S3Store) };
}

export function reader(config: RelayConfig) {
  return s3Client(config.s3);
}

interface Stoppable { stop(): Promise<unknown> }

/** Closes a run's publisher, relay and broker, then S3 (which may be down already), then removes its temp dir. */
export async function stopWorld(w: { pub: { close(): Promise<unknown> }; relay: Stoppable; broker: Stoppable; s3: Stoppable; tmp: { cleanup(): void } }): Promise<void> {
  await w.pub.close();
  await w.relay.stop();
  await w.broker.stop();
  await w.s3.stop().catch(() => {});
  w.tmp.cleanup();
}
