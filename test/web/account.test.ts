/**
 * The account page: delete my account (everything in S3, every version, proven by a re-list; the
 * cameras' logins; sessions; consent evidence kept), change password, a new phone after a
 * recovery-code sign-in, the QR code, and removing one camera (keep or delete its contributions).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { totpCode } from '../../src/web/totp.js';
import { addCamera, Client, seedContribution, signIn, signUp, T0, testWeb, type Owner, type TestWeb } from './helpers.js';

interface Ctx { web: TestWeb; ann: Owner; bob: Owner; porch: { cameraId: string; token: string }; yard: { cameraId: string; token: string } }
const test = suite<Ctx>('web account');

test.before.each(async (c) => {
  c.web = testWeb();
  c.ann = await signUp(c.web, 'ann');
  c.bob = await signUp(c.web, 'bob');
  c.porch = await addCamera(c.ann, 'Porch');
  c.yard = await addCamera(c.ann, 'Yard');
  await c.ann.client.post(`/cameras/${c.porch.cameraId}/contributions`, { choice: 'motion', agree: 'yes' });
  seedContribution(c.web, c.ann.id, c.porch.cameraId, 'p-1', T0);
  seedContribution(c.web, c.ann.id, c.yard.cameraId, 'y-1', T0);
  const rec = c.web.ports.contributions.get(c.ann.id, c.yard.cameraId, 'y-1')!;
  c.web.objects.put(rec.objects[0].key, new Uint8Array([9]), 'image/jpeg'); // a second version
  c.web.objects.put(`contributions/${c.ann.id}/stray/upload-that-raced.jpg`, new Uint8Array([1]), 'image/jpeg'); // no index row
  const bobCam = await addCamera(c.bob, 'Gate');
  seedContribution(c.web, c.bob.id, bobCam.cameraId, 'b-1', T0);
});
test.after.each(async (c) => { await c.web.close(); });

/** The next TOTP step's code (each code works once). */
async function nextCode(c: Ctx, secret: string): Promise<string> {
  c.web.clock.now += 30000;
  return totpCode(secret, c.web.clock.now);
}

const lastConsent = (c: Ctx, cameraId: string) => ({ ...(c.web.db.prepare('SELECT action, purposes FROM web_consents WHERE camera_id = ? ORDER BY seq DESC LIMIT 1').get(cameraId) as object) });
const count = (c: Ctx, sql: string, ...args: string[]) => (c.web.db.prepare(sql).get(...args) as { n: number }).n;

test('the enrolment page shows the key as a QR code drawn locally', async () => {
  const web = testWeb();
  try {
    const cl = new Client(web);
    await cl.get('/signup');
    await cl.post('/signup', { username: 'cleo', password: 'correct horse battery', password2: 'correct horse battery' });
    const r = await cl.get('/enrol');
    assert.match(r.body, /<svg role="img" aria-label="QR code of the two-step verification key"[^>]*viewBox="0 0 \d+ \d+"/);
    assert.match(r.body, /<path[^>]+d="M/);
    assert.not.match(r.body, /<script|src="data:|https?:\/\/[^"]*qr/i, 'no script, no data: image, no remote QR service');
  } finally {
    await web.close();
  }
});

test('delete my account: wrong code or no tick deletes nothing and says what to fix', async (c) => {
  await c.ann.client.get('/account/delete');
  const r = await c.ann.client.post('/account/delete', { current: c.ann.password, code: '000000', confirm: 'yes' });
  assert.is(r.status, 400);
  assert.match(r.body, /id="e-code">That code is not right/);
  const r2 = await c.ann.client.post('/account/delete', { current: 'wrong password', code: await nextCode(c, c.ann.secret) });
  assert.match(r2.body, /id="e-current">That is not your password/);
  assert.match(r2.body, /Tick the box to confirm/);
  assert.ok(c.web.ports.accounts.byId(c.ann.id));
  assert.is((await c.web.objects.list(`contributions/${c.ann.id}/`)).length, 13);
});

test('delete my account: everything in S3 (every version), cameras, logins, sessions; consent evidence kept; bob untouched', async (c) => {
  const page = await c.ann.client.get('/account/delete');
  assert.match(page.body, /id="del-contributions">2</);
  c.web.ports.alerts.setEnabled(c.ann.id, c.porch.cameraId, true, { id: c.ann.id, username: 'ann' }, T0);
  c.web.ports.alerts.setChannels(c.ann.id, { mqtt: true, webhookUrl: 'https://hooks.example/x', webhookSecret: 'k'.repeat(43), webPush: false });
  assert.match((await c.ann.client.get('/cameras')).body, /data-label="Alerts"><a href="\/alerts\/settings">on</);
  c.web.clock.now += 30000;
  const other = await signIn(c.web, { ...c.ann, client: new Client(c.web) }); // a second browser of ann's
  const r = await c.ann.client.post('/account/delete', { current: c.ann.password, code: await nextCode(c, c.ann.secret), confirm: 'yes' });
  assert.is(r.status, 200, r.body.slice(0, 400));
  assert.match(r.body, /2 contribution\(s\), 13 object\(s\) removed from S3 \(every version\), 1 other object\(s\) of yours .*, 2 camera\(s\) removed/);
  assert.match(r.body, /id="relist">A re-list of S3 under your prefixes \(contributions, consent, access, flags, stats\) finds <strong>0<\/strong> object/);
  assert.equal(await c.web.objects.list(`contributions/${c.ann.id}/`), [], 'the bucket itself lists nothing of hers');
  assert.is(c.web.ports.accounts.byUsername('ann'), null);
  assert.is(count(c, 'SELECT count(*) AS n FROM web_sessions WHERE account_id = ?', c.ann.id), 0);
  assert.is(count(c, 'SELECT count(*) AS n FROM web_recovery_codes WHERE account_id = ?', c.ann.id), 0);
  assert.is(count(c, 'SELECT count(*) AS n FROM web_cameras WHERE owner_id = ?', c.ann.id), 0);
  for (const cam of [c.porch, c.yard]) {
    assert.is(count(c, 'SELECT count(*) AS n FROM camera_credentials WHERE camera_id = ?', cam.cameraId), 0, 'the broker refuses the camera');
    assert.is(c.web.broker.retained.get(cam.cameraId)?.length, 0, 'retained config cleared');
  }
  assert.ok(count(c, 'SELECT count(*) AS n FROM web_consents WHERE owner_id = ?', c.ann.id) >= 1, 'consent evidence kept');
  for (const t of ['alert_enrolment_log', 'alert_channels', 'alert_push_subscriptions', 'alert_log']) assert.is(count(c, `SELECT count(*) AS n FROM ${t} WHERE owner_id = ?`, c.ann.id), 0, t);
  assert.is(count(c, 'SELECT count(*) AS n FROM alert_enrolment WHERE camera_id = ?', c.porch.cameraId), 0, 'alerts off with the camera');
  assert.equal(lastConsent(c, c.porch.cameraId), { action: 'withdraw', purposes: 0 }, 'withdrawn first: relay, board and console stop at once');
  assert.is((await other.get('/cameras')).status, 303, 'her other browser is signed out');
  assert.is((await c.ann.client.get('/cameras')).status, 303);
  assert.is((await c.web.objects.list(`contributions/${c.bob.id}/`)).length, 6);
  assert.is((await c.bob.client.get('/cameras')).status, 200);
});

test('change password: needs the current one and a code; other browsers are signed out', async (c) => {
  c.web.clock.now += 30000;
  const other = await signIn(c.web, { ...c.ann, client: new Client(c.web) });
  await c.ann.client.get('/account');
  const bad = await c.ann.client.post('/account/password', { current: c.ann.password, code: await nextCode(c, c.ann.secret), password: 'short', password2: 'short' });
  assert.is(bad.status, 400);
  assert.match(bad.body, /id="e-password">Use at least 10 characters/);
  const r = await c.ann.client.post('/account/password', { current: c.ann.password, code: await nextCode(c, c.ann.secret), password: 'a brand new passphrase', password2: 'a brand new passphrase' });
  assert.is(r.status, 303);
  assert.match((await c.ann.client.get('/account')).body, /Password changed/);
  assert.is((await other.get('/cameras')).status, 303, 'the other browser is signed out');
  c.web.clock.now += 30000;
  const old = new Client(c.web);
  await old.get('/login');
  assert.is((await old.post('/login', { username: 'ann', password: c.ann.password })).status, 401);
  c.web.clock.now += 30000;
  await signIn(c.web, { ...c.ann, password: 'a brand new passphrase' });
});

test('lost phone: sign in with a recovery code, link a new phone (QR), the old phone and old codes stop working', async (c) => {
  const cl = new Client(c.web);
  await cl.get('/login');
  await cl.post('/login', { username: 'ann', password: c.ann.password });
  await cl.get('/login/2fa');
  assert.is((await cl.post('/login/2fa', { recovery: c.ann.recoveryCodes[0] })).status, 303);
  assert.match((await cl.get('/cameras')).body, /recovery code; 9 left/);
  const setup = await cl.get('/account/totp');
  assert.match(setup.body, /<svg role="img"/);
  const secret = /id="totp-secret">([^<]+)</.exec(setup.body)![1].replace(/\s/g, '');
  assert.is.not(secret, c.ann.secret);
  const wrong = await cl.post('/account/totp', { secret, code: await totpCode(c.ann.secret, c.web.clock.now), current: c.ann.password });
  assert.is(wrong.status, 400, 'the old phone\'s code does not confirm the new key');
  assert.match(wrong.body, /id="e-code">/);
  assert.ok(wrong.body.includes(secret), 'the same new key is offered again');
  const ok = await cl.post('/account/totp', { secret, code: await nextCode(c, secret), current: c.ann.password });
  assert.is(ok.status, 200);
  const codes = [...ok.body.matchAll(/<li>([a-z0-9-]{19})<\/li>/g)].map((m) => m[1]);
  assert.is(codes.length, 10, 'new recovery codes, shown once');
  c.web.clock.now += 30000;
  await signIn(c.web, { ...c.ann, secret }); // the new phone works
  const old = new Client(c.web);
  await old.get('/login');
  await old.post('/login', { username: 'ann', password: c.ann.password });
  await old.get('/login/2fa');
  c.web.clock.now += 30000;
  assert.is((await old.post('/login/2fa', { code: await totpCode(c.ann.secret, c.web.clock.now) })).status, 401, 'the old phone does not');
  assert.is((await old.post('/login/2fa', { recovery: c.ann.recoveryCodes[1] })).status, 401, 'nor an old recovery code');
});

test('time zone: chosen on the account page, checked against the list', async (c) => {
  await c.ann.client.get('/account');
  assert.is((await c.ann.client.post('/account/time-zone', { timeZone: 'Mars/Olympus' })).status, 400);
  assert.is((await c.ann.client.post('/account/time-zone', { timeZone: 'Asia/Tokyo' })).status, 303);
  assert.is(c.web.ports.accounts.byId(c.ann.id)!.timeZone, 'Asia/Tokyo');
  assert.match((await c.ann.client.get('/zone')).body, /2026-05-01 21:00:00 GMT\+9/);
});

test('remove a camera, keeping its contributions: login revoked, config cleared, contributions still listed', async (c) => {
  const ask = await c.ann.client.get(`/cameras/${c.porch.cameraId}/remove`);
  assert.match(ask.body, /id="remove-count">1</);
  assert.ok(c.web.ports.cameras.verifyPairing(c.porch.cameraId, c.porch.token));
  const r = await c.ann.client.post(`/cameras/${c.porch.cameraId}/remove`, { contributions: 'keep', confirm: 'yes' });
  assert.is(r.status, 303);
  assert.match((await c.ann.client.get('/cameras')).body, /Removed &#34;Porch&#34;: its login no longer works and its settings were cleared at the broker\. 1 contribution\(s\) kept\./);
  assert.is(count(c, 'SELECT count(*) AS n FROM camera_credentials WHERE camera_id = ?', c.porch.cameraId), 0);
  assert.not.ok(c.web.ports.cameras.verifyPairing(c.porch.cameraId, c.porch.token));
  assert.is(c.web.broker.retained.get(c.porch.cameraId)?.length, 0);
  assert.equal(lastConsent(c, c.porch.cameraId), { action: 'withdraw', purposes: 0 }, 'its consent was withdrawn before it went');
  assert.is((await c.ann.client.get(`/cameras/${c.porch.cameraId}`)).status, 404);
  assert.match((await c.ann.client.get('/zone')).body, new RegExp(`data-id="${c.porch.cameraId}/p-1"`));
});

test('remove a camera, deleting its contributions: exact count; bob cannot remove hers', async (c) => {
  assert.is((await c.bob.client.post(`/cameras/${c.yard.cameraId}/remove`, { contributions: 'delete', confirm: 'yes' })).status, 404);
  await c.ann.client.get('/cameras');
  const r = await c.ann.client.post(`/cameras/${c.yard.cameraId}/remove`, { contributions: 'delete', confirm: 'yes' });
  assert.is(r.status, 303);
  assert.match((await c.ann.client.get('/cameras')).body, /Deleted 1 contribution\(s\): 7 object\(s\) removed from S3/);
  assert.equal(await c.web.objects.list(`contributions/${c.ann.id}/${c.yard.cameraId}/`), []);
  assert.is(c.web.ports.cameras.get(c.yard.cameraId), null);
});

test('a failed sign-up keeps the username and says what to fix next to each field', async (c) => {
  const cl = new Client(c.web);
  await cl.get('/signup');
  const short = await cl.post('/signup', { username: 'dora', password: 'short', password2: 'short', timeZone: 'Europe/Rome' });
  assert.is(short.status, 400);
  assert.match(short.body, /id="e-password">Use at least 10 characters/);
  assert.match(short.body, /name="username" value="dora"/);
  const taken = await cl.post('/signup', { username: 'Ann', password: 'long enough 1', password2: 'long enough 1' });
  assert.is(taken.status, 409);
  assert.match(taken.body, /id="e-username">That username is taken: choose another/);
  assert.match(taken.body, /name="username" value="ann"/);
  const bad = await cl.post('/signup', { username: 'a b', password: 'long enough 1', password2: 'long enough 2' });
  assert.match(bad.body, /id="e-username">Username: use 3-40 of a-z 0-9/);
  assert.match(bad.body, /value="a b"/);
  assert.is((await cl.post('/signup', { username: 'dora', password: 'long enough 1', password2: 'long enough 1', timeZone: 'Europe/Rome' })).status, 303);
  assert.is(c.web.ports.accounts.byUsername('dora')!.timeZone, 'Europe/Rome', 'the browser\'s zone, sent by /static/tz.js');
  const login = new Client(c.web);
  await login.get('/login');
  const wrong = await login.post('/login', { username: 'ann', password: 'not it at all' });
  assert.is(wrong.status, 401);
  assert.match(wrong.body, /name="username" value="ann"/, 'a failed sign-in keeps the username');
  const script = await cl.get('/static/tz.js');
  assert.match(script.body, /resolvedOptions\(\)\.timeZone/);
  // the page that loads it allows same-origin scripts; pages that load none allow no script at all
  assert.match(String((await cl.get('/signup')).headers['content-security-policy']), /script-src 'self'/);
  assert.match(String(bad.headers['content-security-policy']), /script-src 'self'/);
  assert.not.match(String((await cl.get('/login')).headers['content-security-policy']), /script-src/);
  assert.not.match(String((await c.ann.client.get('/account')).headers['content-security-policy']), /script-src/, 'nor a signed-in page');
});

test('a failed add keeps what was typed and says what to fix next to the field', async (c) => {
  await c.ann.client.get('/cameras');
  const r = await c.ann.client.post('/cameras', { name: 'Back <door>', placement: 'interior' });
  assert.is(r.status, 400);
  assert.match(r.body, /id="e-name">Name: no control characters or &#60; &#62;\./);
  assert.match(r.body, /name="name" required maxlength="60" value="Back &#60;door&#62;"/);
  assert.match(r.body, /<option value="interior" selected>/);
});

test.run();
