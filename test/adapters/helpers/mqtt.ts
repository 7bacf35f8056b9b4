/** Small MQTT client helpers for the broker attack tests: connect (or the refusal), collect, wait. */
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

export interface Login { username?: string; password?: string; clientId?: string; clean?: boolean; ca?: string | Buffer }

/** Connect once (no reconnects); resolves with the client, or the error the broker answered with. */
export function tryConnect(url: string, login: Login, extra: IClientOptions = {}): Promise<{ client: MqttClient } | { error: Error & { code?: number } }> {
  const client = mqtt.connect(url, {
    clientId: login.clientId ?? `t-${Math.random().toString(36).slice(2, 10)}`,
    username: login.username,
    password: login.password,
    clean: login.clean ?? true,
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 5000,
    ca: login.ca,
    ...extra,
  });
  return new Promise((resolve) => {
    client.once('connect', () => resolve({ client }));
    client.once('error', (error) => {
      client.end(true);
      resolve({ error });
    });
    client.once('close', () => setTimeout(() => resolve({ error: Object.assign(new Error('closed before CONNACK'), { code: -1 }) }), 50));
  });
}

export async function connected(url: string, login: Login, extra: IClientOptions = {}): Promise<MqttClient> {
  const r = await tryConnect(url, login, extra);
  if ('error' in r) throw new Error(`expected ${login.username ?? 'anonymous'} to connect: ${r.error.message}`);
  return r.client;
}

/** Every message a client gets, as `topic payload`. */
export function collect(client: MqttClient): string[] {
  const got: string[] = [];
  client.on('message', (topic, payload) => got.push(`${topic} ${payload.toString()}`));
  return got;
}

/** Subscribe; resolves with the granted QoS per filter (128 = refused). */
export async function subscribe(client: MqttClient, filter: string | string[]): Promise<number[]> {
  return new Promise((resolve, reject) => {
    client.subscribe(filter, { qos: 1 }, (err, granted, suback) => {
      // a refused filter (0x80) comes back as an error with the SUBACK packet
      if (suback && 'granted' in suback) return resolve((suback.granted as number[]).slice());
      if (err) return reject(err);
      resolve((granted ?? []).map((g) => g.qos));
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function closeAll(clients: (MqttClient | undefined)[]): Promise<void> {
  return Promise.all(clients.map((c) => (c ? new Promise<void>((r) => c.end(true, {}, () => r())) : undefined))).then(() => undefined);
}

/** Resolves true when the client's connection closes within `ms`. */
export function closesWithin(client: MqttClient, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (!client.connected) return resolve(true);
    const t = setTimeout(() => resolve(false), ms);
    client.once('close', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}
