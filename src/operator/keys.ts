/**
 * The S3 contract between a home and the operator: where each kind of object lives. S3 is the
 * only channel between them (DESIGN.md "Data flow"), so every key names its owner right after
 * its root, and a bucket policy can give each side exactly the prefixes it needs (README.md).
 *
 * | key                                                        | written by     | read by        |
 * |------------------------------------------------------------|----------------|----------------|
 * | `contributions/<owner>/<camera>/<y>/<m>/<d>/<bundle>/...`  | home relay     | home, console (console deletes on a flag) |
 * | `consent/<owner>/<camera>.json`                            | home pages     | console        |
 * | `access/<owner>/<atMs 13 digits>-<random>.json`            | console (new keys only) | home pages |
 * | `flags/<owner>/<camera>/<bundle>.json`                     | console        | home pages, home relay (tombstone) |
 * | `stats/<owner>.json`                                       | console        | home pages     |
 *
 * Every segment is a protocol id (a-z 0-9 . _ -), so keys need no escaping.
 */
import { randomBytes } from 'node:crypto';

export const CONTRIBUTIONS_ROOT = 'contributions/';
export const CONSENT_ROOT = 'consent/';
export const ACCESS_ROOT = 'access/';
export const FLAGS_ROOT = 'flags/';
export const STATS_ROOT = 'stats/';

/** @example consentKey('o1', 'cam-1') // 'consent/o1/cam-1.json' */
export const consentKey = (ownerId: string, cameraId: string) => `${CONSENT_ROOT}${ownerId}/${cameraId}.json`;

/**
 * A new, unique access-entry key: the time first (13 digits, so a listing is in time order) and
 * 96 random bits, so two looks never share a key and the console never overwrites an entry.
 */
export function accessKey(ownerId: string, atMs: number): string {
  return `${ACCESS_ROOT}${ownerId}/${String(Math.max(0, Math.floor(atMs))).padStart(13, '0')}-${randomBytes(12).toString('hex')}.json`;
}

export const accessPrefix = (ownerId: string) => `${ACCESS_ROOT}${ownerId}/`;

/** The flag of one contribution: the owner's notice and the relay's tombstone at once. */
export const flagKey = (ownerId: string, cameraId: string, bundleId: string) => `${FLAGS_ROOT}${ownerId}/${cameraId}/${bundleId}.json`;
export const flagsPrefix = (ownerId: string) => `${FLAGS_ROOT}${ownerId}/`;

export const statsKey = (ownerId: string) => `${STATS_ROOT}${ownerId}.json`;

const ID = '[a-z0-9._-]{1,64}';
const CONTRIBUTION_KEY = new RegExp(`^contributions/(${ID})/(${ID})/(\\d{4})/(\\d{2})/(\\d{2})/(${ID})/([a-z0-9._-]{1,64})$`);

/** The parts of a contribution object key, or null when it is not one. */
export function parseContributionKey(key: string): { ownerId: string; cameraId: string; bundleId: string; prefix: string; name: string } | null {
  const m = CONTRIBUTION_KEY.exec(key);
  if (!m) return null;
  return { ownerId: m[1], cameraId: m[2], bundleId: m[6], prefix: key.slice(0, key.length - m[7].length), name: m[7] };
}
