/**
 * What a browser does with a Web Push message, in node:crypto: its subscription (an ECDH P-256
 * key pair and a 16-byte auth secret) and RFC 8291 + RFC 8188 (aes128gcm) decryption of one record.
 */
import { createDecipheriv, createECDH, hkdfSync, randomBytes, type ECDH } from 'node:crypto';
import * as assert from 'uvu/assert';

/** A browser's subscription: its ECDH key pair and auth secret (what PushManager.subscribe makes). */
export interface Browser { ecdh: ECDH; auth: Buffer; endpoint: string }

export function browser(endpoint: string): Browser {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return { ecdh, auth: randomBytes(16), endpoint };
}

/** RFC 8291 + RFC 8188 (aes128gcm), one record: what a browser does with a push message. */
export function decrypt(b: Browser, body: Buffer): string {
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idlen = body[20];
  const asPublic = body.subarray(21, 21 + idlen);
  const records = body.subarray(21 + idlen);
  assert.is(idlen, 65, 'keyid = the sender\'s ephemeral public key');
  assert.ok(records.length <= rs, 'one record');
  const ecdhSecret = b.ecdh.computeSecret(asPublic);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), b.ecdh.getPublicKey(), asPublic]);
  const ikm = Buffer.from(hkdfSync('sha256', ecdhSecret, b.auth, keyInfo, 32));
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const d = createDecipheriv('aes-128-gcm', cek, nonce);
  d.setAuthTag(records.subarray(records.length - 16));
  const padded = Buffer.concat([d.update(records.subarray(0, records.length - 16)), d.final()]);
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  assert.is(padded[end], 2, 'the last record\'s delimiter');
  return padded.subarray(0, end).toString('utf8');
}

