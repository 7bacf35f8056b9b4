/**
 * The CameraLink (../camera-link.ts) on the pages' MQTT connection (mqtt-config.ts's client, the
 * `quietcam-web` login): subscribes to every camera's status and live frames on each (re)connect,
 * and sends live-view requests on `quietcam/<camera>/command` (QoS 1, not retained: a request is
 * for now, never for a board that connects later).
 */
import type { MqttClient } from 'mqtt';
import { commandTopic, LIVE_SUBSCRIPTION, STATUS_SUBSCRIPTION } from '../../protocol/topics.js';
import { CameraLink } from '../camera-link.js';

export function mqttCameraLink(client: MqttClient, o: { secretOf(cameraId: string): string | undefined; clock: () => number }): CameraLink {
  const link = new CameraLink({
    ...o,
    async send(cameraId, payload) {
      await client.publishAsync(commandTopic(cameraId), Buffer.from(payload), { qos: 1, retain: false });
    },
  });
  const subscribe = () => client.subscribe([STATUS_SUBSCRIPTION, LIVE_SUBSCRIPTION], { qos: 0 }, () => {});
  client.on('connect', subscribe);
  if (client.connected) subscribe();
  client.on('message', (topic, payload) => link.handle(topic, new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength)));
  return link;
}
