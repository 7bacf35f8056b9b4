/**
 * The mqtt.js connect options every quietcam connection to the broker shares: MQTT 3.1.1, a 10 s
 * connect timeout, its own client id and reconnect period, the login (a camera's or a service's)
 * and, for an mqtts:// broker, the CA file that signed its certificate. Callers add their own
 * (clean: false for a persistent session, MQTT 5 properties, manualConnect).
 */
import { readFileSync } from 'node:fs';
import type { IClientOptions } from 'mqtt';

export interface MqttConnectOptions {
  clientId: string;
  /** ms between reconnect attempts. */
  reconnectMs?: number;
  username?: string;
  password?: string;
  /** PEM CA file for an mqtts:// broker. */
  caFile?: string;
}

/** @example mqtt.connect(o.url, { ...mqttConnectOptions({ ...o, clientId }), clean: false }) */
export function mqttConnectOptions(o: MqttConnectOptions): IClientOptions {
  return {
    clientId: o.clientId,
    protocolVersion: 4,
    reconnectPeriod: o.reconnectMs,
    connectTimeout: 10000,
    username: o.username,
    password: o.password,
    ca: o.caFile ? readFileSync(o.caFile) : undefined,
  };
}
