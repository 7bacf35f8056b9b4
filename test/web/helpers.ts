/**
 * The owner pages in-process: the real SQLite adapter on ':memory:' (with the relay's tables),
 * an in-memory bucket and broker, a virtual clock, and a small browser-like client (cookie jar,
 * CSRF token taken from the last page) driving `app.inject`.
 */
import { SqliteRelayStore } from '../../src/adapters/sqlite-store.js';
import { silentLogger } from '../../src/log.js';
import { keyPrefix } from '../../src/relay/s3-keys.js';
import type { ContributionRecord } from '../../src/relay/types.js';
import { sqlitePorts } from '../../src/web/adapters/ports.js';
import { openWebDb, type SqliteDatabase } from '../../src/web/adapters/sqlite-db.js';
import { buildWebApp, type WebApp } from '../../src/web/app.js';
import type { WebConfigInput } from '../../src/web/config.js';
import { MemoryConfigPublisher, MemoryObjects } from '../../src/web/memory.js';
import { CameraLink } from '../../src/web/camera-link.js';
import type { WebPorts } from '../../src/web/ports.js';
import { totpCode } from '../../src/web/totp.js';

export const T0 = Date.UTC(2026, 4, 1, 12, 0, 0);
export const DAY = 86400000;

export interface TestWeb extends WebApp {
  ports: WebPorts;
  db: SqliteDatabase;
  objects: MemoryObjects;
  broker: MemoryConfigPublisher;
  /** Commands the pages sent to boards (live-view requests), oldest first. */
  commands?: { cameraId: string; payload: Uint8Array }[];
  clock: { now: number };
  close(): Promise<void>;
}

export function testWeb(config: WebConfigInput = {}, db: SqliteDatabase = openWebDb(':memory:')): TestWeb {
  const clock = { now: T0 };
  const objects = new MemoryObjects();
  const broker = new MemoryConfigPublisher();
  const sql = sqlitePorts(db);
  const commands: { cameraId: string; payload: Uint8Array }[] = [];
  const cameraLink = new CameraLink({ secretOf: (id) => sql.cameras.get(id)?.secret, clock: () => clock.now, send: async (cameraId, payload) => void commands.push({ cameraId, payload }) });
  const ports: WebPorts = { ...sql, objects, configPublisher: broker, cameraLink, clock: () => clock.now };
  const web = buildWebApp(ports, { cookies: 'secure', passwords: { scryptLogN: 10, minLength: 10 }, ...config }, silentLogger);
  return { ...web, ports, db, objects, broker, commands, clock, close: () => web.app.close() };
}

export interface Res {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
  raw: Buffer;
}

/** One browser: cookies, and the CSRF token of the last page that had a form. */
export class Client {
  cookies = new Map<string, string>();
  csrf = '';
  last: Res | null = null;

  /** `remoteAddress`: the client's socket address (default 127.0.0.1, as app.inject gives). */
  constructor(private readonly web: WebApp, private readonly o: { remoteAddress?: string } = {}) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(method: string, url: string, o: { form?: Record<string, string | string[]>; headers?: Record<string, string>; payload?: string } = {}): Promise<Res> {
    const headers: Record<string, string> = { ...o.headers };
    if (this.cookies.size) headers.cookie = this.cookieHeader();
    let payload = o.payload;
    if (o.form) {
      const p = new URLSearchParams();
      for (const [k, v] of Object.entries(o.form)) for (const x of ([] as string[]).concat(v)) p.append(k, x);
      payload = p.toString();
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
    }
    const r = await this.web.app.inject({ method: method as 'GET', url, headers, payload, remoteAddress: this.o.remoteAddress });
    for (const c of ([] as string[]).concat((r.headers['set-cookie'] as string | string[] | undefined) ?? [])) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i);
      const value = pair.slice(i + 1);
      if (!value || /expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const res: Res = { status: r.statusCode, body: r.body, headers: r.headers as Res['headers'], raw: r.rawPayload };
    const m = /name="_csrf" value="([^"]+)"/.exec(r.body);
    if (m) this.csrf = m[1];
    this.last = res;
    return res;
  }

  get(url: string) {
    return this.request('GET', url);
  }

  /** POST a form with this session's CSRF token (unless the form sets `_csrf` itself). */
  post(url: string, form: Record<string, string | string[]> = {}) {
    return this.request('POST', url, { form: { _csrf: this.csrf, ...form } });
  }
}

export interface Owner {
  client: Client;
  username: string;
  password: string;
  secret: string;
  id: string;
  recoveryCodes: string[];
}

/** Sign up with TOTP enrolment; returns the signed-in client and the account's secrets. */
export async function signUp(web: TestWeb, username: string, password = 'correct horse battery'): Promise<Owner> {
  const client = new Client(web);
  await client.get('/signup');
  const r = await client.post('/signup', { username, password, password2: password });
  if (r.status !== 303) throw new Error(`signup: ${r.status} ${r.body.slice(0, 300)}`);
  const enrol = await client.get('/enrol');
  const secret = /id="totp-secret">([^<]+)</.exec(enrol.body)![1].replace(/\s/g, '');
  const done = await client.post('/enrol', { code: await totpCode(secret, web.clock.now) });
  if (done.status !== 200) throw new Error(`enrol: ${done.status} ${done.body.slice(0, 300)}`);
  const recoveryCodes = [...done.body.matchAll(/<li>([a-z0-9-]{19})<\/li>/g)].map((m) => m[1]);
  const id = web.ports.accounts.byUsername(username)!.id;
  await client.get('/cameras');
  return { client, username, password, secret, id, recoveryCodes };
}

/** Add a camera through the page; returns its id and the pairing token shown once. */
export async function addCamera(owner: Owner, name = 'Porch', placement = 'exterior'): Promise<{ cameraId: string; token: string }> {
  const r = await owner.client.post('/cameras', { name, placement });
  if (r.status !== 201) throw new Error(`add camera: ${r.status} ${r.body.slice(0, 300)}`);
  return { cameraId: /id="camera-id">([^<]+)</.exec(r.body)![1], token: /id="pairing-token">([^<]+)</.exec(r.body)![1] };
}

export const IMAGE_NAMES = ['1-view.jpg', '2-sky.png', '3-static.png', '4-motion.png', '5-background.jpg', 'meta.json'];

/**
 * A contribution as the relay records one: objects in the bucket (keys from the relay's keyPrefix)
 * and a row in the relay's index, written with the relay's own SqliteRelayStore.
 */
export function seedContribution(web: TestWeb, ownerId: string, cameraId: string, bundleId: string, captureTimeMs = web.clock.now): ContributionRecord {
  const prefix = keyPrefix(ownerId, cameraId, captureTimeMs, bundleId);
  const objects = IMAGE_NAMES.map((name) => {
    const body = new TextEncoder().encode(`${ownerId}/${cameraId}/${bundleId}/${name}`);
    const contentType = name.endsWith('.jpg') ? 'image/jpeg' : name.endsWith('.png') ? 'image/png' : 'application/json';
    web.objects.put(prefix + name, body, contentType);
    return { name, key: prefix + name, bytes: body.length, contentType };
  });
  const store = new SqliteRelayStore(web.db);
  const entry = store.accept({ cameraId, bundleId, ownerId, bytes: new Uint8Array(4), captureTimeMs, purposes: 3, consentVersion: 1, firstChunkMs: captureTimeMs, acceptedMs: captureTimeMs });
  if (entry === 'duplicate') throw new Error('seed: duplicate');
  const record: ContributionRecord = { cameraId, bundleId, ownerId, captureTimeMs, purposes: 3, consentVersion: 1, keyPrefix: prefix, objects, uploadedMs: captureTimeMs };
  store.complete(entry.id, record);
  return record;
}

/** Sign in again (after the virtual clock moved past the session's life); replaces owner.client. */
export async function signIn(web: TestWeb, owner: Owner): Promise<Client> {
  const c = new Client(web);
  await c.get('/login');
  const r = await c.post('/login', { username: owner.username, password: owner.password });
  if (r.status !== 303) throw new Error(`sign in: ${r.status}`);
  await c.get('/login/2fa');
  const done = await c.post('/login/2fa', { code: await totpCode(owner.secret, web.clock.now) });
  if (done.status !== 303) throw new Error(`sign in 2fa: ${done.status} ${done.body.slice(0, 200)}`);
  await c.get('/cameras');
  owner.client = c;
  return c;
}

/** Two owners on one fresh app, each with one camera and one stored contribution. */
export interface TwoOwners { web: TestWeb; ann: Owner; bob: Owner; annCam: string; bobCam: string }

/**
 * Fills `c` (web first, so an after hook can close it if a step fails): ann with "Ann porch" and
 * contribution b-ann-1, bob with "Bob drive" and b-bob-1. Returns ann's contribution.
 */
export async function twoOwners(c: TwoOwners): Promise<ContributionRecord> {
  c.web = testWeb();
  c.ann = await signUp(c.web, 'ann');
  c.bob = await signUp(c.web, 'bob');
  c.annCam = (await addCamera(c.ann, 'Ann porch')).cameraId;
  c.bobCam = (await addCamera(c.bob, 'Bob drive')).cameraId;
  const annSeed = seedContribution(c.web, c.ann.id, c.annCam, 'b-ann-1');
  seedContribution(c.web, c.bob.id, c.bobCam, 'b-bob-1');
  return annSeed;
}
