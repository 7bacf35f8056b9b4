/** `firmware:flash --config`: the owner pages' JSON provisioning file becomes the board's key=value record. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { provisioningText } from '../../firmware/esp32/idf.js';
import { provisioningRecord } from '../../src/adapters/broker-credentials.js';

test('the pages\' JSON file turns into key=value lines, in order; text passes through', () => {
  const rec = { ...provisioningRecord({ broker: 'mqtt://192.168.1.5:1883', cameraId: 'cam-abc', token: 'tok_en-1', macSecret: 'ab'.repeat(32) }), ssid: 'home', password: 'p w=d' };
  assert.is(provisioningText(JSON.stringify(rec, null, 2)), `ssid=home\npassword=p w=d\nbroker=mqtt://192.168.1.5:1883\nusername=cam-abc\nmqttpass=tok_en-1\ncamera=cam-abc\nsecret=${'ab'.repeat(32)}\n`);
  assert.is(provisioningText('ssid=home\ncamera=x\n'), 'ssid=home\ncamera=x\n');
});

test('a value that would inject another line, or a non-string, is refused', () => {
  assert.throws(() => provisioningText(JSON.stringify({ ssid: 'home\nbroker=mqtt://evil:1883' })), /one-line string/);
  assert.throws(() => provisioningText(JSON.stringify({ ssid: 5 })), /one-line string/);
  assert.throws(() => provisioningText('{ not json'));
});

test.run();
