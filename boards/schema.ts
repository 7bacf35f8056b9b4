/**
 * Board profiles: one JSON file per board in this folder, checked by one zod schema
 * (`BOARD_SCHEMA`) before any build or run uses it. A profile is data only (pins, camera mode,
 * working resolution, memory budgets, engine); the firmware build turns it into constants, the
 * desktop runtime into its heap cap, the ESP32 wrapper into a generated header. Each field carries
 * its range, unit and description in the schema; rules between fields are refinements beside it.
 *
 * Limits: ESP32 (Xtensa LX6) pin rules only; other SoCs would need their own pin table. Every
 * problem is reported at once (a rule between fields runs when the fields it reads are valid),
 * so a broken profile is fixed in one pass.
 *
 * @example
 *   const board = loadBoard('esp32-cam-ai-thinker');   // throws BoardError listing every problem
 *   board.working.width  // 80
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { z } from 'zod';

export const BOARDS_DIR = fileURLToPath(new URL('.', import.meta.url));

/** Sensor frame sizes the esp32-camera driver offers, in pixels. */
export const FRAME_SIZES: Record<string, [number, number]> = {
  QQVGA: [160, 120], QCIF: [176, 144], HQVGA: [240, 176], QVGA: [320, 240], CIF: [400, 296],
  HVGA: [480, 320], VGA: [640, 480], SVGA: [800, 600], XGA: [1024, 768], HD: [1280, 720], SXGA: [1280, 1024], UXGA: [1600, 1200],
};

const PIN_NAMES = ['pwdn', 'reset', 'xclk', 'siod', 'sioc', 'd7', 'd6', 'd5', 'd4', 'd3', 'd2', 'd1', 'd0', 'vsync', 'href', 'pclk', 'flashLed'];
/** Pins the board drives (must not be input-only GPIO 34-39). */
const OUTPUT_PINS = ['pwdn', 'reset', 'xclk', 'siod', 'sioc', 'flashLed'];
/** Pins that may be -1 (not wired). */
const OPTIONAL_PINS = ['pwdn', 'reset', 'flashLed'];
/** GPIO numbers that do not exist on the ESP32, or that the SPI flash uses (6-11). */
const NO_GPIO = [6, 7, 8, 9, 10, 11, 20, 24, 28, 29, 30, 31];
const MB = 1048576;

// Messages hold `{path}`, replaced by the field's dotted path when the problems are listed.
const show = (v: unknown) => JSON.stringify(v);

function int(min: number, max: number, unit: string, description: string) {
  const notInt = (iss: { input?: unknown }) => (iss.input === undefined ? '{path} is missing' : `{path} must be an integer (${unit}), got ${show(iss.input)}`);
  const outside = (iss: { input?: unknown }) => `{path} = ${iss.input} is outside ${min}..${max} ${unit}`;
  return z.number({ error: notInt }).int({ error: notInt }).min(min, { error: outside }).max(max, { error: outside }).describe(description);
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T, description: string) {
  return z.enum(values, { error: (iss) => `{path} must be one of ${values.map((a) => `'${a}'`).join(', ')}, got ${show(iss.input)}` }).describe(description);
}

/** An object field: a clear message when it is missing or not an object, and for unknown keys. */
function object<S extends z.ZodRawShape>(shape: S, missing: string, unknownKey: (key: string) => string) {
  return z.strictObject(shape, {
    error: (iss) => {
      if (iss.code === 'unrecognized_keys') return iss.keys.map(unknownKey).join('; ');
      return iss.input === undefined ? `{path} is missing${missing}` : `{path} must be an object${missing}`;
    },
  });
}

/** Runs a refinement even after other problems, when the value is an object at all. */
const always = { when: (p: { value: unknown }) => typeof p.value === 'object' && p.value !== null && !Array.isArray(p.value) };

/** True when no problem found so far sits at, above or under one of these dotted paths. */
function clean(ctx: { issues: { path?: PropertyKey[] }[] }, ...paths: string[]): boolean {
  const overlap = (a: string, b: string) => a === b || a.startsWith(b + '.') || b.startsWith(a + '.');
  return !ctx.issues.some((i) => paths.some((p) => overlap((i.path ?? []).join('.'), p)));
}

const CAMERA = object({
  sensor: z.enum(['OV2640', 'OV3660', 'OV5640', 'file'], { error: (iss) => `{path} must be one of 'OV2640', 'OV3660', 'OV5640', 'file', got ${show(iss.input)}` })
    .describe("esp32-camera sensor name, or 'file' for frames fed by the desktop runtime"),
  mode: oneOf(['jpeg', 'grayscale', 'file'], "'jpeg': the sensor sends JPEG (the raw view, unedited), decoded at 1/decodeScale to grey; 'grayscale': 8-bit luma, optionally binned 2x2 (the raw view is encoded only for a snapshot); 'file': desktop input"),
  frameSize: z.enum(['any', ...Object.keys(FRAME_SIZES)] as [string, ...string[]], { error: (iss) => `{path} must be one of ${Object.keys(FRAME_SIZES).join(', ')}, got ${show(iss.input)}` })
    .describe("a key of FRAME_SIZES, or 'any' for mode 'file'"),
  decodeScale: z.literal([1, 2, 4, 8], { error: (iss) => `{path} must be 1, 2, 4 or 8 (esp_jpg_decode's scales), got ${show(iss.input)}` }).optional()
    .describe("mode 'jpeg' (required there): the grey frame is the JPEG decoded at 1/decodeScale"),
  binning: z.literal([1, 2], { error: (iss) => `{path} must be 1 or 2, got ${show(iss.input)}` }).optional()
    .describe("mode 'grayscale': 2 = 2x2 area average in the port (default 1)"),
  jpegQuality: int(4, 63, '(esp32-camera: lower is better)', 'esp32-camera jpeg_quality: lower = better, bigger (header default 12)').optional(),
  xclkHz: int(8000000, 24000000, 'Hz', 'camera master clock (10-20 MHz for the OV2640; header default 20 MHz)').optional(),
  fps: int(1, 30, 'frames/s', 'frames per second the main loop aims for'),
}, ' (an object with sensor, mode, frameSize, fps)', (k) => `{path}.${k} is not a camera field (sensor, mode, frameSize, decodeScale, binning, jpegQuality, xclkHz, fps)`)
  .superRefine((cam, ctx) => {
    const at = (field: string, message: string) => ctx.addIssue({ code: 'custom', path: [field], message, input: cam });
    if (!clean(ctx, 'mode') || cam.mode === 'file') return;
    if (cam.sensor === 'file') at('sensor', "{path} 'file' goes with mode 'file' only");
    if (cam.frameSize === 'any') at('frameSize', "{path} 'any' goes with mode 'file' only");
    if (cam.mode === 'jpeg') {
      if (cam.binning !== undefined) at('binning', "{path} applies to mode 'grayscale'; JPEG frames are scaled by decodeScale");
      if (cam.decodeScale === undefined) at('decodeScale', "{path} must be 1, 2, 4 or 8 (esp_jpg_decode's scales), got undefined");
      return;
    }
    if (cam.decodeScale !== undefined) at('decodeScale', "{path} applies to mode 'jpeg'; grey frames are reduced by binning");
    if (clean(ctx, 'frameSize') && cam.frameSize !== 'QQVGA' && cam.frameSize !== 'QVGA' && cam.frameSize !== 'any') {
      at('frameSize', `{path} ${cam.frameSize}: GRAYSCALE frames above QVGA do not fit the ESP32's DMA budget; use QQVGA or QVGA`);
    }
  }, always);

export type CameraMode = z.output<typeof CAMERA>;

const pin = int(-1, 39, 'GPIO', 'ESP32 GPIO number; -1 = not connected (pwdn, reset, flashLed only)');
const PINS = object(Object.fromEntries(PIN_NAMES.map((n) => [n, pin])) as Record<string, typeof pin>,
  `: an ESP32 board needs ${PIN_NAMES.join(', ')}`, (k) => `{path}.${k} is not a known pin (${PIN_NAMES.join(', ')})`)
  .superRefine((pins, ctx) => {
    const seen: Record<number, string> = {};
    for (const name of PIN_NAMES) {
      const v = pins[name];
      const bad = (message: string) => ctx.addIssue({ code: 'custom', path: [name], message: `{path} = ${v}: ${message}`, input: v });
      if (!clean(ctx, name)) continue;
      if (v === -1) {
        if (OPTIONAL_PINS.indexOf(name) < 0) bad(`only ${OPTIONAL_PINS.join(', ')} may be unconnected`);
        continue;
      }
      if (NO_GPIO.indexOf(v) >= 0) bad(`GPIO ${v} does not exist on the ESP32 or belongs to the SPI flash (6-11)`);
      if (v >= 34 && OUTPUT_PINS.indexOf(name) >= 0) bad(`GPIO 34-39 are input-only on the ESP32, and ${name} is an output`);
      if (seen[v] !== undefined) ctx.addIssue({ code: 'custom', path: [name], message: `{path} = ${v} is already used by pins.${seen[v]}`, input: v });
      else seen[v] = name;
    }
  }, always);

const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const badName = (iss: { input?: unknown }) => `{path} must be 1-63 of a-z 0-9 - (got ${show(iss.input)})`;
const FIELDS = ['name', 'description', 'target', 'engine', 'camera', 'alternateCamera', 'pins', 'psramBytes', 'working', 'memory', 'mqtt', 'maxViewBytes', 'eventFrames', 'status', 'liveView'];

/** Event frames for person alerts (firmware/app/event-frames.ts, src/protocol/event-frame.ts). */
const EVENT_FRAMES = object({
  // 0, 1 s, 3 s: the first frame alerts soonest; a person walking in from the edge is usually in full view 1-3 s later.
  atMs: z.array(int(0, 600000, 'ms', 'offset from the event start'), { error: () => '{path} must be a list of offsets in ms' })
    .max(8, { error: () => '{path}: at most 8 frames per event' })
    .refine((a) => a.every((v, i) => i === 0 || v > a[i - 1]), { error: () => '{path} must be strictly increasing' })
    .describe('when to send the raw view after the event starts, ms (while the event lasts); [] = never'),
  maxBytes: int(1, 262144, 'bytes', 'largest JPEG sent as an event frame (larger views are skipped and counted)'),
}, ': { atMs, maxBytes }', (k) => `{path}.${k} is not a field (atMs, maxBytes)`);

/** The status message (firmware/app/status.ts, src/protocol/camera-status.ts). */
const STATUS = object({
  // 60 s: the cameras page calls a camera offline after 2 intervals without one, so within 2 minutes.
  intervalMs: int(10000, 3600000, 'ms', 'how often the board publishes its status (also at start-up and at each reconnection)'),
}, ': { intervalMs }', (k) => `{path}.${k} is not a field (intervalMs)`);

/** Live view for the owner's page (firmware/app/live-view.ts, src/protocol/live-view.ts). */
const LIVE_VIEW = object({
  // 2 per second of a few-KB JPEG: ~10 KB/s on the Wi-Fi, far below what the bundles need, and enough to see who is at the door.
  maxFps: int(1, 5, 'frames/s', 'most live frames per second (a request asking more gets this)'),
  maxSeconds: int(1, 120, 's', 'longest live view per request'),
  maxBytes: int(1, 262144, 'bytes', 'largest JPEG sent as a live frame (larger views are skipped and counted)'),
}, ': { maxFps, maxSeconds, maxBytes }', (k) => `{path}.${k} is not a field (maxFps, maxSeconds, maxBytes)`);

/** The whole profile: fields with ranges and descriptions, then the rules between fields. */
export const BOARD_SCHEMA = object({
  $schema: z.string().optional().describe('editor hint, ignored'),
  name: z.string({ error: badName }).regex(NAME, { error: badName }).describe('1-63 of a-z 0-9 -, the file name without .json'),
  description: z.string({ error: () => '{path} must be a non-empty string' }).min(1, { error: () => '{path} must be a non-empty string' }).describe('one line: SoC, sensor, memory, extras'),
  target: oneOf(['esp32', 'linux'], "'esp32': the board; 'linux': the desktop runtime"),
  engine: oneOf(['jerryscript', 'duktape'], 'JerryScript 3.0 on the board, Duktape 2.7 on the desktop'),
  camera: CAMERA,
  alternateCamera: CAMERA.optional().describe('another supported camera mode for the same board (documentation and `--camera alternate`)'),
  pins: PINS.optional().describe("ESP32 GPIO numbers (required for target 'esp32')"),
  psramBytes: int(0, 16 * MB, 'bytes', 'PSRAM size (0 or absent = none)').default(0),
  working: object({
    // 8..1024: the detector's own limits (src/core/config.ts).
    width: int(8, 1024, 'px', "the detector's grey frame width: must equal what the camera mode produces"),
    height: int(8, 1024, 'px', "the detector's grey frame height"),
  }, ": { width, height } of the detector's grey frame", (k) => `{path}.${k} is not a field (width, height)`),
  memory: object({
    engineHeapBytes: int(32768, 64 * MB, 'bytes', "the JS engine's whole heap (JerryScript's static heap; the desktop runtime's cap)"),
    appHeapBytes: int(4096, 64 * MB, 'bytes', "what the app may hold in the engine heap above the engine's own base"),
    externalBytes: int(0, 64 * MB, 'bytes', 'buffers outside the engine heap (PSRAM on the board): raw view, bundle, chunk'),
  }, ': { engineHeapBytes, appHeapBytes, externalBytes }', (k) => `{path}.${k} is not a field (engineHeapBytes, appHeapBytes, externalBytes)`)
    .superRefine((m, ctx) => {
      if (clean(ctx, 'engineHeapBytes', 'appHeapBytes') && m.appHeapBytes >= m.engineHeapBytes) {
        ctx.addIssue({ code: 'custom', path: ['appHeapBytes'], input: m, message: `{path} (${m.appHeapBytes}) must be less than memory.engineHeapBytes (${m.engineHeapBytes}): the engine needs its own base` });
      }
    }, always),
  mqtt: object({
    // 256..65536: src/protocol/limits.ts MIN_CHUNK_SIZE..MAX_CHUNK_SIZE.
    chunkSize: int(256, 65536, 'bytes', 'bytes per published chunk, header included'),
    bufferSize: int(256, 65536, 'bytes', 'esp-mqtt buffer_size; publishes above it go out in fragments (its default is 1 KB)'),
    qos: int(0, 1, '(QoS 2 is not used)', 'QoS of bundle chunks and events'),
    unackedBundles: int(1, 8, 'bundles', 'bundles kept (external memory, one encoded bundle each) until the relay acks them end to end; default 1').optional(),
    ackTimeoutMs: int(1000, 86400000, 'ms', 'a bundle not acked within this is sent again (then 2x, 4x ... up to 64x); default 60000').optional(),
  }, ': { chunkSize, bufferSize, qos, unackedBundles?, ackTimeoutMs? }', (k) => `{path}.${k} is not a field (chunkSize, bufferSize, qos, unackedBundles, ackTimeoutMs)`),
  // 262144: src/protocol/limits.ts MAX_RAW_VIEW_BYTES.
  maxViewBytes: int(0, 262144, 'bytes', 'largest raw view (JPEG) the app reserves room for'),
  eventFrames: EVENT_FRAMES.optional().describe('event frames for the relay person detector (alerts only, never uploaded); absent = none'),
  status: STATUS.optional().describe('status message period; absent = every 60 s'),
  liveView: LIVE_VIEW.optional().describe("live view on the owner's page (never stored, never uploaded); absent = none"),
}, '', (k) => `unknown field '${k}' (known: ${FIELDS.join(', ')})`)
  .superRefine((b, ctx) => crossFieldRules(b as BoardProfile, ctx), always);

/** A parsed, valid profile. */
export type BoardProfile = z.output<typeof BOARD_SCHEMA>;
export type Engine = BoardProfile['engine'];
export type Target = BoardProfile['target'];

/** Grey frame size a (valid, non-file) camera mode produces. */
function cameraOutput(cam: CameraMode): { width: number; height: number } | null {
  const size = FRAME_SIZES[cam.frameSize];
  if (cam.mode === 'file' || !size) return null;
  const by = cam.mode === 'jpeg' ? cam.decodeScale ?? 1 : cam.binning ?? 1;
  return { width: size[0] / by, height: size[1] / by };
}

type Ctx = { issues: { path?: PropertyKey[] }[]; addIssue(i: { code: 'custom'; message: string; path?: PropertyKey[]; input?: unknown }): void };

function crossFieldRules(b: BoardProfile, ctx: Ctx): void {
  const problem = (message: string, path: PropertyKey[] = []) => ctx.addIssue({ code: 'custom', message, path, input: b });
  const psram = b.psramBytes ?? 0;
  if (clean(ctx, 'target', 'engine')) {
    if (b.target === 'esp32' && b.engine !== 'jerryscript') problem(`engine '${b.engine}' on target 'esp32': the board engine is JerryScript 3.0 (es.next profile); Duktape is the desktop stand-in`);
    if (b.target === 'linux' && b.engine !== 'duktape') problem(`engine '${b.engine}' on target 'linux': the desktop runtime embeds Duktape 2.7`);
  }
  for (const key of ['camera', 'alternateCamera'] as const) {
    const cam = b[key];
    if (!cam || !clean(ctx, 'target', `${key}.mode`)) continue;
    if (cam.mode === 'file' && b.target !== 'linux') problem(`{path} 'file' exists only on the desktop runtime (target 'linux')`, [key, 'mode']);
    if (cam.mode !== 'file' && b.target !== 'esp32') problem(`{path} '${cam.mode}' needs a camera (target 'esp32')`, [key, 'mode']);
  }
  // The camera's own mode problems (e.g. GRAYSCALE above QVGA) do not hide a size mismatch.
  if (clean(ctx, 'working', 'camera.mode', 'camera.decodeScale', 'camera.binning')) {
    const got = cameraOutput(b.camera);
    if (got && (got.width !== b.working.width || got.height !== b.working.height)) {
      const how = b.camera.mode === 'jpeg' ? `${b.camera.frameSize} / decodeScale ${b.camera.decodeScale}` : `${b.camera.frameSize} / binning ${b.camera.binning ?? 1}`;
      problem(`working is ${b.working.width}x${b.working.height} but the camera gives ${got.width}x${got.height} (${how})`);
    }
  }
  if (b.target === 'esp32') {
    if (b.pins === undefined) problem(`pins is missing: an ESP32 board needs ${PIN_NAMES.join(', ')}`);
    else if (psram > 0 && clean(ctx, 'pins')) {
      for (const name of PIN_NAMES) if (b.pins[name] === 16 || b.pins[name] === 17) problem(`{path} = ${b.pins[name]}: GPIO 16/17 drive the PSRAM on ESP32 modules with PSRAM`, ['pins', name]);
    }
    if (psram === 0 && clean(ctx, 'camera', 'psramBytes') && b.camera.mode === 'jpeg' && b.camera.frameSize !== 'QQVGA' && b.camera.frameSize !== 'QVGA') {
      problem(`camera.frameSize ${b.camera.frameSize} in JPEG mode needs PSRAM for two frame buffers (psramBytes is 0)`);
    }
  } else if (b.target === 'linux' && b.pins !== undefined) {
    problem("pins apply to target 'esp32' only");
  }
  if (clean(ctx, 'memory', 'psramBytes', 'target')) {
    const m = b.memory;
    if (b.target === 'esp32' && m.externalBytes > 65536 && psram === 0) problem(`memory.externalBytes ${m.externalBytes} needs PSRAM (psramBytes is 0)`);
    if (psram > 0 && m.externalBytes + m.engineHeapBytes > psram / 2) {
      problem(`memory.externalBytes + engineHeapBytes = ${m.externalBytes + m.engineHeapBytes} exceeds half the PSRAM (${psram / 2}); the camera's frame buffers need the rest`);
    }
  }
  if (b.eventFrames && clean(ctx, 'maxViewBytes', 'eventFrames') && b.eventFrames.atMs.length > 0 && b.eventFrames.maxBytes > b.maxViewBytes) {
    problem(`eventFrames.maxBytes ${b.eventFrames.maxBytes} exceeds maxViewBytes ${b.maxViewBytes}: an event frame is the raw view`, ['eventFrames', 'maxBytes']);
  }
  if (clean(ctx, 'maxViewBytes', 'memory.externalBytes', 'mqtt.chunkSize', 'working')) {
    const need = externalNeed(b);
    if (need > b.memory.externalBytes) problem(`memory.externalBytes ${b.memory.externalBytes} is too small: raw view + bundle (x mqtt.unackedBundles) + chunk buffers need ${need}`);
  }
}

export class BoardError extends Error {
  readonly problems: string[];
  constructor(where: string, problems: string[]) {
    super(where + ': invalid board profile:\n  - ' + problems.join('\n  - '));
    this.name = 'BoardError';
    this.problems = problems;
  }
}

/**
 * Check a parsed profile. Returns the list of problems (empty = valid); every message names the
 * field, the value and what is allowed.
 */
export function boardProblems(p: unknown, fileName?: string): string[] {
  if (!p || typeof p !== 'object' || Array.isArray(p)) return ['the profile must be a JSON object'];
  const r = BOARD_SCHEMA.safeParse(p);
  let issues = r.success ? [] : r.error.issues;
  // Pins on a desktop profile are wrong as a whole: say so once, not once per pin.
  if ((p as { target?: unknown }).target === 'linux') issues = issues.filter((i) => i.path[0] !== 'pins' || i.path.length === 1);
  const problems = issues.map((i) => i.message.replace(/\{path\}/g, i.path.map(String).join('.')));
  const name = (p as { name?: unknown }).name;
  if (fileName && typeof name === 'string' && NAME.test(name) && fileName !== name + '.json') problems.push(`name '${name}' must match the file name (${fileName})`);
  return problems;
}

/**
 * Bytes the app reserves outside the engine heap: the raw view, the encoded bundle (header, ids,
 * masks, 32 boxes, background, raw view, CRC) and one chunk. Mirrors firmware/app/app.ts.
 */
export function externalNeed(b: Pick<BoardProfile, 'working' | 'maxViewBytes' | 'mqtt'>, cellSize = 4): number {
  const cells = Math.ceil(b.working.width / cellSize) * Math.ceil(b.working.height / cellSize);
  const bundle = 50 + 192 + 3 * Math.ceil(cells / 8) + 32 * 10 + b.working.width * b.working.height + b.maxViewBytes + 4;
  return b.maxViewBytes + (b.mqtt.unackedBundles ?? 1) * bundle + b.mqtt.chunkSize;
}

/** Validate and return the profile (with its defaults), or throw a BoardError listing every problem. */
export function validateBoard(p: unknown, where = 'board profile', fileName?: string): BoardProfile {
  const problems = boardProblems(p, fileName);
  if (problems.length) throw new BoardError(where, problems);
  return BOARD_SCHEMA.parse(p) as BoardProfile;
}

/**
 * The profile schema as JSON Schema (ranges, defaults, descriptions; the rules between fields are
 * not expressible there), for editors: a profile may name it in `$schema`.
 */
export function boardJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(BOARD_SCHEMA, { io: 'input' }) as Record<string, unknown>;
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
