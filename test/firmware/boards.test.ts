import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BoardError, boardJsonSchema, boardNames, boardProblems, loadBoard, validateBoard, type BoardProfile } from '../../boards/schema.ts';

const thinker = () => JSON.parse(JSON.stringify(loadBoard('esp32-cam-ai-thinker'))) as BoardProfile;

test('the shipped profiles are valid', () => {
  assert.equal(boardNames(), ['desktop', 'esp32-cam-ai-thinker']);
  for (const n of boardNames()) assert.equal(boardProblems(loadBoard(n), `${n}.json`), []);
});

test('the AI-Thinker profile carries the ESP32-CAM pin map and 4 MB PSRAM', () => {
  const b = loadBoard('esp32-cam-ai-thinker');
  assert.equal(b.pins, { pwdn: 32, reset: -1, xclk: 0, siod: 26, sioc: 27, d7: 35, d6: 34, d5: 39, d4: 36, d3: 21, d2: 19, d1: 18, d0: 5, vsync: 25, href: 23, pclk: 22, flashLed: 4 });
  assert.is(b.psramBytes, 4 * 1024 * 1024);
  assert.is(b.engine, 'jerryscript');
  assert.equal([b.camera.mode, b.camera.frameSize, b.camera.decodeScale], ['jpeg', 'VGA', 8]);
  assert.equal([b.alternateCamera!.mode, b.alternateCamera!.frameSize], ['grayscale', 'QQVGA']);
  assert.equal(b.working, { width: 80, height: 60 });
  assert.is(loadBoard('desktop').engine, 'duktape');
});

function problems(mutate: (b: BoardProfile & Record<string, any>) => void): string[] {
  const b = thinker() as BoardProfile & Record<string, any>;
  mutate(b);
  return boardProblems(b);
}

test('invalid profiles get clear errors naming field, value and what is allowed', () => {
  const cases: [(b: any) => void, RegExp][] = [
    [(b) => (b.pins.xclk = 35), /pins\.xclk = 35: GPIO 34-39 are input-only on the ESP32, and xclk is an output/],
    [(b) => (b.pins.d0 = 22), /pins\.(d0|pclk) = 22 is already used by pins\.(d0|pclk)/],
    [(b) => (b.pins.d3 = 7), /pins\.d3 = 7: GPIO 7 does not exist on the ESP32 or belongs to the SPI flash/],
    [(b) => (b.pins.siod = 16), /GPIO 16\/17 drive the PSRAM/],
    [(b) => (b.pins.vsync = -1), /pins\.vsync = -1: only pwdn, reset, flashLed may be unconnected/],
    [(b) => delete b.pins.href, /pins\.href is missing/],
    [(b) => (b.pins.led = 33), /pins\.led is not a known pin/],
    [(b) => (b.working = { width: 160, height: 120 }), /working is 160x120 but the camera gives 80x60 \(VGA \/ decodeScale 8\)/],
    [(b) => (b.camera.decodeScale = 3), /camera\.decodeScale must be 1, 2, 4 or 8/],
    [(b) => (b.camera.frameSize = 'QXGA'), /camera\.frameSize must be one of QQVGA/],
    [(b) => { b.camera = { ...b.alternateCamera, frameSize: 'VGA' }; }, /GRAYSCALE frames above QVGA/],
    [(b) => (b.engine = 'duktape'), /engine 'duktape' on target 'esp32': the board engine is JerryScript 3\.0/],
    [(b) => (b.engine = 'espruino'), /engine must be one of 'jerryscript', 'duktape', got "espruino"/],
    [(b) => (b.memory.appHeapBytes = b.memory.engineHeapBytes), /appHeapBytes \(262144\) must be less than memory\.engineHeapBytes/],
    [(b) => (b.memory.externalBytes = 4096), /memory\.externalBytes 4096 is too small: raw view \+ bundle \(x mqtt\.unackedBundles\) \+ chunk buffers need \d+/],
    [(b) => (b.mqtt.chunkSize = 100), /mqtt\.chunkSize = 100 is outside 256\.\.65536 bytes/],
    [(b) => (b.mqtt.qos = 2), /mqtt\.qos = 2 is outside 0\.\.1/],
    [(b) => (b.maxViewBytes = 'big'), /maxViewBytes must be an integer \(bytes\), got "big"/],
    [(b) => (b.wifi = {}), /unknown field 'wifi'/],
    [(b) => (b.name = 'Bad Name'), /name must be 1-63 of a-z 0-9 -/],
    [(b) => { b.target = 'linux'; }, /camera\.mode 'jpeg' needs a camera \(target 'esp32'\)/],
  ];
  for (const [mutate, re] of cases) {
    const p = problems(mutate);
    assert.ok(p.some((x) => re.test(x)), `${re} not in:\n  ${p.join('\n  ')}`);
  }
});

test('every problem is reported at once, and validateBoard throws a BoardError listing them', () => {
  const b = thinker() as any;
  b.pins.pwdn = 6;
  b.mqtt.qos = 5;
  b.fps = 1;
  try {
    validateBoard(b, 'boards/broken.json');
    assert.unreachable('should throw');
  } catch (e) {
    assert.instance(e, BoardError);
    const err = e as BoardError;
    assert.is(err.problems.length, 3);
    assert.match(err.message, /^boards\/broken\.json: invalid board profile:\n  - /);
  }
  assert.equal(boardProblems(null), ['the profile must be a JSON object']);
  assert.throws(() => loadBoard('../etc/passwd'), /unknown board/);
});

test('missing parts, cross-field rules after field problems, and desktop pins are each reported once, clearly', () => {
  const loose = (mutate: (b: any) => void) => problems(mutate);
  assert.equal(loose((b) => delete b.camera), ['camera is missing (an object with sensor, mode, frameSize, fps)']);
  assert.equal(loose((b) => delete b.memory), ['memory is missing: { engineHeapBytes, appHeapBytes, externalBytes }']);
  assert.equal(loose((b) => (b.mqtt = 'x')), ['mqtt must be an object: { chunkSize, bufferSize, qos, unackedBundles?, ackTimeoutMs? }']);
  assert.equal(loose((b) => delete b.pins), ['pins is missing: an ESP32 board needs pwdn, reset, xclk, siod, sioc, d7, d6, d5, d4, d3, d2, d1, d0, vsync, href, pclk, flashLed']);
  assert.equal(loose((b) => (b.camera.binning = 2)), ["camera.binning applies to mode 'grayscale'; JPEG frames are scaled by decodeScale"]);
  assert.equal(loose((b) => delete b.camera.decodeScale), ["camera.decodeScale must be 1, 2, 4 or 8 (esp_jpg_decode's scales), got undefined"]);
  assert.equal(loose((b) => (b.camera.fps = 2.5)), ['camera.fps must be an integer (frames/s), got 2.5']);
  assert.equal(loose((b) => (b.psramBytes = 0)).sort(), [
    'camera.frameSize VGA in JPEG mode needs PSRAM for two frame buffers (psramBytes is 0)',
    'memory.externalBytes 262144 needs PSRAM (psramBytes is 0)',
  ]);
  // A GRAYSCALE mode problem does not hide the size mismatch it also causes.
  assert.equal(loose((b) => { b.camera = { ...b.alternateCamera, frameSize: 'VGA' }; }).sort(), [
    "camera.frameSize VGA: GRAYSCALE frames above QVGA do not fit the ESP32's DMA budget; use QQVGA or QVGA",
    'working is 80x60 but the camera gives 320x240 (VGA / binning 2)',
  ]);
  const desk = JSON.parse(JSON.stringify(loadBoard('desktop')));
  desk.pins = {};
  assert.equal(boardProblems(desk), ["pins apply to target 'esp32' only"]);
  assert.equal(boardProblems(thinker(), 'other.json'), ["name 'esp32-cam-ai-thinker' must match the file name (other.json)"]);
});

test('the schema carries ranges, defaults and descriptions (as JSON Schema for editors)', () => {
  const s = boardJsonSchema() as { properties: Record<string, any> };
  assert.equal(s.properties.mqtt.properties.qos, { type: 'integer', minimum: 0, maximum: 1, description: 'QoS of bundle chunks and events' });
  assert.is(s.properties.psramBytes.default, 0);
  assert.equal(s.properties.camera.properties.decodeScale.enum, [1, 2, 4, 8]);
  assert.is(loadBoard('desktop').psramBytes, 0); // the default is filled in
});

test.run();
