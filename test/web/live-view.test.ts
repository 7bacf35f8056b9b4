/**
 * The cameras page's state at a glance (the boards' signed status, src/web/camera-link.ts) and the
 * live view (src/web/routes/live-view.ts) in-process: only a status with the camera's MAC counts,
 * online turns offline after 2 intervals; only the signed-in owner can start a live view, the
 * request the pages send is one the board takes (and a replay of it is not), each start is in the
 * owner's access log, and the MJPEG stream carries only that camera's frames answering that
 * request, with the camera's live MAC.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { LiveView } from '../../firmware/app/live-view.ts';
import { statusMacDomain, statusText, type CameraStatus } from '../../src/protocol/camera-status.js';
import { encodeLiveFrame, openLiveRequest } from '../../src/protocol/live-view.js';
import { hexToBytes, macKey, signJson, SECRET_BYTES } from '../../src/protocol/mac.js';
import { liveTopic, statusTopic } from '../../src/protocol/topics.js';
import { deleteAccount, removeCamera } from '../../src/web/removal.js';
import { Client, twoOwners, type TwoOwners } from './helpers.js';

const test = suite<TwoOwners>('web camera status and live view');
test.before.each(async (c) => { await twoOwners(c); });
test.after.each(async (c) => { await c.web.close(); });

const keyOf = (c: TwoOwners, cameraId: string) => macKey(hexToBytes(c.web.ports.cameras.get(cameraId)!.secret, SECRET_BYTES)!);

function status(c: TwoOwners, cameraId: string, over: Partial<CameraStatus> = {}, key = keyOf(c, cameraId)): Uint8Array {
  const s: CameraStatus = {
    camera: cameraId, fw: '0.1.0', board: 'esp32-cam-ai-thinker', timeMs: c.web.clock.now, clockSynced: true, uptimeS: 7200, everyMs: 60000,
    fps10: 98, heap: 163840, rssi: -67, frames: 70000, events: 3, lastEventMs: c.web.clock.now - 600000, ...over,
  };
  return new Uint8Array(Buffer.from(signJson(key, statusMacDomain(cameraId), statusText(s)), 'ascii'));
}

function liveFrame(c: TwoOwners, cameraId: string, session: number, index: number, key = keyOf(c, cameraId)): Uint8Array {
  const jpeg = new Uint8Array(300).map((_, i) => (i * 7 + index) & 255);
  jpeg[0] = 0xff;
  jpeg[1] = 0xd8;
  const out = new Uint8Array(400);
  const n = encodeLiveFrame(out, key, { cameraId, eventId: session, index, count: 0, timeMs: c.web.clock.now, offsetMs: index * 500, width: 160, height: 120 }, jpeg, jpeg.length);
  return out.subarray(0, n);
}

test('the cameras page shows the verified status: online, firmware, frame rate, heap, Wi-Fi, last event; offline after 2 intervals', async (c) => {
  const link = c.web.ports.cameraLink!;
  link.handle(statusTopic(c.annCam), status(c, c.annCam));
  let page = (await c.ann.client.get('/cameras')).body;
  const row = /<tr><td data-label="Camera"><a href="\/cameras\/[^"]+">Ann porch[\s\S]*?<\/tr>/.exec(page)![0];
  assert.match(row, /<strong class="state">online<\/strong>/);
  assert.match(row, /firmware 0\.1\.0 \(esp32-cam-ai-thinker\)<br>9\.8 frames\/s · free heap 160 KB<br>Wi-Fi -67 dBm \(fair\)/);
  assert.match(row, /data-label="Last event">2026-05-01 11:50:00 UTC/);
  assert.match(row, /data-label="Consent">Off<br><span>off: nothing leaves your home<\/span>/);
  assert.match(row, /data-label="Alerts"><a href="\/alerts\/settings">off/);
  link.handle(statusTopic(c.annCam), status(c, c.annCam, { fps10: 0, frames: 1, uptimeS: 0 })); // at the first frame after a reboot
  assert.match((await c.ann.client.get('/cameras')).body, /frame rate not measured yet · free heap 160 KB/);
  c.web.clock.now += 121000;
  page = (await c.ann.client.get('/cameras')).body;
  assert.match(page, /<strong class="state">offline<\/strong><br><small>last seen 2026-05-01 12:00:00 UTC/);
  const cam = (await c.ann.client.get(`/cameras/${c.annCam}`)).body;
  assert.match(cam, /id="camera-activity"><strong class="state">offline<\/strong>, last seen 2026-05-01 12:00:00 UTC · last event: 2026-05-01 11:50:00 UTC/);
  assert.match(cam, /id="camera-device"><span class="device">firmware 0\.1\.0/);
});

test('a status without the camera MAC, with another camera\'s MAC or for another topic counts for nothing', async (c) => {
  const link = c.web.ports.cameraLink!;
  link.handle(statusTopic(c.annCam), status(c, c.annCam, {}, macKey(new Uint8Array(32).fill(9))));
  link.handle(statusTopic(c.annCam), status(c, c.annCam, {}, keyOf(c, c.bobCam)));
  link.handle(statusTopic(c.annCam), status(c, c.bobCam)); // bob's genuine status, replayed on ann's topic
  link.handle(statusTopic('nobody'), status(c, c.annCam));
  assert.is(link.status(c.annCam), null);
  assert.is(link.refused.status, 4);
  const row = /<tr><td data-label="Camera"><a href="\/cameras\/[^"]+">Ann porch[\s\S]*?<\/tr>/.exec((await c.ann.client.get('/cameras')).body)![0];
  assert.match(row, /<strong class="state">offline<\/strong>/, 'seen by the relay (its contribution), no status: offline');
  assert.match(row, /data-label="Device"><span>-<\/span>/);
});

test('removing a camera, or the account, forgets its status in the pages\' memory', async (c) => {
  const link = c.web.ports.cameraLink!;
  link.handle(statusTopic(c.annCam), status(c, c.annCam));
  link.handle(statusTopic(c.bobCam), status(c, c.bobCam));
  assert.ok(link.status(c.annCam) && link.status(c.bobCam));
  const r = await c.ann.client.post(`/cameras/${c.annCam}/remove`, { contributions: 'keep', confirm: 'yes' });
  assert.is(r.status, 303);
  assert.is(link.status(c.annCam), null, 'the removed camera');
  assert.ok(link.status(c.bobCam), 'another owner\'s camera is untouched');
  const bob = c.web.ports.accounts.byId(c.bob.id)!;
  assert.ok((await deleteAccount(c.web.ports, c.web.ctx.config, bob)).deleted);
  assert.is(link.status(c.bobCam), null, 'the deleted account\'s camera');
});

test('the owner starts a live view: a request the board takes once, an access-log entry, a page with the stream and no inline script', async (c) => {
  const r = await c.ann.client.post(`/cameras/${c.annCam}/live`);
  assert.is(r.status, 303);
  assert.is(r.headers.location, `/cameras/${c.annCam}/live`);
  const sent = c.web.commands!;
  assert.is(sent.length, 1);
  assert.is(sent[0].cameraId, c.annCam);
  const opened = openLiveRequest(keyOf(c, c.annCam), c.annCam, sent[0].payload);
  assert.ok(opened.ok);
  if (opened.ok) assert.equal({ ...opened.request, counter: 0 }, { counter: 0, expiresMs: c.web.clock.now + 30000, seconds: 60, fps: 2 });
  // the board's own check: taken once, a replay refused, another camera's board refuses it
  const settings = new Map<string, string>();
  const board = new LiveView({ get: (k) => settings.get(k), set: (k, v) => void settings.set(k, v) }, c.annCam, keyOf(c, c.annCam), { maxFps: 2, maxSeconds: 60, maxBytes: 32768 });
  assert.is(board.receive(sent[0].payload, c.web.clock.now + 1000, true, 0), '');
  assert.is(board.receive(sent[0].payload, c.web.clock.now + 2000, true, 0), 'replayed');
  assert.is(board.receive(sent[0].payload, c.web.clock.now + 31000, true, 0), 'replayed');
  const bobBoard = new LiveView({ get: () => undefined, set: () => {} }, c.bobCam, keyOf(c, c.bobCam), { maxFps: 2, maxSeconds: 60, maxBytes: 32768 });
  assert.is(bobBoard.receive(sent[0].payload, c.web.clock.now, true, 0), 'bad-mac');
  const log = c.web.ports.accessLog.listForOwner(c.ann.id, 10);
  assert.is(log.length, 1);
  assert.equal({ ...log[0] }, { ownerId: c.ann.id, viewerId: c.ann.id, viewer: 'ann', viewerRole: 'owner', cameraId: c.annCam, bundleId: 'live', object: 'live view', why: 'live view for 60 s, started by the owner', atMs: c.web.clock.now });
  const p = await c.ann.client.get(`/cameras/${c.annCam}/live`);
  assert.is(p.status, 200);
  assert.match(p.body, new RegExp(`<img id="live-frame" class="live" src="/cameras/${c.annCam}/live.mjpeg"`));
  assert.match(p.body, /<script src="\/static\/live-view.js" defer><\/script>/);
  assert.not.match(p.body, /<script>|\son[a-z]+="/, 'no inline script or handler');
  assert.match(String(p.headers['content-security-policy']), /script-src 'self'/);
  assert.not.match(String(p.headers['content-security-policy']), /unsafe-inline/);
  const cam = (await c.ann.client.get(`/cameras/${c.annCam}`)).body;
  assert.match(cam, new RegExp(`<form method="post" action="/cameras/${c.annCam}/live" id="live-start">`));
});

test('the access log says what an own live view is: "you", the camera\'s live view, not a stranger\'s look at a contribution', async (c) => {
  c.web.ports.accessLog.record({ ownerId: c.ann.id, viewerId: 'r1', viewer: 'rita', viewerRole: 'reviewer', cameraId: c.annCam, bundleId: 'b-1', object: '1-view.jpg', why: 'annotate boxes', atMs: c.web.clock.now - 1000 });
  await c.ann.client.post(`/cameras/${c.annCam}/live`);
  const body = (await c.ann.client.get('/access-log')).body;
  assert.not.match(body, /someone other than you/, 'the page lists her own live views too');
  assert.match(body, /your own live views of your cameras/);
  const rows = [...body.matchAll(/<tr class="([a-z-]+)">([\s\S]*?)<\/tr>/g)].map((m) => [m[1], m[2].replace(/>\s+</g, '><').replace(/<[^>]+>/g, '|').replace(/\s+/g, ' ').replace(/\|+/g, '|')]);
  assert.is(rows.length, 2, JSON.stringify(rows));
  assert.is(rows[0][0], 'own-view');
  assert.match(rows[0][1], /\|you, live view\|Ann porch: live view\|live view for 60 s, started by the owner\|/);
  assert.not.match(rows[0][1], /ann \(owner\)|\/ live \//);
  assert.is(rows[1][0], 'other-view');
  assert.match(rows[1][1], /\|rita \(reviewer\)\|Ann porch \/ b-1 \/ 1-view\.jpg\|annotate boxes\|/);
});

test('the stream: only this camera\'s frames answering this request, with its live MAC, as MJPEG; it ends with the minute', async (c) => {
  await c.ann.client.post(`/cameras/${c.annCam}/live`);
  const req = openLiveRequest(keyOf(c, c.annCam), c.annCam, c.web.commands![0].payload);
  assert.ok(req.ok);
  const session = req.ok ? req.request.counter % 2 ** 32 : 0;
  const link = c.web.ports.cameraLink!;
  const streaming = c.ann.client.get(`/cameras/${c.annCam}/live.mjpeg`);
  for (let i = 0; i < 50 && link.watchers(c.annCam) === 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.is(link.watchers(c.annCam), 1);
  link.handle(liveTopic(c.annCam), liveFrame(c, c.annCam, session, 0));
  link.handle(liveTopic(c.annCam), liveFrame(c, c.annCam, session, 1, macKey(new Uint8Array(32).fill(3)))); // forged
  link.handle(liveTopic(c.annCam), liveFrame(c, c.annCam, session + 1, 2)); // another request's
  link.handle(liveTopic(c.annCam), liveFrame(c, c.bobCam, session, 3)); // bob's frame on ann's topic
  link.handle(liveTopic(c.annCam), liveFrame(c, c.annCam, session, 4));
  c.web.clock.now += 61000; // the minute is over: the stream ends at the next check
  const r = await streaming;
  assert.is(r.status, 200);
  assert.match(String(r.headers['content-type']), /^multipart\/x-mixed-replace; boundary=quietcam-live-frame/);
  assert.is(r.headers['cache-control'], 'no-store');
  const parts = r.raw.toString('latin1').split('--quietcam-live-frame\r\n').filter(Boolean);
  assert.is(parts.length, 2, 'the two genuine frames');
  const head = 'Content-Type: image/jpeg\r\nContent-Length: 300\r\n\r\n';
  for (const [k, part] of parts.entries()) {
    assert.ok(part.startsWith(`${head}\xff\xd8`), `part ${k}: headers, then the JPEG`);
    assert.is(part.charCodeAt(head.length + 2), 2 * 7 + [0, 4][k], `part ${k} is frame ${[0, 4][k]}`);
  }
  assert.is(link.watchers(c.annCam), 0, 'the watcher is gone');
  assert.is(link.refused.live, 2, 'the forged frame and bob\'s frame on ann\'s topic');
  assert.is((await c.ann.client.get(`/cameras/${c.annCam}/live.mjpeg`)).status, 404, 'no stream after the minute');
});

test('the stream ends when the owner signs out, before the minute is over', async (c) => {
  await c.ann.client.post(`/cameras/${c.annCam}/live`);
  const link = c.web.ports.cameraLink!;
  const streaming = c.ann.client.get(`/cameras/${c.annCam}/live.mjpeg`);
  for (let i = 0; i < 50 && link.watchers(c.annCam) === 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.is(link.watchers(c.annCam), 1);
  const other = new Client(c.web);
  other.cookies = new Map(c.ann.client.cookies);
  other.csrf = c.ann.client.csrf;
  assert.is((await other.post('/logout')).status, 303);
  const started = Date.now();
  assert.is((await streaming).status, 200);
  assert.ok(Date.now() - started < 2500, 'ended within the next check (1 s)');
  assert.is(link.watchers(c.annCam), 0);
});

test('removing the camera ends its open live view at once: the stream closes, live.json answers 404; another owner\'s goes on', async (c) => {
  await c.ann.client.post(`/cameras/${c.annCam}/live`);
  await c.bob.client.post(`/cameras/${c.bobCam}/live`);
  assert.equal(JSON.parse((await c.ann.client.get(`/cameras/${c.annCam}/live.json`)).body), { running: true, secondsLeft: 60 });
  const link = c.web.ports.cameraLink!;
  const streaming = c.ann.client.get(`/cameras/${c.annCam}/live.mjpeg`);
  const bobStreaming = c.bob.client.get(`/cameras/${c.bobCam}/live.mjpeg`);
  for (let i = 0; i < 50 && (link.watchers(c.annCam) === 0 || link.watchers(c.bobCam) === 0); i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal([link.watchers(c.annCam), link.watchers(c.bobCam)], [1, 1]);
  assert.is((await c.ann.client.post(`/cameras/${c.annCam}/remove`, { contributions: 'keep', confirm: 'yes' })).status, 303);
  assert.is(link.watchers(c.annCam), 0, 'closed by the removal itself, not at the next check');
  assert.is((await streaming).status, 200);
  const state = await c.ann.client.get(`/cameras/${c.annCam}/live.json`);
  assert.is(state.status, 404, 'the page\'s script shows it ended');
  assert.is((await c.ann.client.get(`/cameras/${c.annCam}/live.mjpeg`)).status, 404);
  assert.is(link.watchers(c.bobCam), 1, 'bob\'s live view goes on');
  assert.equal(JSON.parse((await c.bob.client.get(`/cameras/${c.bobCam}/live.json`)).body), { running: true, secondsLeft: 60 });
  c.web.clock.now += 61000;
  assert.is((await bobStreaming).status, 200);
  assert.equal(JSON.parse((await c.bob.client.get(`/cameras/${c.bobCam}/live.json`)).body), { running: false, secondsLeft: 0 }, 'the minute is over');
});

test('a camera that leaves the account another way (removal.ts called without the route) ends its stream at the next check', async (c) => {
  await c.bob.client.post(`/cameras/${c.bobCam}/live`);
  const link = c.web.ports.cameraLink!;
  const streaming = c.bob.client.get(`/cameras/${c.bobCam}/live.mjpeg`);
  for (let i = 0; i < 50 && link.watchers(c.bobCam) === 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.is(link.watchers(c.bobCam), 1);
  const started = Date.now();
  await removeCamera(c.web.ports, c.web.ctx.config, c.web.ports.cameras.get(c.bobCam)!, false);
  const ended = await Promise.race([streaming.then(() => true), new Promise((r) => setTimeout(() => r(false), 3000))]);
  assert.ok(ended, 'the stream ended');
  assert.ok(Date.now() - started < 2500, 'ended within the next check (1 s)');
  assert.is(link.watchers(c.bobCam), 0);
});

test('nobody but the owner: another owner, a reviewer, no session, no CSRF token get nothing and send nothing', async (c) => {
  assert.is((await c.bob.client.post(`/cameras/${c.annCam}/live`)).status, 404);
  assert.is((await c.bob.client.get(`/cameras/${c.annCam}/live`)).status, 404);
  await c.ann.client.post(`/cameras/${c.annCam}/live`);
  assert.is(c.web.commands!.length, 1);
  assert.is((await c.bob.client.get(`/cameras/${c.annCam}/live.mjpeg`)).status, 404, 'ann\'s running live view is not bob\'s');
  c.web.ports.accounts.setRole(c.bob.id, 'reviewer');
  assert.is((await c.bob.client.post(`/cameras/${c.annCam}/live`)).status, 404);
  assert.is((await c.ann.client.request('POST', `/cameras/${c.annCam}/live`, { form: {} })).status, 403, 'no CSRF token');
  const anon = await new Client(c.web).get(`/cameras/${c.annCam}/live.mjpeg`);
  assert.ok(anon.status === 303 || anon.status === 401, `anonymous: ${anon.status}`);
  assert.is(c.web.commands!.length, 1, 'only ann\'s one request went out');
  assert.is(c.web.ports.accessLog.listForOwner(c.ann.id, 10).length, 1);
});

test.run();
