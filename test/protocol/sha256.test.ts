/**
 * The ES5 SHA-256 and HMAC-SHA256 (src/protocol/sha256.ts) give node:crypto's bytes on random
 * inputs: every length across block and padding boundaries, keys shorter and longer than a
 * block, and messages fed in random pieces.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { HmacSha256, Sha256, hmacSha256, sha256 } from '../../src/protocol/index.js';
import { checkSha256Blocks, useNativeSha256Blocks, type Sha256Blocks } from '../../src/protocol/sha256.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

test('SHA-256 of the FIPS 180-4 examples', () => {
  const out = new Uint8Array(32);
  sha256(new Uint8Array(0), 0, 0, out, 0);
  assert.is(hex(out), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  sha256(new Uint8Array(Buffer.from('abc')), 0, 3, out, 0);
  assert.is(hex(out), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});

test('SHA-256 matches node:crypto for every length 0..300 and random lengths up to 70 KB', () => {
  const out = new Uint8Array(32);
  const lengths = Array.from({ length: 301 }, (_, i) => i);
  for (let i = 0; i < 20; i++) lengths.push(1 + Math.floor(Math.random() * 70000));
  for (const n of lengths) {
    const msg = randomBytes(n);
    sha256(msg, 0, n, out, 0);
    assert.is(hex(out), createHash('sha256').update(msg).digest('hex'), `${n} bytes`);
  }
});

test('fed in random pieces (update, updateAscii), reset between, the digest is the same', () => {
  const h = new Sha256();
  const out = new Uint8Array(32);
  for (let round = 0; round < 50; round++) {
    const msg = randomBytes(Math.floor(Math.random() * 1000));
    h.reset();
    for (let p = 0; p < msg.length;) {
      const q = Math.min(msg.length, p + Math.floor(Math.random() * 130));
      h.update(msg, p, q);
      p = q;
    }
    h.finish(out, 0);
    assert.is(hex(out), createHash('sha256').update(msg).digest('hex'));
  }
  h.reset().updateAscii('quietcam-').update(new Uint8Array(Buffer.from('abc')), 0, 3).finish(out, 0);
  assert.is(hex(out), createHash('sha256').update('quietcam-abc').digest('hex'));
});

test('HMAC-SHA256 matches node:crypto (RFC 4231 case 2, then random keys of 0..150 bytes)', () => {
  const out = new Uint8Array(32);
  const rfcMsg = new Uint8Array(Buffer.from('what do ya want for nothing?'));
  hmacSha256(new Uint8Array(Buffer.from('Jefe')), rfcMsg, 0, rfcMsg.length, out, 0);
  assert.is(hex(out), '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  for (let i = 0; i < 200; i++) {
    const key = randomBytes(Math.floor(Math.random() * 151));
    const msg = randomBytes(Math.floor(Math.random() * 2000));
    hmacSha256(key, msg, 0, msg.length, out, 0);
    assert.is(hex(out), createHmac('sha256', key).update(msg).digest('hex'), `key ${key.length}, msg ${msg.length}`);
  }
});

test('one HmacSha256 reused for many messages; a truncated MAC is the digest prefix; a sub-range is hashed alone', () => {
  const key = randomBytes(32);
  const mac = new HmacSha256(key);
  const out = new Uint8Array(40).fill(0xee);
  for (let i = 0; i < 20; i++) {
    const msg = randomBytes(i * 37);
    mac.begin().update(msg, 0, msg.length).finish(out, 4, 16);
    const want = createHmac('sha256', key).update(msg).digest();
    assert.is(hex(out.subarray(4, 20)), want.subarray(0, 16).toString('hex'));
    assert.is(out[20], 0xee, 'nothing written past the truncated MAC');
  }
  const msg = randomBytes(500);
  hmacSha256(key, msg, 100, 400, out, 0);
  assert.is(hex(out.subarray(0, 32)), createHmac('sha256', key).update(msg.subarray(100, 400)).digest('hex'));
});

test('a platform compression is used only through the hook, and the checker catches one that is wrong in one word', () => {
  // a stand-in "native" compression: the reference itself, run on a state it was handed
  const good: Sha256Blocks = (state, data, from, blocks) => {
    const h = new Sha256();
    h.stateWords().set(state);
    for (let b = 0; b < blocks; b++) h.compressJs(data, from + 64 * b);
    state.set(h.stateWords());
  };
  let calls = 0;
  const counted: Sha256Blocks = (st, d, f, b) => { calls++; good(st, d, f, b); };
  const bad: Sha256Blocks = (state, data, from, blocks) => { good(state, data, from, blocks); if (blocks === 3) state[5] ^= 1; };
  assert.is(checkSha256Blocks(good, 16, 1), null);
  assert.match(String(checkSha256Blocks(bad, 16, 1)), /sha256Blocks case \d+ word 5/);
  const msg = randomBytes(5000);
  const out = new Uint8Array(32);
  try {
    useNativeSha256Blocks(counted);
    sha256(msg, 0, msg.length, out, 0);
  } finally {
    useNativeSha256Blocks(null);
  }
  assert.ok(calls > 0, 'the hook ran');
  assert.is(hex(out), createHash('sha256').update(msg).digest('hex'));
});

test.run();
