/**
 * A home (the owner pages, in-process, on SQLite ':memory:') and the operator's review console
 * sharing one in-memory bucket and one virtual clock: S3 is the only thing between them, as in
 * production. Contributions are seeded as the relay stores them (real JPEG/PNG made with sharp,
 * a meta.json, and the home index row).
 */
import sharp from 'sharp';
import * as assert from 'uvu/assert';
import { SqliteRelayStore } from '../../src/adapters/sqlite-store.js';
import { SqliteReviewStore } from '../../src/adapters/sqlite-review.js';
import { openReviewDb } from '../../src/adapters/sqlite-review-schema.js';
import { sharpWatermark } from '../../src/adapters/sharp-watermark.js';
import { silentLogger } from '../../src/log.js';
import { MemoryBucket } from '../../src/operator/bucket.js';
import { HomeChannel } from '../../src/operator/home.js';
import { PURPOSE_MOTION, purposeNames } from '../../src/protocol/consent.js';
import { keyPrefix } from '../../src/relay/s3-keys.js';
import { buildReviewApp } from '../../src/review/app.js';
import { noProposals, type ReviewPorts } from '../../src/review/ports.js';
import { addReviewer } from '../../src/review/reviewers.js';
import { sqlitePorts } from '../../src/web/adapters/ports.js';
import { openWebDb } from '../../src/web/adapters/sqlite-db.js';
import { buildWebApp } from '../../src/web/app.js';
import { MemoryConfigPublisher } from '../../src/web/memory.js';
import type { WebPorts } from '../../src/web/ports.js';
import { totpCode } from '../../src/web/totp.js';
import { DAY, T0, type Owner, type TestWeb } from '../web/helpers.js';

export { T0 };
export const W = 320;
export const H = 240;

export interface World {
  bucket: MemoryBucket;
  clock: { now: number };
  home: TestWeb;
  review: ReviewPorts;
  reviewApp: ReturnType<typeof buildReviewApp>;
  close(): Promise<void>;
}

export function world(o: { proposer?: ReviewPorts['proposer']; cookies?: 'secure' | 'insecure-localhost' } = {}): World {
  const bucket = new MemoryBucket();
  const clock = { now: T0 };
  const db = openWebDb(':memory:');
  const broker = new MemoryConfigPublisher();
  const ports: WebPorts = { ...sqlitePorts(db), objects: bucket.objects(), configPublisher: broker, clock: () => clock.now, operator: new HomeChannel(bucket, () => clock.now) };
  const web = buildWebApp(ports, { cookies: o.cookies ?? 'secure', passwords: { scryptLogN: 10, minLength: 10 } }, silentLogger);
  const objects = { put: (k: string, b: Uint8Array, ct: string) => void bucket.put(k, b, ct), list: (p: string) => bucket.list(p) } as unknown as TestWeb['objects'];
  const home: TestWeb = { ...web, ports, db, objects, broker, clock, close: () => web.app.close() };
  const rdb = openReviewDb(':memory:');
  const review: ReviewPorts = { store: new SqliteReviewStore(rdb), bucket, watermark: sharpWatermark, proposer: o.proposer ?? noProposals, clock: () => clock.now };
  const reviewApp = buildReviewApp(review, { cookies: o.cookies ?? 'secure', scryptLogN: 10 });
  return {
    bucket, clock, home, review, reviewApp,
    async close() {
      await reviewApp.close();
      await web.app.close();
      rdb.close();
      db.close();
    },
  };
}

let made: Promise<{ view: Buffer; png: Buffer }> | null = null;
/** A camera view (JPEG) and a motion drawing (PNG, one white box), made once. */
function images() {
  made ??= (async () => ({
    view: await sharp({ create: { width: W, height: H, channels: 3, background: { r: 90, g: 110, b: 90 } } }).jpeg().toBuffer(),
    png: await sharp({ create: { width: W, height: H, channels: 3, background: { r: 0, g: 0, b: 0 } } })
      .composite([{ input: Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><rect x="40" y="60" width="80" height="100" fill="white"/></svg>`) }])
      .greyscale().png().toBuffer(),
  }))();
  return made;
}

/** A contribution as the relay stores it: five images + meta.json in the bucket, the row in the home index. */
export async function seed(w: World, ownerId: string, cameraId: string, bundleId: string, purposes: number, captureTimeMs = w.clock.now): Promise<string> {
  const prefix = keyPrefix(ownerId, cameraId, captureTimeMs, bundleId);
  const { view, png } = await images();
  const meta = { cameraId, ownerId, bundleId, captureTimeMs, captureTime: new Date(captureTimeMs).toISOString(), purposes: purposeNames(purposes), rawView: { width: W, height: H } };
  const objects: [string, Uint8Array, string][] = [
    ['1-view.jpg', view, 'image/jpeg'], ['2-sky.png', png, 'image/png'], ['3-static.png', png, 'image/png'], ['4-motion.png', png, 'image/png'],
    ['5-background.jpg', view, 'image/jpeg'], ['meta.json', new TextEncoder().encode(JSON.stringify(meta)), 'application/json'],
  ];
  for (const [name, body, ct] of objects) await w.bucket.put(prefix + name, body, ct);
  const store = new SqliteRelayStore(w.home.db);
  const entry = store.accept({ cameraId, bundleId, ownerId, bytes: new Uint8Array(4), captureTimeMs, purposes, consentVersion: 1, firstChunkMs: captureTimeMs, acceptedMs: captureTimeMs });
  if (entry === 'duplicate') throw new Error('seed: duplicate');
  store.complete(entry.id, { cameraId, bundleId, ownerId, captureTimeMs, purposes, consentVersion: 1, keyPrefix: prefix, uploadedMs: captureTimeMs, objects: objects.map(([name, body, contentType]) => ({ name, key: prefix + name, bytes: body.length, contentType })) });
  return prefix;
}

/** The owner's choice on her camera's contributions page (`off`, or purposes she agrees to); the page answers 303. */
export async function consentTo(owner: Owner, cameraId: string, choice: string): Promise<void> {
  const r = await owner.client.post(`/cameras/${cameraId}/contributions`, choice === 'off' ? { choice } : { choice, agree: 'yes' });
  assert.is(r.status, 303, `consent ${choice}`);
}

/** The start both console suites share: Porch contributes both purposes (p-1, p-2 stored), Garden Motion only (g-1). */
export async function porchAndGarden(w: World, owner: Owner, porch: string, garden: string): Promise<void> {
  await consentTo(owner, porch, 'both');
  await consentTo(owner, garden, 'motion');
  await seed(w, owner.id, porch, 'p-1', 3, T0 - DAY);
  await seed(w, owner.id, porch, 'p-2', 3, T0 - DAY / 2);
  await seed(w, owner.id, garden, 'g-1', PURPOSE_MOTION, T0 - DAY);
}

/** A reviewer made by the operator's command, and a signed-in browser-like client of the console. */
export async function reviewer(w: World, name: string) {
  const made = await addReviewer(w.review.store, name, w.clock.now, 10);
  if (typeof made === 'string') throw new Error(made);
  return made;
}

export class ReviewClient {
  cookie = '';
  csrf = '';
  constructor(private readonly w: World) {}

  async request(method: 'GET' | 'POST', url: string, form?: Record<string, string>) {
    const headers: Record<string, string> = {};
    if (this.cookie) headers.cookie = this.cookie;
    let payload: string | undefined;
    if (form) {
      payload = new URLSearchParams({ _csrf: this.csrf, ...form }).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const r = await this.w.reviewApp.inject({ method, url, headers, payload });
    const set = r.headers['set-cookie'];
    for (const c of ([] as string[]).concat((set as string | string[] | undefined) ?? [])) {
      const pair = c.split(';')[0];
      this.cookie = /=$/.test(pair) || /expires=Thu, 01 Jan 1970/i.test(c) ? '' : pair;
    }
    const m = /name="_csrf" value="([^"]+)"/.exec(r.body);
    if (m && r.headers['content-type']?.toString().startsWith('text/html')) this.csrf = m[1];
    return r;
  }

  async signIn(name: string, password: string, secret: string) {
    await this.request('GET', '/login');
    const r = await this.request('POST', '/login', { name, password, code: await totpCode(secret, this.w.clock.now) });
    if (r.statusCode === 303) await this.request('GET', '/'); // the signed-in session's CSRF token
    return r;
  }
}
