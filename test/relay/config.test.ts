/** Relay config: defaults, file < env < code, one error listing every problem. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { describeConfig, loadConfig, RELAY_DEFAULTS, resolveConfig } from '../../src/relay/config.js';
import { tempDir } from './helpers/env.js';

test('the defaults are valid: eu-west-1, AES256, ./data, loopback broker', () => {
  const c = resolveConfig();
  assert.is(c.s3.region, 'eu-west-1');
  assert.is(c.s3.sse, 'AES256');
  assert.is(c.s3.endpoint, undefined);
  assert.is(c.dataDir, './data');
  assert.is(c.broker.url, 'mqtt://127.0.0.1:1883');
  assert.equal(c.cameras, []);
});

test('file < environment < overrides; relative dataDir resolved', () => {
  const { dir, cleanup } = tempDir();
  const file = join(dir, 'relay.json');
  writeFileSync(file, JSON.stringify({ s3: { bucket: 'from-file', region: 'eu-central-1' }, broker: { url: 'mqtt://file:1883' }, cameras: [{ id: 'porch', owner: 'alice' }] }));
  const c = loadConfig({
    file,
    env: { QUIETCAM_BROKER_URL: 'mqtts://env:8883', QUIETCAM_S3_SSE: 'aws:kms', QUIETCAM_S3_KMS_KEY_ID: 'key-1', QUIETCAM_STATUS_PORT: 'off' },
    overrides: { s3: { bucket: 'from-code' } },
  });
  assert.is(c.s3.bucket, 'from-code');
  assert.is(c.s3.region, 'eu-central-1');
  assert.is(c.broker.url, 'mqtts://env:8883');
  assert.is(c.s3.sse, 'aws:kms');
  assert.is(c.s3.kmsKeyId, 'key-1');
  assert.is(c.status.port, null);
  assert.is(c.cameras[0].id, 'porch');
  assert.ok(c.dataDir.startsWith('/'));
  assert.is(RELAY_DEFAULTS.s3.bucket, 'quietcam-contributions', 'defaults untouched');
  cleanup();
});

test('QUIETCAM_RELAY_CONFIG names the file', () => {
  const { dir, cleanup } = tempDir();
  const file = join(dir, 'r.json');
  writeFileSync(file, JSON.stringify({ dataDir: dir }));
  assert.is(loadConfig({ env: { QUIETCAM_RELAY_CONFIG: file } }).dataDir, dir);
  cleanup();
});

test('invalid config: one error naming every bad field', () => {
  try {
    resolveConfig({ s3: { sse: 'aws:kms', bucket: 'Bad_Bucket' }, upload: { concurrency: 0 }, cameras: [{ id: 'Porch!', owner: 'alice' }] } as never);
    assert.unreachable();
  } catch (err) {
    const m = (err as Error).message;
    for (const field of ['kmsKeyId', 'bucket', 'concurrency', 'cameras']) assert.ok(m.includes(field), `${field} in: ${m}`);
  }
});

test('unknown keys are refused (typos do not pass silently)', () => {
  assert.throws(() => resolveConfig({ s3: { regoin: 'x' } } as never), /regoin/);
});

test('a missing or broken file is an error naming it', () => {
  assert.throws(() => loadConfig({ file: '/nonexistent/relay.json', env: {} }), /nonexistent\/relay.json/);
});

test('every numeric setting states its unit, range and reason beside its default (one schema)', () => {
  const settings = describeConfig();
  const numeric = settings.filter((s) => typeof s.default === 'number' && s.path !== 'status.port');
  assert.ok(numeric.length >= 15, `${numeric.length} numeric settings`);
  for (const s of numeric) {
    assert.ok(s.unit && s.description, `${s.path}: unit and reason`);
    assert.ok(s.min !== undefined && s.max !== undefined && s.min <= (s.default as number) && (s.default as number) <= s.max, `${s.path}: default within its range`);
  }
  assert.equal(settings.find((s) => s.path === 'upload.concurrency')!.default, RELAY_DEFAULTS.upload.concurrency);
});

test('settings that no longer do anything are refused (the thread options, the PNG level)', () => {
  assert.throws(() => resolveConfig({ s3: { thread: true } } as never), /thread/);
  assert.throws(() => resolveConfig({ images: { thread: true } } as never), /thread/);
  assert.throws(() => resolveConfig({ images: { pngCompression: 2 } } as never), /pngCompression/);
});

test.run();
