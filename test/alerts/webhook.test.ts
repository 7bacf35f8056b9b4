/**
 * The account webhook against a real local HTTP server that verifies like a receiver should
 * (src/alerts/channels/README.md): the HMAC over `timestamp.body`, a 5-minute window, each delivery id once.
 * Retries with back-off, a final failure, one slow receiver never holding up another owner's alert.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { webhookChannel, webhookUrlOk } from '../../src/alerts/channels/webhook.js';
import { AlertDispatcher } from '../../src/alerts/dispatcher.js';
import { signWebhook, verifyWebhook } from '../../src/alerts/webhook-signature.js';
import { tempDir, waitFor } from '../relay/helpers/env.js';
import { alertStore, enrol, jpegFile, memoryLog, OWNER, percentile, sampleAlert } from './helpers.js';

const SECRET = 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3I';

interface Got { headers: IncomingMessage['headers']; body: string; verdict: string; atMs: number; path: string }

/** A receiver: verifies, refuses replays (a delivery id seen before), answers per path from `script`. */
class Receiver {
  server!: Server;
  url = '';
  got: Got[] = [];
  seen = new Set<string>();
  /** path -> statuses to answer in turn (then 200); 'hang' never answers. */
  script: Record<string, (number | 'hang')[]> = {};

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let verdict: string = verifyWebhook(SECRET, req.headers['x-quietcam-timestamp'] as string, req.headers['x-quietcam-signature'] as string, body, Date.now());
      const id = String(req.headers['x-quietcam-delivery']);
      if (verdict === 'ok' && this.seen.has(id)) verdict = 'replay';
      const next = this.script[req.url!]?.shift();
      this.got.push({ headers: req.headers, body, verdict, atMs: Date.now(), path: req.url! });
      if (next === 'hang') return;
      if (verdict !== 'ok') {
        res.writeHead(verdict === 'replay' ? 409 : 401).end(verdict);
        return;
      }
      const status = next ?? 200;
      if (status === 200) this.seen.add(id);
      res.writeHead(status).end();
    });
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

interface Ctx { rx: Receiver; tmp: ReturnType<typeof tempDir>; closers: (() => Promise<void>)[] }
const test = suite<Ctx>('alerts: signed webhook');

test.before.each(async (c) => {
  c.rx = new Receiver();
  await c.rx.start();
  c.tmp = tempDir('quietcam-webhook-');
  c.closers = [];
});
test.after.each(async (c) => {
  for (const close of c.closers) await close().catch(() => {});
  await c.rx.stop();
  c.tmp.cleanup();
});

function dispatcher(c: Ctx, o: Parameters<typeof webhookChannel>[0] = {}) {
  const store = alertStore();
  const log = memoryLog();
  const d = new AlertDispatcher({ store, channels: [webhookChannel({ baseDelayMs: 20, timeoutMs: 2000, ...o })], pagesUrl: 'https://cams.example.org/', log });
  c.closers.push(() => d.close(3000));
  return { store, d, log };
}

test('a person alert arrives signed; the receiver verifies it; the body has verdict, score, time and an owner-only image URL', async (c) => {
  const { store, d } = dispatcher(c);
  enrol(store, 'porch', { webhookUrl: `${c.rx.url}/hook`, webhookSecret: SECRET });
  const latencies: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = Date.now();
    d.send(sampleAlert('porch', jpegFile(c.tmp.dir)));
    await waitFor(() => c.rx.got.length === i + 1, 5000, 'the webhook call', 2);
    latencies.push(c.rx.got[i].atMs - t);
  }
  console.log(`webhook latency (send -> receiver, loopback, 20 alerts): p50 ${percentile(latencies, 50)} ms, max ${Math.max(...latencies)} ms`);
  const g = c.rx.got[0];
  assert.is(g.verdict, 'ok');
  assert.is(g.headers['content-type'], 'application/json');
  assert.match(String(g.headers['x-quietcam-signature']), /^v1=[0-9a-f]{64}$/);
  const body = JSON.parse(g.body);
  assert.is(body.verdict, 'person');
  assert.is(body.score, 0.87);
  assert.is(body.camera, 'porch');
  assert.is(body.at, new Date(body.atMs).toISOString());
  const seq = store.latest(OWNER.id, 100).at(-1)!.seq;
  assert.is(body.image, `https://cams.example.org/alerts/${seq}/image`, 'a URL of the owner pages (it needs the owner\'s session), not the file');
  assert.not.ok(g.body.includes(c.tmp.dir), 'the server-side path never leaves');
  await waitFor(() => store.get(OWNER.id, seq)?.deliveries.webhook === 'sent', 2000, 'the delivery recorded');
});

test('the receiver refuses a replayed delivery, a stale timestamp and a changed body', async (c) => {
  const { store, d } = dispatcher(c);
  enrol(store, 'porch', { webhookUrl: `${c.rx.url}/hook`, webhookSecret: SECRET });
  d.send(sampleAlert('porch', jpegFile(c.tmp.dir)));
  await waitFor(() => c.rx.got.length === 1, 5000, 'the webhook call');
  const first = c.rx.got[0];
  assert.is(first.verdict, 'ok');
  const headers = (h: Record<string, string>) => ({ 'content-type': 'application/json', ...h });
  const again = await fetch(`${c.rx.url}/hook`, { method: 'POST', body: first.body, headers: headers({ 'x-quietcam-timestamp': String(first.headers['x-quietcam-timestamp']), 'x-quietcam-signature': String(first.headers['x-quietcam-signature']), 'x-quietcam-delivery': String(first.headers['x-quietcam-delivery']) }) });
  assert.is(again.status, 409, 'the same delivery again: a replay');
  const old = Math.floor(Date.now() / 1000) - 301;
  const stale = await fetch(`${c.rx.url}/hook`, { method: 'POST', body: first.body, headers: headers({ 'x-quietcam-timestamp': String(old), 'x-quietcam-signature': signWebhook(SECRET, old, first.body), 'x-quietcam-delivery': 'other' }) });
  assert.is(stale.status, 401);
  assert.is(c.rx.got.at(-1)!.verdict, 'stale', 'outside the 5-minute window, even with a good signature');
  const changed = first.body.replace('"person"', '"nobody"');
  const forged = await fetch(`${c.rx.url}/hook`, { method: 'POST', body: changed, headers: headers({ 'x-quietcam-timestamp': String(first.headers['x-quietcam-timestamp']), 'x-quietcam-signature': String(first.headers['x-quietcam-signature']), 'x-quietcam-delivery': 'x2' }) });
  assert.is(forged.status, 401);
  assert.is(verifyWebhook('another-secret', String(first.headers['x-quietcam-timestamp']), String(first.headers['x-quietcam-signature']), first.body, Date.now()), 'bad-signature');
});

test('5xx and 429 are retried with back-off, each attempt signed afresh, the same delivery id; a 400 is final; attempts are bounded', async (c) => {
  const { store, d } = dispatcher(c, { attempts: 4 });
  enrol(store, 'porch', { webhookUrl: `${c.rx.url}/flaky`, webhookSecret: SECRET });
  c.rx.script['/flaky'] = [503, 429];
  d.send(sampleAlert('porch', jpegFile(c.tmp.dir)));
  await waitFor(() => c.rx.got.filter((g) => g.path === '/flaky').length === 3, 5000, 'three attempts');
  const tries = c.rx.got;
  assert.ok(tries.every((g) => g.verdict === 'ok'), 'every attempt verifies');
  assert.is(new Set(tries.map((g) => g.headers['x-quietcam-delivery'])).size, 1);
  assert.ok(tries[1].atMs - tries[0].atMs >= 18 && tries[2].atMs - tries[1].atMs >= 38, `back-off doubles: ${tries.map((g) => g.atMs - tries[0].atMs)}`);
  const seq = store.latest(OWNER.id, 1)[0].seq;
  await waitFor(() => store.get(OWNER.id, seq)?.deliveries.webhook === 'sent (attempt 3)', 2000, 'recorded as sent on the third attempt');

  c.rx.got = [];
  c.rx.script['/flaky'] = [400];
  d.send(sampleAlert('porch', jpegFile(c.tmp.dir)));
  const seq2 = await waitFor(() => (store.latest(OWNER.id, 1)[0].seq !== seq ? store.latest(OWNER.id, 1)[0] : null), 2000, 'the second alert');
  await waitFor(() => store.get(OWNER.id, seq2.seq)?.deliveries.webhook?.startsWith('failed'), 2000, 'a final failure');
  assert.is(store.get(OWNER.id, seq2.seq)!.deliveries.webhook, 'failed: HTTP 400');
  assert.is(c.rx.got.length, 1, 'a 400 is not retried');

  c.rx.got = [];
  c.rx.script['/flaky'] = [500, 500, 500, 500, 500, 500];
  d.send(sampleAlert('porch', jpegFile(c.tmp.dir)));
  await waitFor(() => d.counts().failed.webhook === 2, 5000, 'given up');
  assert.is(c.rx.got.length, 4, 'at most `attempts` tries');
});

test('a receiver that hangs does not hold up another owner\'s alert; alerts off: nothing is sent', async (c) => {
  const { store, d } = dispatcher(c, { timeoutMs: 1500, attempts: 1 });
  const other = { id: 'own-2', username: 'otto' };
  enrol(store, 'porch', { webhookUrl: `${c.rx.url}/slow`, webhookSecret: SECRET });
  enrol(store, 'gate', { webhookUrl: `${c.rx.url}/fast`, webhookSecret: SECRET }, other);
  c.rx.script['/slow'] = ['hang'];
  d.send(sampleAlert('porch', jpegFile(c.tmp.dir)));
  await waitFor(() => c.rx.got.length === 1, 2000, 'the slow call');
  const t = Date.now();
  d.send(sampleAlert('gate', jpegFile(c.tmp.dir), other));
  await waitFor(() => c.rx.got.some((g) => g.path === '/fast'), 1000, 'the other owner\'s call');
  assert.ok(Date.now() - t < 500, 'not queued behind the hanging one');
  await waitFor(() => d.counts().failed.webhook === 1, 3000, 'the hanging one timed out');

  store.setEnabled(other.id, 'gate', false, other, Date.now());
  const before = c.rx.got.length;
  d.send(sampleAlert('gate', jpegFile(c.tmp.dir), other));
  d.send(sampleAlert('porch', jpegFile(c.tmp.dir), other)); // not other's camera
  await new Promise((r) => setTimeout(r, 100));
  assert.is(c.rx.got.length, before);
  assert.is(d.counts().off, 2);
});

test('only http(s) URLs without credentials', () => {
  assert.ok(webhookUrlOk('https://hooks.example.org/q?x=1'));
  assert.ok(webhookUrlOk('http://192.168.1.10:8123/api/webhook/abc'));
  for (const bad of ['ftp://x/y', 'javascript:alert(1)', 'file:///etc/passwd', 'https://u:p@x.org/', 'not a url', 'https://x.org/' + 'a'.repeat(2000)]) assert.not.ok(webhookUrlOk(bad), bad);
});

test.run();
