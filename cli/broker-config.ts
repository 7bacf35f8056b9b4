/**
 * `quietcam broker-config`: the files that make a real mosquitto enforce quietcam's logins and
 * topic rules (src/adapters/mosquitto-config.ts), from the camera directory (`<dataDir>/relay.db`)
 * and the services' logins (`<dataDir>/broker-users.json`, made if missing).
 *
 *   quietcam broker-config [--config FILE] [--out DIR] [--host H] [--port N]
 *                          [--tls-cert FILE --tls-key FILE] [--relays N] [--pair CAMERA_ID [--broker URL]]
 *
 * --out DIR        where passwd, acl and quietcam.conf go (default `<dataDir>/mosquitto`)
 * --host, --port   mosquitto's listener (default 127.0.0.1:1883; 0.0.0.0 for boards on the LAN)
 * --tls-cert/-key  PEM files: the listener speaks TLS (boards and services use mqtts://)
 * --relays N       N relay processes share the bundles (broker.shareGroup): logins quietcam-relay-1..N
 *                  too, each the client id of one relay (default 1: quietcam-relay alone)
 * --pair ID        give the camera ID (e.g. one from the relay's config file) a new login and MAC
 *                  secret, replacing any it had, and print its provisioning file once
 * --broker URL     the broker address written into that provisioning file
 * Exit code 0 when written, 2 on bad arguments or config, 1 on other failures.
 */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { newCameraCredentials, provisioningRecord } from '../src/adapters/broker-credentials.js';
import { loadOrCreateBrokerUsers } from '../src/adapters/broker-users.js';
import { writeMosquittoFiles, MOSQUITTO_DEFAULTS } from '../src/adapters/mosquitto-config.js';
import { openCameraCredentials } from '../src/adapters/sqlite-camera-credentials.js';
import { loadConfig } from '../src/relay/config.js';

export const USAGE = 'quietcam broker-config [--config FILE] [--out DIR] [--host H] [--port N] [--tls-cert FILE --tls-key FILE] [--relays N] [--pair CAMERA_ID [--broker URL]]';

const OPTIONS = {
  config: { type: 'string' }, out: { type: 'string' }, host: { type: 'string' }, port: { type: 'string' },
  'tls-cert': { type: 'string' }, 'tls-key': { type: 'string' }, pair: { type: 'string' }, broker: { type: 'string' }, relays: { type: 'string' },
} as const;

function fail(message: string): number {
  console.error(`quietcam broker-config: ${message}\nUsage: ${USAGE}`);
  return 2;
}

export async function run(argv: string[]): Promise<number> {
  let v;
  try {
    v = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (err) {
    return fail((err as Error).message);
  }
  const port = v.port === undefined ? MOSQUITTO_DEFAULTS.port : Number(v.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return fail('--port needs 1-65535');
  if (!!v['tls-cert'] !== !!v['tls-key']) return fail('--tls-cert and --tls-key go together');
  const relays = v.relays === undefined ? 1 : Number(v.relays);
  if (!Number.isInteger(relays) || relays < 1 || relays > 64) return fail('--relays needs 1-64');
  if (v.broker && !v.pair) return fail('--broker is for --pair');
  let config;
  try {
    config = loadConfig({ file: v.config });
  } catch (err) {
    return fail((err as Error).message);
  }
  const services = loadOrCreateBrokerUsers(config.dataDir);
  const db = openCameraCredentials(join(config.dataDir, 'relay.db'));
  try {
    if (v.pair) {
      let c;
      try {
        c = newCameraCredentials(v.pair);
      } catch (err) {
        return fail((err as Error).message);
      }
      db.store.put(c);
      const broker = v.broker ?? `${v['tls-cert'] ? 'mqtts' : 'mqtt'}://${v.host && v.host !== '0.0.0.0' ? v.host : '127.0.0.1'}:${port}`;
      console.log(`camera ${c.cameraId}: new login and MAC secret (the old ones no longer work). Its provisioning file, shown once:`);
      console.log(JSON.stringify(provisioningRecord({ broker, cameraId: c.cameraId, token: c.token, macSecret: c.macSecret }), null, 2));
    }
    const cameras = db.store.list();
    const out = v.out ?? join(config.dataDir, 'mosquitto');
    const paths = writeMosquittoFiles({
      cameras, services, dir: out, host: v.host, port, relays,
      tls: v['tls-cert'] ? { certFile: v['tls-cert'], keyFile: v['tls-key']! } : undefined,
    });
    console.log(`wrote ${paths.passwd} (${cameras.length} camera(s) + quietcam-relay, quietcam-relay-alerts, quietcam-web, quietcam-web-notices, quietcam-ha), ${paths.acl}, ${paths.conf}`);
    console.log(`mosquitto: add \`include_dir ${out}\` to /etc/mosquitto/mosquitto.conf (the files must be readable by the mosquitto user: chown mosquitto ${paths.passwd} ${paths.acl}), then \`systemctl reload mosquitto\`; run this again after pairing a camera.`);
    return 0;
  } finally {
    db.close();
  }
}
