/**
 * MQTT ingest adapter (mqtt.js 5): a persistent session (clean: false, fixed client id) with a
 * QoS 1 subscription to every camera's bundle topic.
 *
 * Acknowledgement: mqtt.js sends a QoS 1 PUBACK only when `handleMessage`'s callback is called,
 * and hands over the next message only after that. The relay's handler commits the message's
 * effect to SQLite before it returns, so the PUBACK always follows the commit. When it returns a
 * promise (the message completed a bundle, whose outbox entry is being fsynced), the socket is
 * corked until that resolves: the callback is called at once, so the following messages are
 * handled meanwhile, but no PUBACK written from then on (this one included) leaves before the
 * fsync (which covers their commits too: the WAL is one file). Waiting in the callback instead
 * would stall the whole connection for every fsync (0.5-10 ms here under load: every camera's
 * chunks would queue at the broker behind it). If the handler throws or the fsync fails (the store failed), the
 * connection is dropped with those PUBACKs unsent: the broker keeps the messages in the session
 * and redelivers them on reconnect.
 *
 * Limits: one message at a time (throughput = 1 / (handler time + commit time); the fsync is no
 * longer in it); brokers cap the messages queued for an offline session
 * (mosquitto: max_queued_messages, default 1000 — raise it, see README.md).
 */
import type { Duplex } from 'node:stream';
import mqtt, { type MqttClient } from 'mqtt';
import { mqttConnectOptions } from './mqtt-connect.js';
import { guardPacketSize, MAX_PACKET_BYTES } from './mqtt-size-guard.js';
import type { IngestMessage, Logger } from '../relay/types.js';

export interface MqttIngestOptions {
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  /** PEM CA file for an mqtts:// broker. */
  caFile?: string;
  keepaliveS: number;
  reconnectMs: number;
  /** e.g. BUNDLE_SUBSCRIPTION = 'quietcam/+/bundle', or '$share/<group>/quietcam/+/bundle' (MQTT 5) */
  subscription: string | string[];
  /** Largest packet taken from the broker (mqtt-size-guard.ts); default MAX_PACKET_BYTES. */
  maxPacketBytes?: number;
  /** 4 (MQTT 3.1.1, default) or 5 (needed for shared subscriptions on some brokers). */
  protocolVersion?: 4 | 5;
  log: Logger;
  /** Returns when committed, or a promise of durability to wait for. Throwing or rejecting withholds the PUBACK. */
  onMessage: (msg: IngestMessage) => Promise<void> | undefined | void;
}

export interface MqttIngest {
  connected(): boolean;
  /** Publish with QoS 1, not retained (the relay's end-to-end acks); queued by mqtt.js while disconnected. */
  publish(topic: string, payload: Uint8Array): void;
  /** Disconnect (without acknowledging anything further). */
  stop(): Promise<void>;
}

/**
 * Install the message handler: each PUBACK leaves only after the handler's commit (and, when it
 * returns a promise, its fsync); see the file comment.
 */
function acknowledgeAfterCommit(client: MqttClient, o: MqttIngestOptions): void {
  let corked: { uncork(): void } | null = null;

  const notAcknowledged = (err: Error) => o.log.error(`ingest: not acknowledged (${err.message}); reconnecting for redelivery`);
  const refuse = (err: Error, done: (err?: Error) => void) => {
    notAcknowledged(err);
    done(err); // mqtt.js skips the PUBACK
    setTimeout(() => client.stream?.destroy(), 0);
  };

  client.handleMessage = (packet, done) => {
    let durable: Promise<void> | undefined | void;
    try {
      durable = o.onMessage({ topic: packet.topic, payload: packet.payload as Buffer, receivedMs: Date.now() });
    } catch (err) {
      refuse(err as Error, done);
      return;
    }
    if (durable && client.stream) {
      const held = client.stream;
      held.cork();
      durable.then(
        () => held.uncork(),
        (err: Error) => {
          notAcknowledged(err);
          held.destroy(); // the held PUBACKs are discarded with it
        },
      );
    }
    // The PUBACKs of the messages mqtt.js handles in this turn of the event loop (it parses every
    // PUBLISH in a TCP read, one after the other) leave in one write instead of one syscall each;
    // each is still written only after its message's commit.
    const stream = client.stream;
    if (!corked && stream) {
      stream.cork();
      corked = stream;
      setImmediate(() => {
        corked = null;
        stream.uncork();
      });
    }
    done();
  };
}

/**
 * Check the size of every packet the broker sends on each connection mqtt.js opens (it builds a
 * stream per (re)connect): one over `max` closes that connection after its fixed header, before
 * mqtt.js buffers its body. Unacknowledged, it would come back on reconnect: the broker must cap
 * what it accepts (the embedded one does; mosquitto: max_packet_size; MQTT 5 brokers also honour
 * the Maximum Packet Size the relay announces).
 */
function guardEveryStream(client: MqttClient, max: number, log: Logger): void {
  // streamBuilder is private in mqtt.js' types; it is the one place each connection's stream is made
  const builder = client as unknown as { streamBuilder: (c: MqttClient) => Duplex };
  const build = builder.streamBuilder;
  builder.streamBuilder = (c) => {
    const stream = build(c);
    guardPacketSize(stream, max, (bytes) => {
      log.error(`ingest: the broker sent a ${bytes}-byte packet, over the ${max}-byte limit; connection closed (cap the broker's packet size: max_packet_size in mosquitto)`);
      stream.destroy();
    });
    return stream;
  };
}

/**
 * Connect and subscribe; resolves after the first successful subscription, and keeps
 * reconnecting (every reconnectMs) for as long as it runs.
 * @example const ingest = await startMqttIngest({ ...config.broker, subscription: BUNDLE_SUBSCRIPTION, log, onMessage: (m) => pipeline.handle(m) });
 */
export function startMqttIngest(o: MqttIngestOptions): Promise<MqttIngest> {
  const maxPacket = o.maxPacketBytes ?? MAX_PACKET_BYTES;
  const client: MqttClient = mqtt.connect(o.url, {
    ...mqttConnectOptions(o),
    clean: false,
    protocolVersion: o.protocolVersion ?? 4,
    // MQTT 5 ends a session when the connection closes unless told otherwise: keep it (and its
    // queued QoS 1 messages) for a day, as MQTT 3.1.1's clean: false does; and the broker must
    // not send a packet over maximumPacketSize (it drops the message instead)
    ...(o.protocolVersion === 5 ? { properties: { sessionExpiryInterval: 86400, maximumPacketSize: maxPacket } } : {}),
    manualConnect: true,
    keepalive: o.keepaliveS,
    resubscribe: true,
  });
  let up = false;
  let stopped = false;
  acknowledgeAfterCommit(client, o);
  guardEveryStream(client, maxPacket, o.log);
  client.connect();

  return new Promise((resolve, reject) => {
    let first = true;
    client.on('connect', (connack) => {
      client.subscribe(o.subscription, { qos: 1 }, (err) => {
        if (err) {
          o.log.error(`ingest: subscribe ${o.subscription} failed: ${err.message}`);
          return;
        }
        up = true;
        o.log.info(`ingest: ${first ? 'connected to' : 'reconnected to'} ${o.url} (session ${connack.sessionPresent ? 'resumed' : 'new'}), subscribed to ${o.subscription}`);
        if (first) {
          first = false;
          resolve({
            connected: () => up && client.connected,
            publish: (topic, payload) => {
              client.publish(topic, Buffer.from(payload.buffer, payload.byteOffset, payload.length), { qos: 1 }, (err) => {
                if (err && !stopped) o.log.warn(`ingest: publish on ${topic} failed: ${err.message}`);
              });
            },
            stop: () => {
              stopped = true;
              return new Promise<void>((r) => client.end(true, {}, () => r()));
            },
          });
        }
      });
    });
    client.on('close', () => {
      if (up && !stopped) o.log.warn(`ingest: connection to ${o.url} lost; reconnecting every ${o.reconnectMs} ms`);
      up = false;
    });
    let lastError = '';
    client.on('connect', () => (lastError = ''));
    client.on('error', (err) => {
      if (err.message !== lastError) o.log.warn(`ingest: ${err.message} (retrying every ${o.reconnectMs} ms)`); // once per distinct error
      lastError = err.message;
      if (first && /not authorized|bad user/i.test(err.message)) {
        client.end(true);
        reject(err);
      }
    });
  });
}
