/**
 * Publishes bundles the way a board with the end-to-end acknowledgement does (firmware/app/unacked.ts):
 * encode, chunk, publish with QoS 1, then wait for the relay's signed ack on `quietcam/<camera>/ack`
 * and send the whole bundle again after `ackTimeoutMs` or after the connection comes back, until it
 * is acked. For tests, the fault bench and the simulator. Acks are checked with the camera's secret
 * (src/protocol/ack.ts): a forged one is counted and ignored.
 */
import { ackTopic, demoCameraSecret, encodeBundle, hexToBytes, macKey, openAck, type Bundle } from '../protocol/index.js';
import { connectPublisher, type BundlePublisher, type PublisherOptions } from './mqtt-publisher.js';

export interface AckedPublisherOptions extends PublisherOptions {
  /** The camera this publisher is (its login): it subscribes to that camera's ack topic. */
  cameraId: string;
  /** ms before a bundle not acked is sent again, doubling per send up to 8x (default 5000; boards use 60000, up to 64x). */
  ackTimeoutMs?: number;
}

export interface AckedPublisher {
  readonly inner: BundlePublisher;
  /** Resolves once the relay acked the bundle (after as many sends as that took). */
  publish(bundle: Bundle): Promise<void>;
  /** Whole-bundle sends beyond the first; acks refused (bad MAC); bundles the relay answered with a signed refusal (publish resolves: a final answer). */
  readonly stats: { resent: number; acked: number; refused: number; declined: number };
  close(): Promise<void>;
}

export async function connectAckedPublisher(o: AckedPublisherOptions): Promise<AckedPublisher> {
  const inner = await connectPublisher(o);
  const given = o.secret === undefined ? null : hexToBytes(o.secret, 32);
  const secret = given ?? (o.secretOf ?? demoCameraSecret)(o.cameraId);
  const key = macKey(secret);
  const waiting = new Map<string, { crc: number; acked: () => void; resend: () => void; stop: () => void }>();
  const stats = { resent: 0, acked: 0, refused: 0, declined: 0 };
  const topic = ackTopic(o.cameraId);
  inner.client.on('message', (t, payload) => {
    if (t !== topic) return;
    const a = openAck(key, o.cameraId, new Uint8Array(payload));
    if (!a.ok) {
      stats.refused++;
      return;
    }
    const w = waiting.get(a.bundleId);
    if (!w || w.crc !== a.crc) return;
    if (a.refused) stats.declined++;
    w.acked();
  });
  // Subscribe on every connection (a clean session, or a broker that lost it, forgets subscriptions).
  const subscribe = () => inner.client.subscribe(topic, { qos: 1 });
  subscribe();
  let first = true;
  inner.client.on('connect', () => {
    subscribe();
    if (!first) for (const w of waiting.values()) w.resend();
  });
  first = false;
  const timeoutMs = o.ackTimeoutMs ?? 5000;
  return {
    inner,
    stats,
    publish(bundle) {
      if (bundle.cameraId !== o.cameraId) return Promise.reject(new Error(`acked publisher of ${o.cameraId} given a bundle of ${bundle.cameraId}`));
      const bytes = encodeBundle(bundle, undefined, key);
      const crc = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).readUInt32LE(bytes.length - 4); // the bundle's trailing CRC-32
      return new Promise<void>((resolve) => {
        let timer: NodeJS.Timeout | undefined;
        let sends = 0;
        const send = () => {
          if (timer) clearTimeout(timer);
          if (sends++ > 0) stats.resent++;
          inner.publish(bundle).catch(() => undefined); // mqtt.js keeps QoS 1 publishes across reconnects
          timer = setTimeout(send, timeoutMs * Math.min(8, 2 ** (sends - 1))); // backoff: a slow relay is not flooded
        };
        waiting.set(bundle.bundleId, {
          crc,
          acked: () => {
            if (timer) clearTimeout(timer);
            waiting.delete(bundle.bundleId);
            stats.acked++;
            resolve();
          },
          resend: send,
          stop: () => timer && clearTimeout(timer),
        });
        send();
      });
    },
    async close() {
      for (const w of waiting.values()) w.stop(); // unacked ones stay unresolved
      waiting.clear();
      await inner.close();
    },
  };
}
