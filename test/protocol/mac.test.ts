/**
 * Proof of origin helpers (src/protocol/mac.ts): the camera secret follows the shared rule, JSON
 * messages signed with signJson open only with the same key and domain, and any change to the
 * text, the MAC or its place is refused.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHmac, randomBytes } from 'node:crypto';
import { bytesToHex, deriveCameraSecret, hexToBytes, macKey, openJson, signJson } from '../../src/protocol/index.js';

test('the camera secret is HMAC-SHA256(token, "quietcam-mac-v1/" + cameraId), as node:crypto makes it', () => {
  const token = randomBytes(32).toString('base64url');
  const secret = deriveCameraSecret(token, 'porch');
  assert.is(bytesToHex(secret, 0, 32), createHmac('sha256', Buffer.from(token, 'utf8')).update('quietcam-mac-v1/porch').digest('hex'));
  assert.is.not(bytesToHex(deriveCameraSecret(token, 'yard'), 0, 32), bytesToHex(secret, 0, 32), 'one secret per camera');
});

test('hex round trip; bad hex and wrong lengths are null', () => {
  const b = new Uint8Array(randomBytes(32));
  assert.equal(hexToBytes(bytesToHex(b, 0, 32), 32), b);
  assert.equal(hexToBytes('00FFaa'), new Uint8Array([0, 255, 170]));
  for (const bad of ['0', 'zz', '0g', 12, null]) assert.is(hexToBytes(bad), null, String(bad));
  assert.is(hexToBytes('0011', 3), null);
});

test('signJson appends the MAC as the last member; openJson gives the text back', () => {
  const key = macKey(new Uint8Array(randomBytes(32)));
  const body = '{"v":1,"type":"start","camera":"porch"}';
  const signed = signJson(key, 'quietcam-event/porch/', body);
  assert.match(signed, /^\{"v":1,"type":"start","camera":"porch","mac":"[0-9a-f]{32}"\}$/);
  assert.equal(JSON.parse(signed).camera, 'porch', 'still JSON');
  assert.is(openJson(key, 'quietcam-event/porch/', signed), body);
  assert.throws(() => signJson(key, 'd', '{}'), /non-empty JSON object/);
  assert.throws(() => signJson(key, 'd', '[1]'), /non-empty JSON object/);
});

test('a forged, altered, re-domained or unsigned text does not open', () => {
  const secret = new Uint8Array(randomBytes(32));
  const key = macKey(secret);
  const signed = signJson(key, 'quietcam-config/porch/', '{"v":2,"purposes":"off","counter":3}');
  const wrongKey = new Uint8Array(secret);
  wrongKey[0] ^= 0x80;
  assert.is(openJson(macKey(wrongKey), 'quietcam-config/porch/', signed), null, 'another key');
  assert.is(openJson(key, 'quietcam-config/yard/', signed), null, 'another camera (domain)');
  assert.is(openJson(key, 'quietcam-event/porch/', signed), null, 'another kind of message');
  assert.is(openJson(key, 'quietcam-config/porch/', signed.replace('"off"', '"both"')), null, 'altered text');
  assert.is(openJson(key, 'quietcam-config/porch/', signed.replace('"counter":3', '"counter":4')), null, 'altered counter');
  for (let i = 0; i < signed.length; i++) {
    const flipped = signed.substring(0, i) + String.fromCharCode(signed.charCodeAt(i) ^ 1) + signed.substring(i + 1);
    assert.is(openJson(key, 'quietcam-config/porch/', flipped), null, `char ${i} flipped`);
  }
  assert.is(openJson(key, 'quietcam-config/porch/', '{"v":2,"purposes":"both","counter":9}'), null, 'no MAC');
  assert.is(openJson(key, 'quietcam-config/porch/', ''), null);
  assert.is(openJson(key, 'quietcam-config/porch/', signed + ' '), null, 'trailing bytes');
});

test.run();
