/**
 * The files a real broker (mosquitto 2.0, as in Debian 12) needs to enforce the same logins and
 * topic rules as the embedded one (broker-acl.ts), written from the camera directory and the
 * services' logins by `quietcam broker-config`:
 *
 * - `passwd`: mosquitto_passwd format, one `username:$7$<iterations>$<salt>$<PBKDF2-SHA512>` line per
 *   login (cameras: the hash made at pairing; services: hashed now). Mode 0600.
 * - `acl`: one `user` block per login, no `pattern` rules (a pattern would also apply to the
 *   services' names). Mode 0600 (it lists the camera ids).
 * - `quietcam.conf`: listener, `allow_anonymous false`, `password_file`, `acl_file`,
 *   `use_username_as_clientid true`, `max_packet_size`, optional TLS.
 *
 * Where mosquitto differs from the embedded broker (limits of mosquitto's ACL file): it cannot
 * refuse a retained flag (a camera may retain its own bundle or event; the web may publish its
 * config unretained); a refused publish is dropped (MQTT 3.1.1 PUBACK still sent), not a
 * disconnect. Client-id takeover is impossible across logins because `use_username_as_clientid`
 * makes each login's client id its username (so two connections of the same login replace each
 * other: run one relay per login). mosquitto reads the password and ACL files again on SIGHUP.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SERVICE_USERS, isCameraUsername } from './broker-acl.js';
import { mosquittoHash, type CameraCredentials } from './broker-credentials.js';
import type { BrokerUsers } from './broker-users.js';
import { MAX_PACKET_BYTES } from './mqtt-size-guard.js';

export const MOSQUITTO_DEFAULTS = {
  host: '127.0.0.1',
  port: 1883, // 8883 is the usual port with TLS
  /** Largest MQTT packet, bytes (mqtt-size-guard.ts, 400 KiB, as the embedded broker and the relay): bundles are ≤ 384 KiB, a chunk a few KB. */
  maxPacketSize: MAX_PACKET_BYTES,
};

/**
 * Persistence for a broker that may crash: mosquitto keeps its store in memory and writes it whole
 * (mosquitto.db) only every `autosave_interval` s (default 1800) or on a clean shutdown, so after a
 * kill -9 or a power cut the relay's session, its subscription and its queue are gone, and chunks
 * published before it re-subscribes are dropped. `autosave_on_changes true` + `autosave_interval 100`
 * saves after every 100 changes (queued messages, subscriptions): sessions survive, at ~8 store writes
 * per 60 bundles. Saving after every change (`autosave_interval 1`) was measured worse: the save storm
 * (2,400 whole-store writes per 60 bundles) slowed mosquitto and lost *more* acknowledged messages.
 * No mosquitto 2.0 setting is lossless (the PUBACK leaves before any save); the window that remains is
 * closed end to end: the board keeps each bundle until the relay's ack (src/protocol/ack.ts).
 * Measured with SIGKILLs: docs/broker-auth.md, test/relay/fault-mosquitto-kill.test.ts, `npm run bench -- faults`.
 * `persistence_location` is left to the system config (Debian: /var/lib/mosquitto/).
 */
export const MOSQUITTO_DURABILITY = ['persistence true', 'autosave_on_changes true', 'autosave_interval 100'];

export interface MosquittoConfigOptions {
  cameras: Pick<CameraCredentials, 'cameraId' | 'brokerHash'>[];
  services: BrokerUsers;
  /** Folder the files are written to (paths in quietcam.conf are absolute). */
  dir: string;
  host?: string;
  port?: number;
  /** PEM files for a TLS listener (mqtts://). */
  tls?: { certFile: string; keyFile: string };
  /** Extra lines for the listener block (tests: persistence, logging). */
  extra?: string[];
  /**
   * Relay processes sharing the bundles ($share/...): each needs a login of its own here, because
   * the client id is the username: 1 = `quietcam-relay`; n > 1 adds `quietcam-relay-1` ... `-n`
   * (client ids of the same names), all with the relay password. 1-64, default 1.
   */
  relays?: number;
}

/** The relay's smart-alert publisher logs in as this relay name (src/alerts/channels/mqtt-alerts.ts). */
export const ALERTS_LOGIN = `${SERVICE_USERS.relay}-alerts`;
/** The owner pages' notices (consent reminders, src/web/server.ts) log in as this, with the web's password. */
export const NOTICES_LOGIN = SERVICE_USERS.notices;

function relayNames(n = 1): string[] {
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new Error('relays: 1-64');
  const names: string[] = [SERVICE_USERS.relay];
  for (let i = 1; n > 1 && i <= n; i++) names.push(`${SERVICE_USERS.relay}-${i}`);
  return names;
}

export interface MosquittoFiles {
  passwd: string;
  acl: string;
  conf: string;
}

export const MOSQUITTO_FILE_NAMES = { passwd: 'passwd', acl: 'acl', conf: 'quietcam.conf' } as const;

function checkedCameras(cameras: MosquittoConfigOptions['cameras']) {
  for (const c of cameras) {
    if (!isCameraUsername(c.cameraId)) throw new Error(`camera id '${c.cameraId}' cannot be a broker login`);
    if (!/^\$7\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/.test(c.brokerHash)) throw new Error(`camera '${c.cameraId}': stored broker hash is not in $7$ form`);
  }
  return [...cameras].sort((a, b) => (a.cameraId < b.cameraId ? -1 : 1));
}

/** The ACL file's text (same rules as broker-acl.ts; the `$share/<group>/` forms are matched by mosquitto itself). */
export function mosquittoAcl(cameraIds: string[], relays = 1): string {
  const lines = [
    '# quietcam broker ACL, written by `quietcam broker-config` from the camera directory: do not edit,',
    '# run it again after pairing a camera (then SIGHUP mosquitto). No pattern rules: every login is listed.',
  ];
  for (const name of relayNames(relays)) lines.push('', `user ${name}`, 'topic read quietcam/+/bundle', 'topic read quietcam/+/event', 'topic read quietcam/+/frame', 'topic write quietcam/+/ack');
  lines.push(
    '',
    `user ${ALERTS_LOGIN}`, // the relay's alert publisher (a login of its own: client id = username here)
    'topic write quietcam/+/alert',
    'topic write quietcam/+/alert-image',
    'topic write homeassistant/binary_sensor/+/person/config',
    'topic write homeassistant/image/+/person/config',
    '',
    `user ${NOTICES_LOGIN}`, // the pages' consent reminders (a login of their own, kept open: client id = username here)
    'topic write quietcam/+/reminder',
    '',
    `user ${SERVICE_USERS.web}`,
    'topic write quietcam/+/config',
    'topic write quietcam/+/command',
    'topic read quietcam/+/status',
    'topic read quietcam/+/live',
    '',
    `user ${SERVICE_USERS.ha}`,
    'topic read quietcam/+/alert',
    'topic read quietcam/+/alert-image',
    'topic read quietcam/+/reminder',
    'topic read homeassistant/#',
    'topic write homeassistant/status',
  );
  for (const id of cameraIds) {
    lines.push('', `user ${id}`, `topic write quietcam/${id}/bundle`, `topic write quietcam/${id}/event`, `topic write quietcam/${id}/frame`,
      `topic write quietcam/${id}/status`, `topic write quietcam/${id}/live`, `topic read quietcam/${id}/config`, `topic read quietcam/${id}/ack`, `topic read quietcam/${id}/command`);
  }
  return lines.join('\n') + '\n';
}

/**
 * The three files' contents.
 * @example const files = mosquittoFiles({ cameras: store.list(), services: users, dir: '/etc/mosquitto/quietcam' });
 */
export function mosquittoFiles(o: MosquittoConfigOptions): MosquittoFiles {
  const cameras = checkedCameras(o.cameras);
  const dir = resolve(o.dir);
  const passwd = [
    ...[...relayNames(o.relays), ALERTS_LOGIN].map((name) => `${name}:${mosquittoHash(o.services.relay.password)}`),
    ...[o.services.web.username, NOTICES_LOGIN].map((name) => `${name}:${mosquittoHash(o.services.web.password)}`),
    ...(o.services.ha ? [`${o.services.ha.username}:${mosquittoHash(o.services.ha.password)}`] : []),
    ...cameras.map((c) => `${c.cameraId}:${c.brokerHash}`),
  ].join('\n') + '\n';
  const conf = [
    '# quietcam: only paired cameras and the quietcam services may connect. Written by `quietcam broker-config`.',
    '# Include it from /etc/mosquitto/mosquitto.conf (or copy it to /etc/mosquitto/conf.d/).',
    'per_listener_settings false',
    'allow_anonymous false',
    `password_file ${join(dir, MOSQUITTO_FILE_NAMES.passwd)}`,
    `acl_file ${join(dir, MOSQUITTO_FILE_NAMES.acl)}`,
    `max_packet_size ${MOSQUITTO_DEFAULTS.maxPacketSize}`,
    '# durability: save the store every 100 changes, so the relay\'s session and queue survive a crash; the boards',
    '# send again what the relay has not acked end to end. The relay\'s session must queue without limit.',
    ...MOSQUITTO_DURABILITY,
    'max_queued_messages 0',
    '# listener options follow their `listener` line (before it, they would open a default listener on 1883)',
    `listener ${o.port ?? MOSQUITTO_DEFAULTS.port} ${o.host ?? MOSQUITTO_DEFAULTS.host}`,
    '# each login\'s client id is its username: nobody can take over another login\'s client id or session',
    'use_username_as_clientid true',
    ...(o.tls ? [`certfile ${resolve(o.tls.certFile)}`, `keyfile ${resolve(o.tls.keyFile)}`, 'tls_version tlsv1.2'] : []),
    ...(o.extra ?? []),
  ].join('\n') + '\n';
  return { passwd, acl: mosquittoAcl(cameras.map((c) => c.cameraId), o.relays), conf };
}

/** Write the files into `o.dir` (passwd and acl 0600, conf 0644); returns their paths. */
export function writeMosquittoFiles(o: MosquittoConfigOptions): Record<keyof MosquittoFiles, string> {
  const files = mosquittoFiles(o);
  const dir = resolve(o.dir);
  mkdirSync(dir, { recursive: true });
  const paths = { passwd: join(dir, MOSQUITTO_FILE_NAMES.passwd), acl: join(dir, MOSQUITTO_FILE_NAMES.acl), conf: join(dir, MOSQUITTO_FILE_NAMES.conf) };
  for (const k of ['passwd', 'acl', 'conf'] as const) {
    const mode = k === 'conf' ? 0o644 : 0o600;
    writeFileSync(paths[k], files[k], { mode });
    chmodSync(paths[k], mode); // an existing file keeps its mode on write
  }
  return paths;
}
