import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { boardHeader } from '../../firmware/esp32/idf.ts';
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

test.run();
