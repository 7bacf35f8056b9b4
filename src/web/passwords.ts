/**
 * Password hashing with scrypt (node:crypto): `scrypt$<logN>$<r>$<p>$<salt b64>$<hash b64>`.
 * The cost is stored with each hash, so raising it later leaves old hashes verifiable.
 * Unknown users are checked against a dummy hash, so a sign-in takes as long either way.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const KEY_BYTES = 32;
const SALT_BYTES = 16;
const R = 8; // block size: scrypt's standard; memory = 128 * 2^logN * r bytes (32 MiB at 2^15)
const P = 1;

function derive(password: string, salt: Buffer, logN: number, r: number, p: number): Promise<Buffer> {
  const N = 2 ** logN;
  return new Promise((resolve, reject) => {
    // maxmem: the derivation needs 128*N*r bytes; node's default cap (32 MiB) is exactly 2^15 * 8 * 128
    scrypt(password.normalize('NFKC'), salt, KEY_BYTES, { N, r, p, maxmem: 256 * N * r + 1048576 }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** @example const stored = await hashPassword('correct horse battery', 15); */
export async function hashPassword(password: string, logN: number): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, logN, R, P);
  return ['scrypt', logN, R, P, salt.toString('base64'), key.toString('base64')].join('$');
}

/** True when `password` matches `stored`; false for a malformed stored value. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [logN, r, p] = parts.slice(1, 4).map(Number);
  if (!(logN >= 10 && logN <= 20 && r >= 1 && r <= 32 && p >= 1 && p <= 4)) return false;
  const want = Buffer.from(parts[5], 'base64');
  const got = await derive(password, Buffer.from(parts[4], 'base64'), logN, r, p);
  return got.length === want.length && timingSafeEqual(got, want);
}

const dummies = new Map<number, Promise<string>>();

/** A hash of nothing anybody knows, at cost `logN`: verify against it when the user is unknown. */
export function dummyHash(logN: number): Promise<string> {
  let h = dummies.get(logN);
  if (!h) dummies.set(logN, (h = hashPassword(randomBytes(16).toString('hex'), logN)));
  return h;
}
