/**
 * Proof of origin: every bundle, event message and retained config carries a MAC made with the
 * camera's secret, so a client that gets onto the broker still cannot forge one.
 * - The secret: 32 bytes per camera, made at pairing from the pairing token (the camera's MQTT
 *   password): secret = HMAC-SHA256(key = token as bytes, "quietcam-mac-v1/" + cameraId).
 *   Stored hex by the web and the relay, provisioned hex on the board.
 * - A MAC: HMAC-SHA256(secret, domain + message), truncated to the first 16 bytes (128 bits: a
 *   forger gets one guess per publish, and the broker limits publishes). The domain string keeps
 *   a MAC for one kind of message from being valid for another.
 * - Bundles carry it in binary (bundle.ts, format v2); JSON messages (events, config) end with
 *   `,"mac":"<32 hex>"}`, computed over the same text with that member left out (signJson).
 * ES5-safe.
 * @example
 *   const key = macKey(hexToBytes(secretHex)!);
 *   const signed = signJson(key, 'quietcam-event/porch/', '{"v":1,"type":"start"}');
 *   openJson(key, 'quietcam-event/porch/', signed) // '{"v":1,"type":"start"}' (null when forged)
 */
import { HmacSha256 } from './sha256.js';

/** Bytes of a MAC as carried (HMAC-SHA256 truncated). */
export const MAC_BYTES = 16;
/** Bytes of a camera secret. */
export const SECRET_BYTES = 32;
/** Prefix of the secret's derivation message (common.md, "Shared data model for trust"). */
export const SECRET_DERIVATION_PREFIX = 'quietcam-mac-v1/';
/** Domain of a bundle MAC (then the bundle bytes before the MAC). */
export const BUNDLE_MAC_DOMAIN = 'quietcam-bundle/';

/** Domain of a retained config's MAC: bound to its camera, so one camera's config is no other's. */
export function configMacDomain(cameraId: string): string {
  return 'quietcam-config/' + cameraId + '/';
}

/** Domain of an event message's MAC. */
export function eventMacDomain(cameraId: string): string {
  return 'quietcam-event/' + cameraId + '/';
}

const HEX = '0123456789abcdef';
const MAC_SUFFIX = ',"mac":"';

/** A reusable MAC key (HMAC-SHA256 with the padded key computed once). */
export function macKey(secret: Uint8Array): HmacSha256 {
  return new HmacSha256(secret);
}

/** Lower-case hex of bytes [from, to). */
export function bytesToHex(b: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += HEX.charAt(b[i] >> 4) + HEX.charAt(b[i] & 15);
  return s;
}

function nibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Bytes of a hex string, or null when it is not hex of even length (and, if given, `bytes` long). */
export function hexToBytes(hex: unknown, bytes?: number): Uint8Array | null {
  if (typeof hex !== 'string' || (hex.length & 1) !== 0) return null;
  if (bytes !== undefined && hex.length !== 2 * bytes) return null;
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) {
    const hi = nibble(hex.charCodeAt(2 * i));
    const lo = nibble(hex.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) return null;
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/** A camera's 32-byte secret from its pairing token (an ASCII string, base64url in practice). */
export function deriveCameraSecret(token: string, cameraId: string): Uint8Array {
  const key = new Uint8Array(token.length);
  for (let i = 0; i < token.length; i++) key[i] = token.charCodeAt(i) & 0xff;
  const out = new Uint8Array(SECRET_BYTES);
  new HmacSha256(key).updateAscii(SECRET_DERIVATION_PREFIX + cameraId).finish(out, 0);
  return out;
}

/**
 * The pairing token of a demo camera (`npm start`'s simulator, tests, benchmarks). Public, so a
 * demo camera has no real proof of origin: real cameras get a random token at pairing.
 */
export function demoCameraToken(cameraId: string): string {
  return 'quietcam-demo-token/' + cameraId;
}

/** A demo camera's secret: deriveCameraSecret(demoCameraToken(cameraId), cameraId). */
export function demoCameraSecret(cameraId: string): Uint8Array {
  return deriveCameraSecret(demoCameraToken(cameraId), cameraId);
}

/** True when a[ap..ap+n) equals b[bp..bp+n), in time that does not depend on where they differ. */
export function sameBytes(a: Uint8Array, ap: number, b: Uint8Array, bp: number, n: number): boolean {
  let diff = 0;
  for (let i = 0; i < n; i++) diff |= a[ap + i] ^ b[bp + i];
  return diff === 0;
}

/** The MAC (MAC_BYTES) of domain + b[from..to), written at out[pos]. */
export function macOf(key: HmacSha256, domain: string, b: Uint8Array, from: number, to: number, out: Uint8Array, pos: number): void {
  key.begin().updateAscii(domain).update(b, from, to).finish(out, pos, MAC_BYTES);
}

function macOfText(key: HmacSha256, domain: string, text: string, out: Uint8Array): void {
  key.begin().updateAscii(domain).updateAscii(text).finish(out, 0, MAC_BYTES);
}

/**
 * `json` (an ASCII JSON object text ending in '}') with a last member "mac": the hex MAC of
 * domain + json. Throws a RangeError when `json` is not an object text.
 */
export function signJson(key: HmacSha256, domain: string, json: string): string {
  if (json.length < 3 || json.charAt(0) !== '{' || json.charAt(json.length - 1) !== '}') throw new RangeError('signJson: not a non-empty JSON object text');
  const mac = new Uint8Array(MAC_BYTES);
  macOfText(key, domain, json, mac);
  return json.substring(0, json.length - 1) + MAC_SUFFIX + bytesToHex(mac, 0, MAC_BYTES) + '"}';
}

/**
 * The JSON text without its "mac" member when that MAC is right for `domain` and `key`; null when
 * the text carries no MAC where signJson puts it, or a wrong one.
 */
export function openJson(key: HmacSha256, domain: string, text: string): string | null {
  const tail = 2 * MAC_BYTES + 2; // 32 hex digits, '"}'
  const at = text.length - tail - MAC_SUFFIX.length;
  if (at < 1 || text.charAt(0) !== '{' || text.substring(text.length - 2) !== '"}') return null;
  if (text.substring(at, at + MAC_SUFFIX.length) !== MAC_SUFFIX) return null;
  const body = text.substring(0, at) + '}';
  const given = hexToBytes(text.substring(text.length - tail, text.length - 2), MAC_BYTES);
  if (!given) return null;
  const mac = new Uint8Array(MAC_BYTES);
  macOfText(key, domain, body, mac);
  return sameBytes(mac, 0, given, 0, MAC_BYTES) ? body : null;
}
