/**
 * Relay configuration: one zod schema holds every setting's default, range, unit and reason
 * (`.meta()`), so there is nothing to keep in step; RELAY_DEFAULTS is that schema applied to
 * nothing. Layers: defaults < JSON file < environment variables (ENV_VARS) < code; validated once,
 * with one error listing every problem. Unknown keys are refused (a typo never passes silently).
 *
 * AWS credentials are never defaults: with no `s3.endpoint` the SDK's standard chain is used
 * (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, SSO, instance roles).
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { isValidCameraId } from '../protocol/index.js';

const DAY_MS = 86400000;

/** An integer setting: range, default, unit and why, together. */
const int = (lo: number, hi: number, dflt: number, unit: string, why: string) =>
  z.number().int().min(lo).max(hi).default(dflt).meta({ unit, description: why });

const id = z.string().refine(isValidCameraId, 'expected 1-32 of a-z 0-9 _ - (first a-z 0-9)');

const cameraSchema = z.strictObject({
  id,
  owner: id,
  placement: z.enum(['exterior', 'interior']).optional().describe("default 'interior' (the shared consent rule: an interior camera contributes only once confirmed)"),
  interiorConfirmed: z.boolean().optional().describe('the owner confirmed that this interior camera may contribute'),
  secret: z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lower-case hex digits').optional()
    .describe("the camera's MAC secret: what it sends must carry its MAC (absent: nothing from it is accepted)"),
  consent: z.strictObject({
    purposes: z.array(z.enum(['motion', 'objectron'])),
    version: z.number().int().min(0).max(0xffffffff),
    granted: z.iso.datetime({ offset: true }).optional().describe('default: when the relay starts'),
    expires: z.iso.datetime({ offset: true }).optional().describe('default: granted + 365 days (consent is re-confirmed yearly)'),
  }).optional().describe('absent: nothing from this camera leaves the home'),
});

const broker = z.strictObject({
  url: z.string().regex(/^(mqtts?|wss?|tcp|tls):\/\//, 'expected mqtt://, mqtts://, ws:// or wss://').default('mqtt://127.0.0.1:1883')
    .describe('the broker the cameras publish to (mqtts:// for TLS)'),
  clientId: z.string().min(1).max(64).default('quietcam-relay')
    .describe('fixed on purpose: the broker keeps this persistent session\'s QoS 1 queue while the relay is down; unique per relay process'),
  username: z.string().optional().describe('unset: the quietcam-relay login of <dataDir>/broker-users.json (src/adapters/broker-users.ts)'),
  password: z.string().optional(),
  caFile: z.string().min(1).optional().describe('PEM CA file to verify an mqtts:// broker\'s certificate with (unset: the system\'s CAs)'),
  keepaliveS: int(5, 3600, 30, 's', 'MQTT keepalive'),
  reconnectMs: int(100, 60000, 1000, 'ms', 'between reconnect attempts'),
  maxPacketBytes: int(16 * 1024, 256 * 1024 * 1024, 400 * 1024, 'bytes',
    'largest MQTT packet the relay takes from the broker (bundles are ≤ 384 KiB): a bigger one closes the connection after its header (MQTT 5: also announced to the broker as Maximum Packet Size)'),
  shareGroup: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/).optional()
    .describe('several relays on one host: subscribe through the MQTT 5 shared subscription $share/<group>/... and share <dataDir>/relay.db'),
});

const s3 = z.strictObject({
  endpoint: z.url().optional().describe("unset = AWS S3 itself; set for s3rver/MinIO, e.g. 'http://127.0.0.1:4568'"),
  region: z.string().min(1).default('eu-west-1').describe('eu-west-1 by default: contributions stay in the EU'),
  bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'expected an S3 bucket name').default('quietcam-contributions'),
  forcePathStyle: z.boolean().optional().describe('bucket in the path; default: true when an endpoint is set'),
  sse: z.enum(['AES256', 'aws:kms']).default('AES256').describe("server-side encryption on every PutObject: 'AES256' (SSE-S3) or 'aws:kms' (needs kmsKeyId)"),
  kmsKeyId: z.string().min(1).optional().describe('the KMS key for sse aws:kms'),
  accessKeyId: z.string().optional().describe('static keys, for custom endpoints only; otherwise the standard AWS chain'),
  secretAccessKey: z.string().optional(),
  connectTimeoutMs: int(100, 60000, 5000, 'ms', 'a dead endpoint fails fast and is retried with backoff'),
  requestTimeoutMs: int(1000, 600000, 30000, 'ms', 'a 256 KiB object takes well under a second on a home uplink'),
}).refine((s) => s.sse !== 'aws:kms' || !!s.kmsKeyId, { message: 'sse aws:kms needs kmsKeyId', path: ['kmsKeyId'] });

const reassembly = z.strictObject({
  maxBundles: int(1, 4096, 64, 'bundles', 'partial bundles held at once: a few per camera for a home of ~20 cameras'),
  maxBytes: int(1024, 1073741824, 16777216, 'bytes', 'of partial bundles (16 MiB): > 40 bundles of the maximum size'),
  timeoutMs: int(1000, 604800000, 86400000, 'ms', 'a partial bundle (its chunks journalled on disk) waits this long for the rest: a camera link may be down for hours mid-bundle (a day)'),
  maxPerCamera: int(1, 64, 4, 'bundles', 'partial bundles one camera may hold (memory and journal): a fifth evicts its own least recently fed, so a camera offline for long costs at most this x 384 KiB'),
  expireEveryMs: int(100, 60000, 1000, 'ms', 'between timeout sweeps'),
});

const upload = z.strictObject({
  concurrency: int(1, 256, 8, 'bundles', 'uploading at once, each putting 5 objects in parallel, then meta.json: 12 bundles an hour per camera need few'),
  retryBaseMs: int(10, 600000, 500, 'ms', 'first retry delay; doubles per failed attempt'),
  retryMaxMs: int(10, 3600000, 30000, 'ms', 'cap of the retry delay: once S3 is back, uploads resume within this'),
  leaseMs: int(1000, 3600000, 15000, 'ms', 'relays sharing a database: how long an upload claim holds; a killed relay\'s bundles are taken over after this'),
  alertsFirstMs: int(0, 10000, 1000, 'ms', 'while the person detector has event frames to score, new uploads wait up to this (alerts are what an owner waits for; a contribution is not): 0 = never wait'),
});

const images = z.strictObject({
  blurPercent: z.number().min(0.1).max(20).default(1.5).meta({ unit: '% of the raw view\'s width', description: 'background blur (1% = 6.4 px at 640): hides detail, keeps layout' }),
  backgroundJpegQuality: int(1, 100, 85, 'JPEG quality', 'of 5-background.jpg'),
});

const schema = z.strictObject({
  dataDir: z.string().min(1).default('./data').describe('SQLite at <dataDir>/relay.db; the embedded S3 endpoint keeps its files in <dataDir>/s3'),
  broker: broker.prefault({}),
  s3: s3.prefault({}),
  reassembly: reassembly.prefault({}),
  upload: upload.prefault({}),
  images: images.prefault({}),
  status: z.strictObject({
    host: z.string().min(1).default('127.0.0.1').describe('loopback by default: the status page is for this machine'),
    port: z.number().int().min(0).max(65535).nullable().default(8090).describe('0 = any free port, null = no status server'),
  }).prefault({}),
  log: z.strictObject({
    windowMs: int(1000, 86400000, 60000, 'ms', 'each (camera, reason) is logged once per window, then summarised'),
  }).prefault({}),
  sqlite: z.strictObject({
    synchronous: z.enum(['full', 'normal']).default('full')
      .describe("outbox commits: 'full' fsyncs each accepted bundle before its MQTT ack (survives power loss); 'normal' only process crashes"),
    storageRetryMs: int(100, 600000, 5000, 'ms',
      'disk full or data folder read-only: the relay stops acknowledging and checks this often whether it can write again (src/relay/storage.ts)'),
    reserveBytes: int(0, 1024 * 1024 * 1024, 1024 * 1024, 'bytes',
      'kept free in <dataDir>/.quietcam-reserve and given back when the disk fills, so uploads can still be recorded; resumes at twice this free'),
  }).prefault({}),
  cameras: z.array(cameraSchema).default([]).describe('cameras known at start (seeded into the registry)'),
});

/** The relay's settings, every default filled in. */
export type RelayConfig = z.output<typeof schema>;
/** A camera as written in the config file. */
export type CameraSeed = z.output<typeof cameraSchema>;

/** Every default, from the schema. */
export const RELAY_DEFAULTS: RelayConfig = schema.parse({});

/** A partial config: any subset of fields, nested. */
export type RelayConfigInput = {
  [K in keyof RelayConfig]?: RelayConfig[K] extends unknown[] ? RelayConfig[K] : Partial<RelayConfig[K]> | RelayConfig[K];
};

/** Environment variables and the field each sets. QUIETCAM_RELAY_CONFIG names the JSON file. */
export const ENV_VARS: Record<string, string> = {
  QUIETCAM_DATA_DIR: 'dataDir',
  QUIETCAM_BROKER_URL: 'broker.url',
  QUIETCAM_BROKER_USERNAME: 'broker.username',
  QUIETCAM_BROKER_PASSWORD: 'broker.password',
  QUIETCAM_BROKER_CA_FILE: 'broker.caFile',
  QUIETCAM_S3_ENDPOINT: 's3.endpoint',
  QUIETCAM_S3_REGION: 's3.region',
  QUIETCAM_S3_BUCKET: 's3.bucket',
  QUIETCAM_S3_SSE: 's3.sse',
  QUIETCAM_S3_KMS_KEY_ID: 's3.kmsKeyId',
  QUIETCAM_STATUS_PORT: 'status.port', // a number, or 'off'
};

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge of plain objects; arrays and scalars from `over` replace; undefined leaves `base`. */
function merge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (!isObject(base) || !isObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const k of Object.keys(over)) out[k] = merge(base[k], over[k]);
  return out;
}

/** The overrides given by environment variables (ENV_VARS). */
export function configFromEnv(env: Record<string, string | undefined>): RelayConfigInput {
  const out: Record<string, Record<string, unknown> | unknown> = {};
  for (const [name, path] of Object.entries(ENV_VARS)) {
    const raw = env[name];
    if (!raw) continue;
    const value = name === 'QUIETCAM_STATUS_PORT' ? (raw === 'off' ? null : Number(raw)) : raw;
    const [a, b] = path.split('.');
    if (b === undefined) out[a] = value;
    else out[a] = { ...(out[a] as Record<string, unknown> | undefined), [b]: value };
  }
  return out as RelayConfigInput;
}

/** Merge overrides (later wins) and validate, filling defaults. Throws an Error listing every problem. */
export function resolveConfig(...layers: (RelayConfigInput | undefined)[]): RelayConfig {
  let merged: unknown = {};
  for (const layer of layers) merged = merge(merged, layer);
  const r = schema.safeParse(merged);
  if (!r.success) throw new Error('relay config:\n' + z.prettifyError(r.error));
  return r.data;
}

/**
 * Load the relay config: defaults < JSON file (`file`, else $QUIETCAM_RELAY_CONFIG) < environment
 * < `overrides`. A relative dataDir is resolved against the working directory.
 * @example const config = loadConfig({ file: 'relay.json' });
 */
export function loadConfig(options: { file?: string; env?: Record<string, string | undefined>; overrides?: RelayConfigInput } = {}): RelayConfig {
  const env = options.env ?? process.env;
  const file = options.file ?? env.QUIETCAM_RELAY_CONFIG;
  let fromFile: RelayConfigInput | undefined;
  if (file) {
    try {
      fromFile = JSON.parse(readFileSync(file, 'utf8')) as RelayConfigInput;
    } catch (err) {
      throw new Error(`relay config ${file}: ${(err as Error).message}`);
    }
  }
  const config = resolveConfig(fromFile, configFromEnv(env), options.overrides);
  if (!isAbsolute(config.dataDir)) config.dataDir = resolve(config.dataDir);
  return config;
}

/**
 * Every setting with its default, unit, range and reason, from the schema (for docs and `--help`).
 * @example for (const s of describeConfig()) console.log(s.path, s.default, s.unit ?? '', s.description ?? '');
 */
export function describeConfig(): { path: string; default: unknown; unit?: string; min?: number; max?: number; description?: string }[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, JsonNode> };
  const out: ReturnType<typeof describeConfig> = [];
  const walk = (node: JsonNode, path: string) => {
    if (node.properties) {
      for (const [k, v] of Object.entries(node.properties)) walk(v, path ? `${path}.${k}` : k);
      return;
    }
    out.push({ path, default: node.default, unit: node.unit, min: node.minimum, max: node.maximum, description: node.description });
  };
  walk(json as JsonNode, '');
  return out;
}

interface JsonNode {
  properties?: Record<string, JsonNode>;
  default?: unknown;
  unit?: string;
  minimum?: number;
  maximum?: number;
  description?: string;
}

/** Consent given without `expires` lasts this long (re-confirmed yearly). */
export const CONSENT_VALID_MS = 365 * DAY_MS;
