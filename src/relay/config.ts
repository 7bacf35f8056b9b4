/**
 * Relay configuration: one defaults object (units and ranges beside each value), overridden by a
 * JSON file, then by environment variables, then by code; validated once with zod.
 *
 * | env var                      | field                 |
 * |------------------------------|-----------------------|
 * | QUIETCAM_RELAY_CONFIG        | path of the JSON file |
 * | QUIETCAM_DATA_DIR            | dataDir               |
 * | QUIETCAM_BROKER_URL          | broker.url            |
 * | QUIETCAM_BROKER_USERNAME     | broker.username       |
 * | QUIETCAM_BROKER_PASSWORD     | broker.password       |
 * | QUIETCAM_S3_ENDPOINT         | s3.endpoint           |
 * | QUIETCAM_S3_REGION           | s3.region             |
 * | QUIETCAM_S3_BUCKET           | s3.bucket             |
 * | QUIETCAM_S3_SSE              | s3.sse                |
 * | QUIETCAM_S3_KMS_KEY_ID       | s3.kmsKeyId           |
 * | QUIETCAM_STATUS_PORT         | status.port ('off' disables) |
 *
 * AWS credentials are never part of this file's defaults: with no `s3.endpoint` the SDK's standard
 * chain is used (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, SSO, instance roles).
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { isValidCameraId } from '../protocol/index.js';

const DAY_MS = 86400000;

/** Every default in one place. */
export const RELAY_DEFAULTS = {
  /** SQLite outbox and index at `<dataDir>/relay.db`; the embedded S3 endpoint uses `<dataDir>/s3`. */
  dataDir: './data',
  broker: {
    url: 'mqtt://127.0.0.1:1883',
    /** Fixed on purpose: the broker keeps this persistent session's QoS 1 queue while the relay is down. */
    clientId: 'quietcam-relay',
    username: undefined as string | undefined,
    password: undefined as string | undefined,
    keepaliveS: 30, // seconds, 5-3600
    reconnectMs: 1000, // ms between reconnect attempts, 100-60000
  },
  s3: {
    /** Unset = AWS S3 itself. Set for s3rver/MinIO, e.g. 'http://127.0.0.1:4568'. */
    endpoint: undefined as string | undefined,
    region: 'eu-west-1',
    bucket: 'quietcam-contributions',
    /** Path-style URLs (bucket in the path); default: true when an endpoint is set. */
    forcePathStyle: undefined as boolean | undefined,
    /** Server-side encryption on every PutObject: 'AES256' (SSE-S3) or 'aws:kms' (needs kmsKeyId). */
    sse: 'AES256' as 'AES256' | 'aws:kms',
    kmsKeyId: undefined as string | undefined,
    /** Static keys, for custom endpoints only; otherwise the standard AWS chain. */
    accessKeyId: undefined as string | undefined,
    secretAccessKey: undefined as string | undefined,
    connectTimeoutMs: 5000, // ms, 100-60000: a dead endpoint fails fast and is retried with backoff
    requestTimeoutMs: 30000, // ms, 1000-600000: a 256 KiB object takes well under a second on a home uplink
    /** Run the S3 SDK on a thread of its own (adapters/s3-thread.ts) instead of the event loop's. */
    thread: true,
  },
  reassembly: {
    maxBundles: 64, // partial bundles at once, 1-4096: a few per camera for a home of ~20 cameras
    maxBytes: 16777216, // 16 MiB of partial bundles, 1 KiB-1 GiB: > 40 bundles of the maximum size
    timeoutMs: 60000, // ms, 1000-86400000: a board sends a bundle in seconds; QoS 1 retries fit well within
    expireEveryMs: 1000, // ms between timeout sweeps, 100-60000
  },
  upload: {
    // bundles uploading at once, 1-256 (each puts its 6 objects: 5 in parallel, then meta.json).
    // Throughput is at most concurrency / (one bundle's upload time): with 8, ~100 ms per bundle
    // under load (or an S3 round trip from a home line) capped it at ~80-95/s; 32 keeps the CPU,
    // not the waiting, the limit, for ~100 KB of memory per bundle in flight.
    concurrency: 32,
    retryBaseMs: 500, // first retry delay, ms, 10-600000; doubles per failed attempt
    retryMaxMs: 30000, // cap of the retry delay, ms, 10-3600000: S3 back => uploads resume within this
  },
  images: {
    /** Background blur, in % of the raw view's width (1% = 6.4 px at 640): hides detail, keeps layout. 0.1-20. */
    blurPercent: 1.5,
    backgroundJpegQuality: 85, // 1-100
    pngCompression: 2, // 0-9; no longer used: png.ts has one fixed encoding (~2-3 KB at 640x480). Kept so config files that set it stay valid
    /** Motion-free evidence older than this no longer refines a camera's background, ms. */
    evidenceMaxAgeMs: 3600000, // 1 hour: a snapshot comes 5-60 min after the previous motion event
    /** Derive the images on a thread of their own (adapters/worker-deriver.ts) instead of the event loop's. */
    thread: true,
  },
  status: {
    host: '127.0.0.1',
    port: 8090 as number | null, // 0 = any free port, null = no status server
  },
  log: {
    windowMs: 60000, // ms, 1000-86400000: each (camera, reason) is logged once per window, then summarised
  },
  sqlite: {
    /**
     * Outbox commits (a bundle accepted, uploaded): 'full' fsyncs each before its MQTT ack (durable
     * across power loss); 'normal' only survives process crashes. Chunks of partial bundles are
     * always committed 'normal' (adapters/sqlite-store.ts says why).
     */
    synchronous: 'full' as 'full' | 'normal',
  },
  /** Cameras known at start (seeded into the registry). */
  cameras: [] as CameraSeed[],
};

/** A camera as written in the config file. */
export interface CameraSeed {
  id: string;
  owner: string;
  /** Default 'interior' (the cautious default: an interior camera contributes only when confirmed). */
  placement?: 'exterior' | 'interior';
  /** The owner confirmed that this interior camera may contribute. */
  interiorConfirmed?: boolean;
  /** The camera's MAC secret, 64 hex: what it sends must carry its MAC (absent: nothing is accepted). */
  secret?: string;
  /** Absent: nothing from this camera leaves the home. */
  consent?: {
    purposes: ('motion' | 'objectron')[];
    version: number;
    /** ISO date-time; default: when the relay starts. */
    granted?: string;
    /** ISO date-time; default: granted + 365 days (consent is re-confirmed yearly). */
    expires?: string;
  };
}

const id = z.string().refine(isValidCameraId, 'expected 1-32 of a-z 0-9 _ - (first a-z 0-9)');
const int = (lo: number, hi: number) => z.number().int().min(lo).max(hi);

const cameraSchema = z.object({
  id,
  owner: id,
  placement: z.enum(['exterior', 'interior']).optional(),
  interiorConfirmed: z.boolean().optional(),
  secret: z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lower-case hex digits').optional(),
  consent: z.object({
    purposes: z.array(z.enum(['motion', 'objectron'])),
    version: int(0, 0xffffffff),
    granted: z.iso.datetime({ offset: true }).optional(),
    expires: z.iso.datetime({ offset: true }).optional(),
  }).strict().optional(),
}).strict();

const schema = z.object({
  dataDir: z.string().min(1),
  broker: z.object({
    url: z.string().regex(/^(mqtts?|wss?|tcp|tls):\/\//, 'expected mqtt://, mqtts://, ws:// or wss://'),
    clientId: z.string().min(1).max(64),
    username: z.string().optional(),
    password: z.string().optional(),
    keepaliveS: int(5, 3600),
    reconnectMs: int(100, 60000),
  }).strict(),
  s3: z.object({
    endpoint: z.url().optional(),
    region: z.string().min(1),
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'expected an S3 bucket name'),
    forcePathStyle: z.boolean().optional(),
    sse: z.enum(['AES256', 'aws:kms']),
    kmsKeyId: z.string().min(1).optional(),
    accessKeyId: z.string().optional(),
    secretAccessKey: z.string().optional(),
    connectTimeoutMs: int(100, 60000),
    requestTimeoutMs: int(1000, 600000),
    thread: z.boolean(),
  }).strict().refine((s) => s.sse !== 'aws:kms' || !!s.kmsKeyId, { message: 'sse aws:kms needs kmsKeyId', path: ['kmsKeyId'] }),
  reassembly: z.object({
    maxBundles: int(1, 4096),
    maxBytes: int(1024, 1073741824),
    timeoutMs: int(1000, 86400000),
    expireEveryMs: int(100, 60000),
  }).strict(),
  upload: z.object({
    concurrency: int(1, 256),
    retryBaseMs: int(10, 600000),
    retryMaxMs: int(10, 3600000),
  }).strict(),
  images: z.object({
    blurPercent: z.number().min(0.1).max(20),
    backgroundJpegQuality: int(1, 100),
    pngCompression: int(0, 9),
    evidenceMaxAgeMs: int(0, 604800000),
    thread: z.boolean(),
  }).strict(),
  status: z.object({
    host: z.string().min(1),
    port: int(0, 65535).nullable(),
  }).strict(),
  log: z.object({ windowMs: int(1000, 86400000) }).strict(),
  sqlite: z.object({ synchronous: z.enum(['full', 'normal']) }).strict(),
  cameras: z.array(cameraSchema),
}).strict();

export type RelayConfig = typeof RELAY_DEFAULTS;

/** A partial config: any subset of fields, nested. */
export type RelayConfigInput = {
  [K in keyof RelayConfig]?: RelayConfig[K] extends unknown[] ? RelayConfig[K] : Partial<RelayConfig[K]> | RelayConfig[K];
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

/** The overrides given by environment variables (see the table above). */
export function configFromEnv(env: Record<string, string | undefined>): RelayConfigInput {
  const s3: Record<string, unknown> = {};
  const broker: Record<string, unknown> = {};
  const out: Record<string, unknown> = {};
  if (env.QUIETCAM_DATA_DIR) out.dataDir = env.QUIETCAM_DATA_DIR;
  if (env.QUIETCAM_BROKER_URL) broker.url = env.QUIETCAM_BROKER_URL;
  if (env.QUIETCAM_BROKER_USERNAME) broker.username = env.QUIETCAM_BROKER_USERNAME;
  if (env.QUIETCAM_BROKER_PASSWORD) broker.password = env.QUIETCAM_BROKER_PASSWORD;
  if (env.QUIETCAM_S3_ENDPOINT) s3.endpoint = env.QUIETCAM_S3_ENDPOINT;
  if (env.QUIETCAM_S3_REGION) s3.region = env.QUIETCAM_S3_REGION;
  if (env.QUIETCAM_S3_BUCKET) s3.bucket = env.QUIETCAM_S3_BUCKET;
  if (env.QUIETCAM_S3_SSE) s3.sse = env.QUIETCAM_S3_SSE;
  if (env.QUIETCAM_S3_KMS_KEY_ID) s3.kmsKeyId = env.QUIETCAM_S3_KMS_KEY_ID;
  if (Object.keys(broker).length) out.broker = broker;
  if (Object.keys(s3).length) out.s3 = s3;
  const port = env.QUIETCAM_STATUS_PORT;
  if (port) out.status = { port: port === 'off' ? null : Number(port) };
  return out as RelayConfigInput;
}

/** Merge overrides onto the defaults and validate. Throws an Error listing every problem. */
export function resolveConfig(...layers: (RelayConfigInput | undefined)[]): RelayConfig {
  let merged: unknown = RELAY_DEFAULTS;
  for (const layer of layers) merged = merge(merged, layer);
  const r = schema.safeParse(merged);
  if (!r.success) throw new Error('relay config:\n' + z.prettifyError(r.error));
  return r.data as RelayConfig;
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

/** Days to ms, for consent defaults. */
export const CONSENT_VALID_MS = 365 * DAY_MS;
