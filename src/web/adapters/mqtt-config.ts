/**
 * Retained config publisher (mqtt.js 5): `quietcam/<camera>/config`, QoS 1, retained, so a board
 * gets its owner's consent whenever it (re)connects. The relay's mqtt-publisher.ts publishes
 * bundles (not retained), so this one is separate. One persistent connection; on every (re)connect
 * `onConnect` runs, and the pages re-publish every camera's config (a change made while the broker
 * was away reaches the boards).
 */
import mqtt, { type MqttClient } from 'mqtt';
import { mqttConnectOptions } from '../../adapters/mqtt-connect.js';
import { configTopic } from '../../protocol/topics.js';
import type { ConfigPublisher } from '../ports.js';

export interface MqttConfigOptions {
  url: string;
  username?: string;
  password?: string;
  /** PEM CA file for an mqtts:// broker. */
  caFile?: string;
  /** Default 'quietcam-web-<random>'. */
  clientId?: string;
  reconnectMs?: number;
  onConnect?: () => void;
}

export interface MqttConfigPublisher extends ConfigPublisher {
  readonly client: MqttClient;
  close(): Promise<void>;
}

/**
 * Connects in the background: publish() waits for the connection (callers bound it with a timeout).
 * @example const pub = mqttConfigPublisher({ url: relayConfig.broker.url }); await pub.publish('cam-1', payload);
 */
export function mqttConfigPublisher(o: MqttConfigOptions): MqttConfigPublisher {
  const client = mqtt.connect(o.url, mqttConnectOptions({ ...o, clientId: o.clientId ?? `quietcam-web-${Math.random().toString(36).slice(2, 10)}`, reconnectMs: o.reconnectMs ?? 1000 }));
  client.on('error', () => {}); // reconnects by itself; publishes wait meanwhile
  if (o.onConnect) client.on('connect', o.onConnect);
  return {
    client,
    async publish(cameraId, payload) {
      await client.publishAsync(configTopic(cameraId), Buffer.from(payload), { qos: 1, retain: true });
    },
    close: () => new Promise<void>((resolve) => client.end(true, {}, () => resolve())),
  };
}
