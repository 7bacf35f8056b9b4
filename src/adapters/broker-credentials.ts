/**
 * A camera's credentials, made once at pairing: the pairing token (shown to the owner once) is
 * the camera's MQTT password (username = camera id); only hashes of it are kept, plus the
 * per-camera MAC secret derived from it (the relay verifies with it, the web signs with it).
 *
 * | field       | what                                                               | stored |
 * |-------------|--------------------------------------------------------------------|--------|
 * | token       | 32 random bytes, base64url (43 characters)                          | never  |
 * | pairingHash | SHA-256 of the token (UTF-8), hex: what the embedded broker checks  | yes    |
 * | brokerHash  | the token as mosquitto's password file holds it (`$7$` PBKDF2-SHA512) | yes  |
 * | macSecret   | HMAC-SHA256(key = token as UTF-8, "quietcam-mac-v1/" + cameraId), hex | yes  |
 *
 * The token has 256 bits of entropy, so a fast hash is enough to store it: nobody can guess it
 * back from the hash. The MAC secret cannot be turned back into the token either (HMAC is one-way).
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { isCameraUsername } from './broker-acl.js';

export interface CameraCredentials {
  cameraId: string;
  pairingHash: string;
  brokerHash: string;
  macSecret: string;
}

/** A new camera's credentials, with the token to show once. */
export interface NewCameraCredentials extends CameraCredentials {
  token: string;
}

export const CREDENTIAL_DEFAULTS = {
  tokenBytes: 32, // 256 bits
  /** mosquitto_passwd's own default for `$7$` (mosquitto 2.0): the token is random, iterations add nothing but connect time. */
  pbkdf2Iterations: 101,
  pbkdf2SaltBytes: 12, // as mosquitto_passwd
};

export function sha256Hex(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex');
}

/**
 * The per-camera MAC secret, hex (the shared data model of issue 12).
 * @example macSecretHex(token, 'cam-abc') // 64 hex characters
 */
export function macSecretHex(token: string, cameraId: string): string {
  return createHmac('sha256', Buffer.from(token, 'utf8')).update('quietcam-mac-v1/' + cameraId, 'utf8').digest('hex');
}

/**
 * A password in mosquitto_passwd's `$7$` form: `$7$<iterations>$<salt base64>$<PBKDF2-HMAC-SHA512, 64 bytes, base64>`
 * (mosquitto 2.0's default; checked against Debian's mosquitto_passwd 2.0.11).
 */
export function mosquittoHash(password: string, o: { salt?: Buffer; iterations?: number } = {}): string {
  const iterations = o.iterations ?? CREDENTIAL_DEFAULTS.pbkdf2Iterations;
  const salt = o.salt ?? randomBytes(CREDENTIAL_DEFAULTS.pbkdf2SaltBytes);
  const hash = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, 64, 'sha512');
  return `$7$${iterations}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** Does `password` match a `$7$` hash? (False for any other form.) */
export function verifyMosquittoHash(hash: string, password: string): boolean {
  const m = /^\$7\$(\d{1,7})\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(hash);
  if (!m) return false;
  const want = Buffer.from(m[3], 'base64');
  const got = pbkdf2Sync(Buffer.from(password, 'utf8'), Buffer.from(m[2], 'base64'), Number(m[1]), want.length || 64, 'sha512');
  return want.length === 64 && timingSafeEqual(got, want);
}

/**
 * Fresh credentials for a camera id. Throws on an id that cannot be an MQTT camera login.
 * @example const c = newCameraCredentials('cam-abc'); show(c.token); store(c without token)
 */
export function newCameraCredentials(cameraId: string): NewCameraCredentials {
  if (!isCameraUsername(cameraId)) throw new RangeError(`camera id '${cameraId}' cannot hold MQTT credentials (1-32 of a-z 0-9 _ -, not quietcam-...)`);
  const token = randomBytes(CREDENTIAL_DEFAULTS.tokenBytes).toString('base64url');
  return { cameraId, token, pairingHash: sha256Hex(token), brokerHash: mosquittoHash(token), macSecret: macSecretHex(token, cameraId) };
}

/** Constant-time comparison of two strings (compared as their SHA-256, so lengths leak nothing). */
export function safeEqualText(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a, 'utf8').digest(), createHash('sha256').update(b, 'utf8').digest());
}

/** A dummy hash compared against when a camera id is unknown, so both answers take the same time. */
const NO_SUCH_CAMERA = sha256Hex('no such camera');

/**
 * Is `password` the pairing token of a camera whose stored hash is `pairingHash` (null: unknown camera)?
 * Constant time in the password; an unknown camera costs the same as a wrong password.
 */
export function checkPairingToken(pairingHash: string | null, password: string): boolean {
  const got = sha256Hex(password);
  const ok = safeEqualText(pairingHash ?? NO_SUCH_CAMERA, got);
  return ok && pairingHash !== null;
}

/**
 * The provisioning record for `npm run firmware:flash -- --config FILE` (firmware/esp32/idf.ts):
 * JSON with the Wi-Fi left empty for the owner to fill in.
 */
export function provisioningRecord(o: { broker: string; cameraId: string; token: string; macSecret: string }): Record<string, string> {
  return { ssid: '', password: '', broker: o.broker, username: o.cameraId, mqttpass: o.token, camera: o.cameraId, secret: o.macSecret };
}

/**
 * Where cameras' credentials live (the port the broker's authentication and the mosquitto file
 * writer read through). Production: sqlite-camera-credentials.ts in the shared database; tests:
 * MemoryCameraCredentials.
 */
export interface CameraCredentialStore {
  get(cameraId: string): CameraCredentials | null;
  /** Every camera, ordered by id. */
  list(): CameraCredentials[];
  /** Insert, or replace (pairing again gives a new token and secret). */
  put(c: CameraCredentials): void;
  remove(cameraId: string): void;
}

export class MemoryCameraCredentials implements CameraCredentialStore {
  private readonly byId = new Map<string, CameraCredentials>();

  constructor(initial: CameraCredentials[] = []) {
    for (const c of initial) this.put(c);
  }

  get(cameraId: string): CameraCredentials | null {
    const c = this.byId.get(cameraId);
    return c ? { ...c } : null;
  }

  list(): CameraCredentials[] {
    return [...this.byId.values()].sort((a, b) => (a.cameraId < b.cameraId ? -1 : a.cameraId > b.cameraId ? 1 : 0)).map((c) => ({ ...c }));
  }

  put(c: CameraCredentials): void {
    this.byId.set(c.cameraId, { cameraId: c.cameraId, pairingHash: c.pairingHash, brokerHash: c.brokerHash, macSecret: c.macSecret });
  }

  remove(cameraId: string): void {
    this.byId.delete(cameraId);
  }
}
