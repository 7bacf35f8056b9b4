/** Accounts: sign-up with mandatory TOTP, sign-in in two steps, recovery codes, rate limits, cookies. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { totpCode } from '../../src/web/totp.js';
import { Client, signUp, testWeb, type TestWeb } from './helpers.js';

const test = suite<{ web: TestWeb }>('web auth');
test.before.each((c) => { c.web = testWeb(); });
test.after.each(async (c) => { await c.web.close(); });

async function login(web: TestWeb, username: string, password: string): Promise<Client> {
  const c = new Client(web);
  await c.get('/login');
  const r = await c.post('/login', { username, password });
  assert.is(r.status, 303, r.body.slice(0, 200));
  return c;
}

test('sign-up gives no access before the TOTP code is confirmed', async ({ web }) => {
  const c = new Client(web);
  await c.get('/signup');
  const r = await c.post('/signup', { username: 'ann', password: 'correct horse battery', password2: 'correct horse battery' });
  assert.is(r.headers.location, '/enrol');
  assert.is((await c.get('/cameras')).status, 303, 'cameras redirect to sign-in');
  assert.is((await c.get('/cameras')).headers.location, '/login');
  const enrol = await c.get('/enrol');
  assert.match(enrol.body, /otpauth:\/\/totp\//);
  const bad = await c.post('/enrol', { code: '000000' });
  assert.is(bad.status, 400);
  assert.not.ok(web.ports.accounts.byUsername('ann')!.active);
});

test('enrolment activates the account and shows single-use recovery codes once', async ({ web }) => {
  const o = await signUp(web, 'ann');
  assert.is(o.recoveryCodes.length, 10);
  assert.ok(web.ports.accounts.byUsername('ann')!.active);
  assert.is((await o.client.get('/cameras')).status, 200);
  assert.is(web.ports.accounts.recoveryCodesLeft(o.id), 10);
});

test('sign-in needs the password and then a TOTP code; a code works once', async ({ web }) => {
  const o = await signUp(web, 'ann');
  web.clock.now += 120000;
  const c = await login(web, 'ann', o.password);
  assert.is(c.last!.headers.location, '/login/2fa');
  assert.is((await c.get('/cameras')).status, 303, 'password alone is not enough');
  await c.get('/login/2fa');
  const code = await totpCode(o.secret, web.clock.now);
  const ok = await c.post('/login/2fa', { code });
  assert.is(ok.status, 303);
  assert.is((await c.get('/cameras')).status, 200);
  const c2 = await login(web, 'ann', o.password);
  await c2.get('/login/2fa');
  assert.is((await c2.post('/login/2fa', { code })).status, 401, 'replayed code');
});

test('a recovery code signs in once', async ({ web }) => {
  const o = await signUp(web, 'ann');
  const c = await login(web, 'ann', o.password);
  await c.get('/login/2fa');
  assert.is((await c.post('/login/2fa', { recovery: o.recoveryCodes[0].toUpperCase() })).status, 303);
  assert.is(web.ports.accounts.recoveryCodesLeft(o.id), 9);
  const c2 = await login(web, 'ann', o.password);
  await c2.get('/login/2fa');
  assert.is((await c2.post('/login/2fa', { recovery: o.recoveryCodes[0] })).status, 401);
});

test('wrong passwords are rate-limited per client, with Retry-After', async ({ web }) => {
  const o = await signUp(web, 'ann');
  const c = new Client(web);
  await c.get('/login');
  for (let i = 0; i < 5; i++) assert.is((await c.post('/login', { username: 'ann', password: 'wrong password!' })).status, 401);
  const locked = await c.post('/login', { username: 'ann', password: o.password });
  assert.is(locked.status, 429, 'even the right password is refused while locked');
  assert.ok(Number(locked.headers['retry-after']) > 0);
  web.clock.now += 16 * 60000;
  assert.is((await c.post('/login', { username: 'ann', password: o.password })).status, 303, 'unlocks after the window');
});

test('wrong TOTP codes are rate-limited too', async ({ web }) => {
  const o = await signUp(web, 'ann');
  const c = await login(web, 'ann', o.password);
  await c.get('/login/2fa');
  for (let i = 0; i < 5; i++) assert.is((await c.post('/login/2fa', { code: '123456' })).status, 401);
  assert.is((await c.post('/login/2fa', { code: await totpCode(o.secret, web.clock.now + 30000) })).status, 429);
});

test('unknown user and wrong password get the same answer', async ({ web }) => {
  await signUp(web, 'ann');
  const c = new Client(web);
  await c.get('/login');
  const a = await c.post('/login', { username: 'nobody', password: 'whatever12345' });
  const b = await c.post('/login', { username: 'ann', password: 'whatever12345' });
  assert.is(a.status, b.status);
  assert.match(a.body, /Wrong username or password/);
  assert.match(b.body, /Wrong username or password/);
});

test('session cookie: __Host- prefix, Secure, HttpOnly, SameSite=Strict, rotated at every step', async ({ web }) => {
  const c = new Client(web);
  const r = await c.get('/login');
  const set = String(r.headers['set-cookie']);
  assert.match(set, /^__Host-qc_sid=/);
  assert.match(set, /Path=\//);
  assert.match(set, /HttpOnly/);
  assert.match(set, /Secure/);
  assert.match(set, /SameSite=Strict/);
  assert.not.match(set, /Domain=/i);
  const anon = c.cookies.get('__Host-qc_sid');
  const o = await signUp(web, 'ann');
  web.clock.now += 60000;
  const c2 = new Client(web);
  await c2.get('/login');
  const before = c2.cookies.get('__Host-qc_sid');
  await c2.post('/login', { username: 'ann', password: o.password });
  const mid = c2.cookies.get('__Host-qc_sid');
  await c2.get('/login/2fa');
  await c2.post('/login/2fa', { code: await totpCode(o.secret, web.clock.now) });
  const after = c2.cookies.get('__Host-qc_sid');
  assert.ok(anon && before && mid && after);
  assert.is.not(before, mid);
  assert.is.not(mid, after);
  // the old token is dead
  const stale = new Client(web);
  stale.cookies.set('__Host-qc_sid', mid!);
  assert.is((await stale.get('/cameras')).status, 303);
});

test('the demo cookie mode uses a plain name without Secure (localhost only)', async () => {
  const web = testWeb({ cookies: 'insecure-localhost', host: '127.0.0.1' });
  const r = await new Client(web).get('/login');
  assert.match(String(r.headers['set-cookie']), /^qc_sid_local=.*HttpOnly.*SameSite=Strict/);
  assert.not.match(String(r.headers['set-cookie']), /Secure/);
  assert.throws(() => testWeb({ cookies: 'insecure-localhost', host: '0.0.0.0' }), /loopback/);
  await web.close();
});

test('sign-out ends the session on the server', async ({ web }) => {
  const o = await signUp(web, 'ann');
  const token = o.client.cookies.get('__Host-qc_sid')!;
  assert.is((await o.client.post('/logout')).status, 303);
  const thief = new Client(web);
  thief.cookies.set('__Host-qc_sid', token);
  assert.is((await thief.get('/cameras')).status, 303);
});

test('passwords: too short, mismatched, taken', async ({ web }) => {
  const c = new Client(web);
  await c.get('/signup');
  assert.is((await c.post('/signup', { username: 'bob', password: 'short', password2: 'short' })).status, 400);
  assert.is((await c.post('/signup', { username: 'bob', password: 'long enough 1', password2: 'long enough 2' })).status, 400);
  await signUp(web, 'ann');
  assert.is((await c.post('/signup', { username: 'ANN', password: 'long enough 1', password2: 'long enough 1' })).status, 409);
});

test.run();
