/**
 * Smart alerts on the home's MQTT broker, for Home Assistant (or anything with the `quietcam-ha`
 * login; broker-acl.ts lets only that login read them, and only the relay publish them):
 * - `quietcam/<camera>/alert`: the alert message as JSON (QoS 1, not retained);
 * - `quietcam/<camera>/alert-image`: the event frame as JPEG bytes (QoS 1, not retained), for the
 *   `image` entity;
 * - Home Assistant MQTT discovery, retained, once per camera and connection:
 *   `homeassistant/binary_sensor/quietcam_<camera>/person/config` (on with an alert, off after
 *   `offDelayS`) and `homeassistant/image/quietcam_<camera>/person/config` (the latest person image).
 * Logs in as `quietcam-relay-alerts` (the relay's password): a login of its own, because a broker
 * that makes the client id the username (mosquitto here) would otherwise swap it with the ingest.
 * The owner pages open it for consent reminders (notify) as `quietcam-web-notices` (the web's
 * password), which may publish `quietcam/<camera>/reminder` only (broker-acl.ts).
 */
import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import mqtt, { type MqttClient } from 'mqtt';
import type { AlertChannel, AlertMessage, Delivery } from '../message.js';
import { reminderTopic, type NoticeDelivery } from '../notice.js';

export const MQTT_ALERT_DEFAULTS = {
  offDelayS: 60, // the binary sensor turns off a minute after the last alert: one event lasts seconds to minutes
  maxImageBytes: 524288, // 512 KiB: event frames are small JPEGs (QVGA ~10-30 KiB); a larger file is not sent
  publishTimeoutMs: 10000, // PUBACK wait; while the broker is away mqtt.js queues and resends
};

export const alertTopic = (cameraId: string) => `quietcam/${cameraId}/alert`;
export const alertImageTopic = (cameraId: string) => `quietcam/${cameraId}/alert-image`;
export const discoveryTopics = (cameraId: string) => ({
  binarySensor: `homeassistant/binary_sensor/quietcam_${cameraId}/person/config`,
  image: `homeassistant/image/quietcam_${cameraId}/person/config`,
});

/** The two discovery configs of a camera (Home Assistant's MQTT binary_sensor and image platforms). */
export function discoveryConfigs(cameraId: string, cameraName: string, offDelayS: number): { binarySensor: object; image: object } {
  const device = { identifiers: [`quietcam_${cameraId}`], name: cameraName, manufacturer: 'quietcam', model: 'ESP32-CAM' };
  return {
    binarySensor: {
      name: 'Person', unique_id: `quietcam_${cameraId}_person`, object_id: `quietcam_${cameraId}_person`, device, device_class: 'occupancy',
      state_topic: alertTopic(cameraId), value_template: "{{ 'ON' if value_json.verdict == 'person' else 'OFF' }}",
      off_delay: offDelayS, json_attributes_topic: alertTopic(cameraId),
      json_attributes_template: '{{ {"score": value_json.score, "at": value_json.at, "event": value_json.event} | tojson }}',
    },
    image: {
      name: 'Last person', unique_id: `quietcam_${cameraId}_person_image`, object_id: `quietcam_${cameraId}_person_image`, device,
      image_topic: alertImageTopic(cameraId), content_type: 'image/jpeg',
    },
  };
}

export interface MqttAlertsOptions {
  url: string;
  username: string;
  password: string;
  caFile?: string;
  /** Default `<username>-<random>`: several processes of a login each publish without taking each other's id (mosquitto makes it the username anyway). */
  clientId?: string;
  offDelayS?: number;
  log?: (line: string) => void;
}

/** @example const ch = mqttAlertsChannel({ url, username: 'quietcam-relay-alerts', password: users.relay.password }); */
export function mqttAlertsChannel(o: MqttAlertsOptions): AlertChannel & { readonly client: MqttClient } {
  const offDelayS = o.offDelayS ?? MQTT_ALERT_DEFAULTS.offDelayS;
  const client = mqtt.connect(o.url, {
    clientId: o.clientId ?? `${o.username}-${randomBytes(4).toString('hex')}`, username: o.username, password: o.password, clean: true, protocolVersion: 4,
    reconnectPeriod: 1000, connectTimeout: 10000, ca: o.caFile ? readFileSync(o.caFile) : undefined,
  });
  // once per outage, not at every reconnect (a second): e.g. a mosquitto whose files predate this login
  let told = false;
  client.on('error', (err) => {
    if (!told) o.log?.(`alerts mqtt (${o.username}): ${err.message}; retrying every second, told again after the next connect`);
    told = true;
  });
  const announced = new Set<string>();
  client.on('connect', () => {
    told = false;
    announced.clear(); // a new connection announces again (cheap, retained)
  });

  const publish = (topic: string, payload: string | Buffer, retain: boolean) => new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('broker did not acknowledge in time')), MQTT_ALERT_DEFAULTS.publishTimeoutMs);
    client.publish(topic, payload, { qos: 1, retain }, (err) => {
      clearTimeout(timer);
      if (err) reject(err);
      else resolve();
    });
  });

  async function announce(m: AlertMessage): Promise<void> {
    if (announced.has(m.camera)) return;
    const cfg = discoveryConfigs(m.camera, m.cameraName, offDelayS);
    const t = discoveryTopics(m.camera);
    await publish(t.binarySensor, JSON.stringify(cfg.binarySensor), true);
    await publish(t.image, JSON.stringify(cfg.image), true);
    announced.add(m.camera);
  }

  async function image(path: string): Promise<Buffer | null> {
    try {
      if ((await stat(path)).size > MQTT_ALERT_DEFAULTS.maxImageBytes) return null;
      return await readFile(path);
    } catch {
      return null; // the history store may have deleted it already: the alert still goes out
    }
  }

  async function deliver(d: Delivery): Promise<string> {
    await announce(d.message);
    await publish(alertTopic(d.message.camera), JSON.stringify(d.message), false);
    const jpeg = await image(d.imagePath);
    if (jpeg) await publish(alertImageTopic(d.message.camera), jpeg, false);
    return jpeg ? 'sent' : 'sent (no image)';
  }

  /** A notice (consent reminder) on `quietcam/<camera>/reminder`, QoS 1, not retained. */
  async function notify(d: NoticeDelivery): Promise<string> {
    await publish(reminderTopic(d.message.camera), JSON.stringify(d.message), false);
    return 'sent';
  }

  return {
    name: 'mqtt', client, wanted: (c) => c.mqtt, deliver, notify,
    // forced when the broker is away: a graceful end would wait for the queued publishes, for ever
    close: () => new Promise<void>((r) => client.end(!client.connected, {}, () => r())),
  };
}
