/**
 * The ids carried by bundles and chunks, restricted to safe ASCII so that they can be MQTT topic
 * levels, S3 key segments and file names everywhere (no '/', '+', '#', '..', no case clashes on
 * case-insensitive disks), and encoded byte-for-byte without a UTF-8 encoder.
 *
 * | id               | characters          | first char | length |
 * |------------------|---------------------|------------|--------|
 * | camera id        | a-z 0-9 _ -         | a-z 0-9    | 1-32   |
 * | bundle id        | a-z 0-9 . _ -       | a-z 0-9    | 1-64   |
 * | detector version | A-Z a-z 0-9 . _ + - | any of them| 1-32   |
 * | config hash      | A-Z a-z 0-9 . _ + - | any of them| 0-64   |
 */
import { MAX_BUNDLE_ID_LENGTH, MAX_CAMERA_ID_LENGTH, MAX_CONFIG_HASH_LENGTH, MAX_DETECTOR_VERSION_LENGTH } from './limits.js';

function isLowerAlnum(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
}

function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}

/** `extra` lists the punctuation allowed after the first character, as char codes. */
function matches(s: unknown, min: number, max: number, upper: boolean, extra: number[], firstAlnum: boolean): boolean {
  if (typeof s !== 'string' || s.length < min || s.length > max) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isLowerAlnum(c) || (upper && isUpper(c))) continue;
    if (i === 0 && firstAlnum) return false;
    let ok = false;
    for (let k = 0; k < extra.length; k++) if (extra[k] === c) ok = true;
    if (!ok) return false;
  }
  return true;
}

// '-' 45, '.' 46, '_' 95, '+' 43
const CAMERA_EXTRA = [45, 95];
const BUNDLE_EXTRA = [45, 46, 95];
const TOKEN_EXTRA = [43, 45, 46, 95];

/** Camera id: 1-32 of a-z 0-9 _ -, starting with a letter or digit. */
export function isValidCameraId(s: unknown): boolean {
  return matches(s, 1, MAX_CAMERA_ID_LENGTH, false, CAMERA_EXTRA, true);
}

/** Bundle id: 1-64 of a-z 0-9 . _ -, starting with a letter or digit. */
export function isValidBundleId(s: unknown): boolean {
  return matches(s, 1, MAX_BUNDLE_ID_LENGTH, false, BUNDLE_EXTRA, true);
}

/** Detector version: 1-32 of A-Z a-z 0-9 . _ + -. */
export function isValidDetectorVersion(s: unknown): boolean {
  return matches(s, 1, MAX_DETECTOR_VERSION_LENGTH, true, TOKEN_EXTRA, false);
}

/** Config hash: 0-64 of A-Z a-z 0-9 . _ + - (empty when the device has none). */
export function isValidConfigHash(s: unknown): boolean {
  return matches(s, 0, MAX_CONFIG_HASH_LENGTH, true, TOKEN_EXTRA, false);
}

/** Write an already-validated ASCII string at `pos`; returns the position after it. */
export function writeAscii(s: string, out: Uint8Array, pos: number): number {
  for (let i = 0; i < s.length; i++) out[pos + i] = s.charCodeAt(i);
  return pos + s.length;
}

/** Read `len` bytes at `pos` as a string, one char per byte (validate it afterwards). */
export function readAscii(b: Uint8Array, pos: number, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) s += String.fromCharCode(b[pos + i]);
  return s;
}
