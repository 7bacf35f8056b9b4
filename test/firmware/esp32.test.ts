import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boardHeader, provisioningRecord } from '../../firmware/esp32/idf.ts';
import { loadBoard } from '../../boards/schema.ts';

test('board_config.h is generated from the profile (the checked-in copy matches the AI-Thinker profile)', () => {
  const h = boardHeader(loadBoard('esp32-cam-ai-thinker'));
  assert.match(h, /#define QC_PIN_D7 35\n#define QC_PIN_D6 34\n#define QC_PIN_D5 39\n#define QC_PIN_D4 36\n#define QC_PIN_D3 21\n#define QC_PIN_D2 19\n#define QC_PIN_D1 18\n#define QC_PIN_D0 5\n/);
  assert.match(h, /#define QC_PIN_PWDN 32\n#define QC_PIN_RESET -1\n#define QC_PIN_XCLK 0\n#define QC_PIN_SIOD 26\n#define QC_PIN_SIOC 27\n/);
  assert.match(h, /#define QC_FRAME_SIZE FRAMESIZE_VGA\n#define QC_DECODE_SCALE 8\n/);
  assert.match(h, /#define QC_WORK_WIDTH 80\n#define QC_WORK_HEIGHT 60\n/);
  assert.is(readFileSync('firmware/esp32/main/board_config.h', 'utf8'), h);
});

test('firmware:build without ESP-IDF stops with the exact install steps (status 3)', () => {
  const env = { ...process.env, IDF_PATH: '', PATH: '/usr/bin:/bin' };
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'firmware/esp32/idf.ts', 'build', '--board', 'esp32-cam-ai-thinker'], { encoding: 'utf8', env });
  assert.is(r.status, 3, r.stderr);
  assert.match(r.stderr, /git clone -b v5\.1\.4 --recursive https:\/\/github\.com\/espressif\/esp-idf\.git/);
  assert.match(r.stderr, /\.\/install\.sh esp32/);
  assert.match(r.stdout, /dist\/firmware\/esp32-cam-ai-thinker\.js: \d+ bytes, ES5/);
  const desk = spawnSync(process.execPath, ['--import', 'tsx', 'firmware/esp32/idf.ts', 'flash', '--board', 'desktop'], { encoding: 'utf8', env });
  assert.is(desk.status, 2);
  assert.match(desk.stderr, /target 'linux'/);
});

test('the provisioning record gets the camera MAC secret: derived from the pairing token, or given and checked', () => {
  const token = 'Zm9vYmFyLXBhaXJpbmctdG9rZW4tMDAx';
  const r = provisioningRecord(`ssid=home\npassword=pw\nbroker=mqtt://10.0.0.2\ncamera=porch\nmqttpass=${token}`);
  assert.ok('text' in r);
  const want = createHmac('sha256', Buffer.from(token)).update('quietcam-mac-v1/porch').digest('hex');
  if ('text' in r) assert.ok(r.text.endsWith(`\nmqttpass=${token}\nsecret=${want}\n`), r.text);
  const given = `camera=porch\nsecret=${'ab'.repeat(32)}\n`;
  assert.equal(provisioningRecord(given), { text: given });
  assert.equal(provisioningRecord('camera=porch\nsecret=abc\n'), { error: "secret= must be 64 hex digits (the camera's MAC secret)" });
  assert.match(String((provisioningRecord('camera=porch\n') as { error: string }).error), /neither secret= nor mqttpass=/);
  assert.match(String((provisioningRecord('camera=Porch!\nmqttpass=x\n') as { error: string }).error), /camera=<id>/);
  // the JSON the owner page gives at pairing: the same record as lines, its secret checked
  const json = JSON.stringify({ ssid: 'home', password: 'pw', broker: 'mqtt://10.0.0.2', username: 'porch', mqttpass: token, camera: 'porch', secret: want });
  assert.equal(provisioningRecord(json), { text: `ssid=home\npassword=pw\nbroker=mqtt://10.0.0.2\nusername=porch\nmqttpass=${token}\ncamera=porch\nsecret=${want}\n` });
  assert.match(String((provisioningRecord('{"camera":"porch","secret":"zz"}') as { error: string }).error), /64 hex/);
  assert.match(String((provisioningRecord('{"camera":"porch","ssid":"a\\nsecret=00"}') as { error: string }).error), /one-line strings/);
});

test('firmware:flash refuses a provisioning record without a usable secret, before building anything', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qc-prov-'));
  try {
    const file = join(dir, 'provisioning.txt');
    writeFileSync(file, 'ssid=home\ncamera=porch\n');
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'firmware/esp32/idf.ts', 'flash', '--board', 'esp32-cam-ai-thinker', '--port', '/dev/null', '--config', file], { encoding: 'utf8' });
    assert.is(r.status, 2, r.stderr);
    assert.match(r.stderr, /provisioning\.txt: neither secret= nor mqttpass=/);
    assert.not.match(r.stdout, /dist\/firmware/, 'nothing was built');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
