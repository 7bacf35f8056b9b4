/**
 * Publishes bundles the way a board does: encode with src/protocol, cut into chunks, publish each
 * chunk with QoS 1 on `quietcam/<camera>/bundle`. For tests, the benchmark and the simulator.
 * Resolves when the broker has acknowledged every chunk (mqtt.js resends unacknowledged QoS 1
 * publishes after a reconnect).
 */
import mqtt, { type MqttClient } from 'mqtt';
import { mqttConnectOptions } from './mqtt-connect.js';
import { bundleTopic, chunkBundle, DEFAULT_CHUNK_SIZE, demoCameraSecret, encodeBundle, hexToBytes, macKey, type Bundle } from '../protocol/index.js';

export interface PublisherOptions {
  url: string;
  /** Default: a random `quietcam-pub-…`. */
  clientId?: string;
  /** A camera's login: username = camera id, password = its pairing token. */
  username?: string;
  password?: string;
  /** PEM CA file for an mqtts:// broker. */
  caFile?: string;
  /** Bytes per chunk, 256-65536 (default 4096). */
  chunkSize?: number;
  /** ms between reconnect attempts (default 250). */
  reconnectMs?: number;
  /** The camera's MAC secret, 64 hex (a paired camera's login carries it): signs every bundle. */
  secret?: string;
  /** Or the MAC secret per camera (32 bytes); default: the demo camera secret (protocol/mac.ts demoCameraSecret). */
  secretOf?: (cameraId: string) => Uint8Array;
}

export interface PublishOptions {
  /**
   * Reorder or repeat chunks: publish chunk indices in this order (e.g. [2, 0, 0, 1]). Indices
   * missing from the list are not sent (a lost chunk).
   */
  order?: (count: number) => number[];
}

export interface BundlePublisher {
  readonly client: MqttClient;
  /** Encode, chunk and publish one bundle; resolves when the broker acknowledged every chunk. */
  publish(bundle: Bundle, options?: PublishOptions): Promise<void>;
  /** Publish raw bytes on a topic with QoS 1 (garbage, hand-made chunks). */
  publishRaw(topic: string, payload: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

/**
 * @example
 * const pub = await connectPublisher({ url: stack.brokerUrl });
 * await pub.publish(bundle);
 * await pub.close();
 */
export async function connectPublisher(o: PublisherOptions): Promise<BundlePublisher> {
  const client = mqtt.connect(o.url, {
    ...mqttConnectOptions({ ...o, clientId: o.clientId ?? `quietcam-pub-${Math.random().toString(36).slice(2, 10)}`, reconnectMs: o.reconnectMs ?? 250 }),
    clean: false,
  });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  client.on('error', () => {}); // reconnects by itself; publishes wait meanwhile
  const chunkSize = o.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const raw = (topic: string, payload: Uint8Array) =>
    client.publishAsync(topic, Buffer.from(payload.buffer, payload.byteOffset, payload.length), { qos: 1 }).then(() => undefined);
  return {
    client,
    async publish(bundle, options = {}) {
      const given = o.secret === undefined ? null : hexToBytes(o.secret, 32);
      if (o.secret !== undefined && !given) throw new RangeError('publisher: secret must be 64 hex digits');
      const key = macKey(given ?? (o.secretOf ?? demoCameraSecret)(bundle.cameraId));
      const chunks = chunkBundle(encodeBundle(bundle, undefined, key), { cameraId: bundle.cameraId, bundleId: bundle.bundleId, chunkSize });
      const order = options.order ? options.order(chunks.length) : chunks.map((_, i) => i);
      const topic = bundleTopic(bundle.cameraId);
      await Promise.all(order.map((i) => raw(topic, chunks[i])));
    },
    publishRaw: raw,
    close: () => new Promise<void>((resolve) => client.end(false, {}, () => resolve())),
  };
}
