/**
 * Board profiles: one JSON file per board in this folder, checked by `validateBoard` before any
 * build or run uses it. A profile is data only (pins, camera mode, working resolution, memory
 * budgets, engine); the firmware build turns it into constants, the desktop runtime into its
 * heap cap, the ESP-IDF wrapper into a generated header.
 *
 * Limits: ESP32 (Xtensa LX6) pin rules only; other SoCs would need their own pin table. Errors
 * are collected, not thrown one at a time, so a broken profile is fixed in one pass.
 *
 * @example
 *   const board = loadBoard('esp32-cam-ai-thinker');   // throws BoardError listing every problem
 *   board.working.width  // 80
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const BOARDS_DIR = fileURLToPath(new URL('.', import.meta.url));

/** Sensor frame sizes the esp32-camera driver offers, in pixels. */
export const FRAME_SIZES: Record<string, [number, number]> = {
  QQVGA: [160, 120], QCIF: [176, 144], HQVGA: [240, 176], QVGA: [320, 240], CIF: [400, 296],
  HVGA: [480, 320], VGA: [640, 480], SVGA: [800, 600], XGA: [1024, 768], HD: [1280, 720], SXGA: [1280, 1024], UXGA: [1600, 1200],
};

export type Engine = 'jerryscript' | 'duktape';
export type Target = 'esp32' | 'linux';

export interface CameraMode {
  /** esp32-camera sensor name, or 'file' for frames fed by the desktop runtime. */
  sensor: 'OV2640' | 'OV3660' | 'OV5640' | 'file';
  /**
   * 'jpeg': the sensor sends JPEG (the raw view, unedited); the port decodes it at 1/decodeScale
   * to grey for the detector. 'grayscale': the sensor sends 8-bit luma (no JPEG; the port encodes
   * the raw view only when a snapshot is taken), optionally binned 2x2. 'file': desktop input.
   */
  mode: 'jpeg' | 'grayscale' | 'file';
  /** A key of FRAME_SIZES, or 'any' for 'file'. */
  frameSize: string;
  /** JPEG mode: 1, 2, 4 or 8 (esp_jpg_decode's scales). */
  decodeScale?: number;
  /** Grayscale mode: 1 or 2 (2x2 area average in the port). */
  binning?: number;
  /** esp32-camera jpeg_quality, 4-63 (lower = better, bigger). */
  jpegQuality?: number;
  /** Camera master clock, Hz (10-20 MHz for the OV2640). */
  xclkHz?: number;
  /** Frames per second the main loop aims for, 1-30. */
  fps: number;
}

export interface BoardProfile {
  name: string;
  description: string;
  target: Target;
  engine: Engine;
  camera: CameraMode;
  /** Another supported camera mode for the same board (documentation and `--camera alternate`). */
  alternateCamera?: CameraMode;
  /** ESP32 GPIO numbers; -1 = not connected (reset, pwdn, flashLed only). Required for esp32. */
  pins?: Record<string, number>;
  /** PSRAM size in bytes (0 or absent = none). */
  psramBytes?: number;
  /** The detector's grey frame, pixels: must equal what the camera mode produces. */
  working: { width: number; height: number };
  memory: {
    /** The JS engine's whole heap (JerryScript's static heap; the desktop runtime's cap), bytes. */
    engineHeapBytes: number;
    /** What the app may hold in the engine heap above the engine's own base (state + objects), bytes. */
    appHeapBytes: number;
    /** Buffers outside the engine heap (PSRAM on the board): raw view, bundle, chunk, bytes. */
    externalBytes: number;
  };
  mqtt: {
    /** Bytes per published chunk, header included (src/protocol limits: 256-65536). */
    chunkSize: number;
    /** esp-mqtt buffer_size; publishes above it go out in fragments (default there is 1 KB). */
    bufferSize: number;
    /** QoS of bundle chunks and events: 0 or 1. */
    qos: number;
  };
  /** Largest raw view (JPEG) the app reserves room for, bytes. */
  maxViewBytes: number;
}

export class BoardError extends Error {
  readonly problems: string[];
  constructor(where: string, problems: string[]) {
    super(where + ': invalid board profile:\n  - ' + problems.join('\n  - '));
    this.name = 'BoardError';
    this.problems = problems;
  }
}

const PIN_NAMES = ['pwdn', 'reset', 'xclk', 'siod', 'sioc', 'd7', 'd6', 'd5', 'd4', 'd3', 'd2', 'd1', 'd0', 'vsync', 'href', 'pclk', 'flashLed'];
/** Pins the board drives (must not be input-only GPIO 34-39). */
const OUTPUT_PINS = ['pwdn', 'reset', 'xclk', 'siod', 'sioc', 'flashLed'];
/** Pins that may be -1 (not wired). */
const OPTIONAL_PINS = ['pwdn', 'reset', 'flashLed'];
/** GPIO numbers that do not exist on the ESP32, or that the SPI flash uses (6-11). */
const NO_GPIO = [6, 7, 8, 9, 10, 11, 20, 24, 28, 29, 30, 31];

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

function intIn(problems: string[], path: string, v: unknown, min: number, max: number, unit: string): v is number {
  if (!isInt(v)) {
    problems.push(`${path} must be an integer (${unit}), got ${JSON.stringify(v)}`);
    return false;
  }
  if (v < min || v > max) {
    problems.push(`${path} = ${v} is outside ${min}..${max} ${unit}`);
    return false;
  }
  return true;
}

function oneOf(problems: string[], path: string, v: unknown, allowed: readonly string[]): boolean {
  if (typeof v !== 'string' || allowed.indexOf(v) < 0) {
    problems.push(`${path} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(v)}`);
    return false;
  }
  return true;
}

/** Grey frame size a camera mode produces, or null (with problems noted) when it cannot say. */
function cameraOutput(problems: string[], path: string, cam: CameraMode, target: Target): { width: number; height: number } | null {
  if (!cam || typeof cam !== 'object') {
    problems.push(`${path} is missing (an object with sensor, mode, frameSize, fps)`);
    return null;
  }
  oneOf(problems, `${path}.sensor`, cam.sensor, ['OV2640', 'OV3660', 'OV5640', 'file']);
  if (!oneOf(problems, `${path}.mode`, cam.mode, ['jpeg', 'grayscale', 'file'])) return null;
  intIn(problems, `${path}.fps`, cam.fps, 1, 30, 'frames/s');
  if (cam.mode === 'file') {
    if (target !== 'linux') problems.push(`${path}.mode 'file' exists only on the desktop runtime (target 'linux')`);
    return null;
  }
  if (target !== 'esp32') problems.push(`${path}.mode '${cam.mode}' needs a camera (target 'esp32')`);
  if (cam.sensor === 'file') problems.push(`${path}.sensor 'file' goes with mode 'file' only`);
  const size = FRAME_SIZES[cam.frameSize];
  if (!size) {
    problems.push(`${path}.frameSize must be one of ${Object.keys(FRAME_SIZES).join(', ')}, got ${JSON.stringify(cam.frameSize)}`);
    return null;
  }
  if (cam.jpegQuality !== undefined) intIn(problems, `${path}.jpegQuality`, cam.jpegQuality, 4, 63, '(esp32-camera: lower is better)');
  if (cam.xclkHz !== undefined) intIn(problems, `${path}.xclkHz`, cam.xclkHz, 8000000, 24000000, 'Hz');
  if (cam.mode === 'jpeg') {
    if (cam.binning !== undefined) problems.push(`${path}.binning applies to mode 'grayscale'; JPEG frames are scaled by decodeScale`);
    if (cam.decodeScale === undefined || [1, 2, 4, 8].indexOf(cam.decodeScale) < 0) {
      problems.push(`${path}.decodeScale must be 1, 2, 4 or 8 (esp_jpg_decode's scales), got ${JSON.stringify(cam.decodeScale)}`);
      return null;
    }
    return { width: size[0] / cam.decodeScale, height: size[1] / cam.decodeScale };
  }
  if (cam.decodeScale !== undefined) problems.push(`${path}.decodeScale applies to mode 'jpeg'; grey frames are reduced by binning`);
  if (cam.frameSize !== 'QQVGA' && cam.frameSize !== 'QVGA') {
    problems.push(`${path}.frameSize ${cam.frameSize}: GRAYSCALE frames above QVGA do not fit the ESP32's DMA budget; use QQVGA or QVGA`);
  }
  const bin = cam.binning === undefined ? 1 : cam.binning;
  if (bin !== 1 && bin !== 2) {
    problems.push(`${path}.binning must be 1 or 2, got ${JSON.stringify(cam.binning)}`);
    return null;
  }
  return { width: size[0] / bin, height: size[1] / bin };
}

function checkPins(problems: string[], pins: Record<string, number> | undefined, psram: number): void {
  if (!pins || typeof pins !== 'object') {
    problems.push(`pins is missing: an ESP32 board needs ${PIN_NAMES.join(', ')}`);
    return;
  }
  const seen: Record<number, string> = {};
  for (const name of PIN_NAMES) {
    const v = pins[name];
    if (v === undefined) {
      problems.push(`pins.${name} is missing`);
      continue;
    }
    if (!intIn(problems, `pins.${name}`, v, -1, 39, 'GPIO')) continue;
    if (v === -1) {
      if (OPTIONAL_PINS.indexOf(name) < 0) problems.push(`pins.${name} = -1: only ${OPTIONAL_PINS.join(', ')} may be unconnected`);
      continue;
    }
    if (NO_GPIO.indexOf(v) >= 0) problems.push(`pins.${name} = ${v}: GPIO ${v} does not exist on the ESP32 or belongs to the SPI flash (6-11)`);
    if (v >= 34 && OUTPUT_PINS.indexOf(name) >= 0) problems.push(`pins.${name} = ${v}: GPIO 34-39 are input-only on the ESP32, and ${name} is an output`);
    if (psram > 0 && (v === 16 || v === 17)) problems.push(`pins.${name} = ${v}: GPIO 16/17 drive the PSRAM on ESP32 modules with PSRAM`);
    if (seen[v] !== undefined) problems.push(`pins.${name} = ${v} is already used by pins.${seen[v]}`);
    else seen[v] = name;
  }
  for (const k of Object.keys(pins)) if (PIN_NAMES.indexOf(k) < 0) problems.push(`pins.${k} is not a known pin (${PIN_NAMES.join(', ')})`);
}

/**
 * Check a parsed profile. Returns the list of problems (empty = valid); every message names the
 * field, the value and what is allowed.
 */
export function boardProblems(p: unknown, fileName?: string): string[] {
  const problems: string[] = [];
  if (!p || typeof p !== 'object' || Array.isArray(p)) return ['the profile must be a JSON object'];
  const b = p as BoardProfile;
  const known = ['$schema', 'name', 'description', 'target', 'engine', 'camera', 'alternateCamera', 'pins', 'psramBytes', 'working', 'memory', 'mqtt', 'maxViewBytes'];
  for (const k of Object.keys(b)) if (known.indexOf(k) < 0) problems.push(`unknown field '${k}' (known: ${known.slice(1).join(', ')})`);
  if (typeof b.name !== 'string' || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(b.name)) problems.push(`name must be 1-63 of a-z 0-9 - (got ${JSON.stringify(b.name)})`);
  else if (fileName && fileName !== b.name + '.json') problems.push(`name '${b.name}' must match the file name (${fileName})`);
  if (typeof b.description !== 'string' || !b.description) problems.push('description must be a non-empty string');
  const targetOk = oneOf(problems, 'target', b.target, ['esp32', 'linux']);
  const engineOk = oneOf(problems, 'engine', b.engine, ['jerryscript', 'duktape']);
  if (targetOk && engineOk && b.target === 'esp32' && b.engine !== 'jerryscript') {
    problems.push(`engine '${b.engine}' on target 'esp32': the board engine is JerryScript 3.0 (es.next profile); Duktape is the desktop stand-in`);
  }
  if (targetOk && engineOk && b.target === 'linux' && b.engine !== 'duktape') problems.push(`engine '${b.engine}' on target 'linux': the desktop runtime embeds Duktape 2.7`);
  const psram = b.psramBytes === undefined ? 0 : b.psramBytes;
  if (b.psramBytes !== undefined) intIn(problems, 'psramBytes', b.psramBytes, 0, 16 * 1048576, 'bytes');

  const got = cameraOutput(problems, 'camera', b.camera, b.target);
  if (b.alternateCamera !== undefined) cameraOutput(problems, 'alternateCamera', b.alternateCamera, b.target);
  if (!b.working || typeof b.working !== 'object') {
    problems.push('working is missing: { width, height } of the detector\'s grey frame');
  } else {
    // 8..1024: the detector's own limits (src/core/config.ts).
    const wOk = intIn(problems, 'working.width', b.working.width, 8, 1024, 'px');
    const hOk = intIn(problems, 'working.height', b.working.height, 8, 1024, 'px');
    if (wOk && hOk && got && (got.width !== b.working.width || got.height !== b.working.height)) {
      const how = b.camera.mode === 'jpeg' ? `${b.camera.frameSize} / decodeScale ${b.camera.decodeScale}` : `${b.camera.frameSize} / binning ${b.camera.binning ?? 1}`;
      problems.push(`working is ${b.working.width}x${b.working.height} but the camera gives ${got.width}x${got.height} (${how})`);
    }
  }
  if (b.target === 'esp32') {
    checkPins(problems, b.pins, psram);
    if (psram === 0 && b.camera && b.camera.mode === 'jpeg' && b.camera.frameSize !== 'QQVGA' && b.camera.frameSize !== 'QVGA') {
      problems.push(`camera.frameSize ${b.camera.frameSize} in JPEG mode needs PSRAM for two frame buffers (psramBytes is 0)`);
    }
  } else if (b.pins !== undefined) {
    problems.push("pins apply to target 'esp32' only");
  }

  const m = b.memory;
  if (!m || typeof m !== 'object') {
    problems.push('memory is missing: { engineHeapBytes, appHeapBytes, externalBytes }');
  } else {
    intIn(problems, 'memory.engineHeapBytes', m.engineHeapBytes, 32768, 64 * 1048576, 'bytes');
    if (intIn(problems, 'memory.appHeapBytes', m.appHeapBytes, 4096, 64 * 1048576, 'bytes') && isInt(m.engineHeapBytes) && m.appHeapBytes >= m.engineHeapBytes) {
      problems.push(`memory.appHeapBytes (${m.appHeapBytes}) must be less than memory.engineHeapBytes (${m.engineHeapBytes}): the engine needs its own base`);
    }
    if (intIn(problems, 'memory.externalBytes', m.externalBytes, 0, 64 * 1048576, 'bytes') && b.target === 'esp32' && m.externalBytes > 65536 && psram === 0) {
      problems.push(`memory.externalBytes ${m.externalBytes} needs PSRAM (psramBytes is 0)`);
    }
    if (psram > 0 && isInt(m.externalBytes) && isInt(m.engineHeapBytes) && m.externalBytes + m.engineHeapBytes > psram / 2) {
      problems.push(`memory.externalBytes + engineHeapBytes = ${m.externalBytes + m.engineHeapBytes} exceeds half the PSRAM (${psram / 2}); the camera's frame buffers need the rest`);
    }
  }
  const q = b.mqtt;
  if (!q || typeof q !== 'object') {
    problems.push('mqtt is missing: { chunkSize, bufferSize, qos }');
  } else {
    // 256..65536: src/protocol/limits.ts MIN_CHUNK_SIZE..MAX_CHUNK_SIZE.
    intIn(problems, 'mqtt.chunkSize', q.chunkSize, 256, 65536, 'bytes');
    intIn(problems, 'mqtt.bufferSize', q.bufferSize, 256, 65536, 'bytes');
    intIn(problems, 'mqtt.qos', q.qos, 0, 1, '(QoS 2 is not used)');
  }
  // 262144: src/protocol/limits.ts MAX_RAW_VIEW_BYTES.
  if (intIn(problems, 'maxViewBytes', b.maxViewBytes, 0, 262144, 'bytes') && m && isInt(m.externalBytes) && q && isInt(q.chunkSize) && b.working) {
    const need = externalNeed(b);
    if (need > m.externalBytes) problems.push(`memory.externalBytes ${m.externalBytes} is too small: raw view + bundle + chunk buffers need ${need}`);
  }
  return problems;
}

/**
 * Bytes the app reserves outside the engine heap: the raw view, the encoded bundle (header, ids,
 * masks, 32 boxes, background, raw view, CRC) and one chunk. Mirrors firmware/app/app.ts.
 */
export function externalNeed(b: Pick<BoardProfile, 'working' | 'maxViewBytes' | 'mqtt'>, cellSize = 4): number {
  const cells = Math.ceil(b.working.width / cellSize) * Math.ceil(b.working.height / cellSize);
  const bundle = 50 + 192 + 3 * Math.ceil(cells / 8) + 32 * 10 + b.working.width * b.working.height + b.maxViewBytes + 4;
  return b.maxViewBytes + bundle + b.mqtt.chunkSize;
}

/** Validate and return the profile, or throw a BoardError listing every problem. */
export function validateBoard(p: unknown, where = 'board profile', fileName?: string): BoardProfile {
  const problems = boardProblems(p, fileName);
  if (problems.length) throw new BoardError(where, problems);
  return p as BoardProfile;
}

/** Names of the profiles in boards/. */
export function boardNames(): string[] {
  return readdirSync(BOARDS_DIR).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
}

/** Read boards/<name>.json and validate it. Throws a BoardError (or a plain Error for a missing file). */
export function loadBoard(name: string): BoardProfile {
  const file = join(BOARDS_DIR, name + '.json');
  if (!/^[a-z0-9-]+$/.test(name) || !existsSync(file)) {
    throw new Error(`unknown board '${name}'; boards/ has: ${boardNames().join(', ')}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new BoardError(`boards/${name}.json`, [`not valid JSON: ${(e as Error).message}`]);
  }
  return validateBoard(data, `boards/${name}.json`, name + '.json');
}
