/**
 * Sign-in limits a stranger cannot use to lock the owner out (src/web/limiter.ts): per client,
 * slower per account, the owner's trusted browser apart; behind --tls-proxy only the proxy's own
 * X-Forwarded-For entry counts.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { clientKey, SignInLimits } from '../../src/web/limiter.js';
import { totpCode } from '../../src/web/totp.js';
import { Client, signUp, testWeb, type Owner, type Res, type TestWeb } from './helpers.js';

const test = suite<{ web: TestWeb; owner: Owner }>('sign-in limits');
test.before.each(async (c) => {
  c.web = testWeb();
  c.owner = await signUp(c.web, 'ann');
  c.web.clock.now += 60000; // the enrolment's TOTP step is used
});
test.after.each(async (c) => { await c.web?.close(); });

async function tryPassword(c: Client, username: string, password: string, headers: Record<string, string> = {}): Promise<Res> {
  if (!c.csrf || !c.last || c.last.status === 303) await c.request('GET', '/login', { headers });
  return c.request('POST', '/login', { form: { _csrf: c.csrf, username, password }, headers });
}

/** Password then TOTP; the status of the last step (303 = signed in). */
async function fullSignIn(web: TestWeb, c: Client, o: Owner): Promise<number> {
  const r = await tryPassword(c, o.username, o.password);
  if (r.status !== 303) return r.status;
  await c.get('/login/2fa');
  const done = await c.post('/login/2fa', { code: await totpCode(o.secret, web.clock.now) });
  if (done.status === 303) assert.is((await c.get('/cameras')).status, 200, 'signed in');
  return done.status;
}

test('50 wrong passwords from client A: A gets 429 with Retry-After; the owner signs in from client B', async ({ web, owner }) => {
  const a = new Client(web, { remoteAddress: '10.0.0.66' });
  const statuses: number[] = [];
  let last: Res | null = null;
  for (let i = 0; i < 50; i++) {
    last = await tryPassword(a, 'ann', `wrong password ${i}`);
    statuses.push(last.status);
  }
  assert.equal(statuses.slice(0, 5), [401, 401, 401, 401, 401]);
  assert.ok(statuses.slice(5).every((s) => s === 429), statuses.join(','));
  assert.ok(Number(last!.headers['retry-after']) > 0 && Number(last!.headers['retry-after']) <= 15 * 60, String(last!.headers['retry-after']));
  assert.is((await tryPassword(a, 'ann', owner.password)).status, 429, 'A is refused even with the right password');
  const b = new Client(web, { remoteAddress: '10.0.0.2' });
  assert.is(await fullSignIn(web, b, owner), 303, 'B: right password + TOTP signs in');
});

test('a blocked client may try again after the window', async ({ web, owner }) => {
  const a = new Client(web, { remoteAddress: '10.0.0.66' });
  for (let i = 0; i < 6; i++) await tryPassword(a, 'ann', 'wrong password!');
  assert.is((await tryPassword(a, 'ann', owner.password)).status, 429);
  web.clock.now += 16 * 60000;
  assert.is(await fullSignIn(web, a, owner), 303);
});

test('guesses spread over many addresses: the account refuses new clients, but not the browser the owner signed in from', async ({ web, owner }) => {
  const trusted = new Client(web, { remoteAddress: '10.0.0.2' });
  assert.is(await fullSignIn(web, trusted, owner), 303);
  assert.ok([...trusted.cookies.keys()].includes('__Host-qc_dev'), 'a device cookie after a full sign-in');
  for (let i = 0; i < 30; i++) await tryPassword(new Client(web, { remoteAddress: `10.1.0.${i}` }), 'ann', 'wrong password!');
  const stranger = new Client(web, { remoteAddress: '10.2.0.1' });
  const r = await tryPassword(stranger, 'ann', owner.password);
  assert.is(r.status, 429, 'the per-account limit: ~20 an hour from clients never signed in');
  assert.ok(Number(r.headers['retry-after']) > 0);
  web.clock.now += 60000;
  await trusted.post('/logout');
  assert.is(await fullSignIn(web, trusted, owner), 303, 'the trusted browser still signs in');
});

test('a trusted browser is limited on its own key, and its cookie counts for its own account only', async ({ web, owner }) => {
  const bob = await signUp(web, 'bob');
  web.clock.now += 60000;
  const trusted = new Client(web, { remoteAddress: '10.0.0.2' });
  assert.is(await fullSignIn(web, trusted, owner), 303);
  await trusted.post('/logout');
  for (let i = 0; i < 5; i++) assert.is((await tryPassword(trusted, 'ann', 'wrong password!')).status, 401);
  assert.is((await tryPassword(trusted, 'ann', owner.password)).status, 429, 'the device key: 5 per 15 minutes');
  // bob's account from the same browser: the cookie is ann's, so bob's attempts are counted by address
  assert.is((await tryPassword(trusted, 'bob', bob.password)).status, 303);
});

test('without --tls-proxy, X-Forwarded-For is ignored: the socket address counts', async ({ web, owner }) => {
  const a = new Client(web, { remoteAddress: '10.0.0.66' });
  for (let i = 0; i < 5; i++) await tryPassword(a, 'ann', 'wrong password!', { 'x-forwarded-for': `1.2.3.${i}` });
  assert.is((await tryPassword(a, 'ann', owner.password, { 'x-forwarded-for': '9.9.9.9' })).status, 429);
});

test('behind --tls-proxy only the entry the proxy appended (right-most) counts: a client-written X-Forwarded-For changes nothing', async () => {
  const web = testWeb({ trustProxy: true });
  try {
    const owner = await signUp(web, 'ann');
    web.clock.now += 60000;
    // the proxy (socket 127.0.0.1) appends the real client address to whatever the client sent
    const viaProxy = (client: string, claimed?: string) => ({ 'x-forwarded-for': claimed ? `${claimed}, ${client}` : client, 'x-forwarded-proto': 'https' });
    const a = new Client(web);
    for (let i = 0; i < 5; i++) assert.is((await tryPassword(a, 'ann', 'wrong password!', viaProxy('203.0.113.66', `1.2.3.${i}`))).status, 401);
    for (const claimed of ['1.2.3.4', '198.51.100.7', '10.0.0.2, 198.51.100.8', undefined]) {
      const fresh = new Client(web);
      const r = await tryPassword(fresh, 'ann', owner.password, viaProxy('203.0.113.66', claimed));
      assert.is(r.status, 429, `claiming ${claimed} does not give A a new identity`);
    }
    const b = new Client(web);
    assert.is((await tryPassword(b, 'ann', owner.password, viaProxy('203.0.113.2', '203.0.113.66'))).status, 303, 'B claiming to be A is not blocked as A');
  } finally {
    await web.close();
  }
});

test('sign-ups: 10 per client address an hour (taken names count too), then 429; another address is not affected', async ({ web }) => {
  const a = new Client(web, { remoteAddress: '10.0.0.66' });
  await a.get('/signup');
  const pw = 'correct horse battery';
  const statuses: number[] = [];
  // ann is taken (made in before.each): probing names costs the same as making accounts
  for (let i = 0; i < 12; i++) {
    await a.get('/signup');
    statuses.push((await a.post('/signup', { username: i === 0 ? 'ann' : `user${i}`, password: pw, password2: pw })).status);
  }
  assert.equal(statuses, [409, 303, 303, 303, 303, 303, 303, 303, 303, 303, 429, 429]);
  assert.ok(Number(a.last!.headers['retry-after']) > 0);
  const b = new Client(web, { remoteAddress: '10.0.0.2' });
  await b.get('/signup');
  assert.is((await b.post('/signup', { username: 'carol', password: pw, password2: pw })).status, 303);
});

test('client keys: IPv4 as is, IPv4-mapped IPv6 as IPv4, IPv6 by its /64', () => {
  assert.is(clientKey('10.0.0.66'), '10.0.0.66');
  assert.is(clientKey('::ffff:10.0.0.66'), '10.0.0.66');
  assert.is(clientKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd'), '2001:db8:1:2::/64');
  assert.is(clientKey('2001:0db8:0001:0002::1'), '2001:db8:1:2::/64');
  assert.is(clientKey('2001:db8::1'), '2001:db8:0:0::/64');
  assert.is(clientKey('fe80::1%eth0'), 'fe80:0:0:0::/64');
  assert.is(clientKey('::1'), '0:0:0:0::/64');
});

test('addresses inside one IPv6 /64 share one limit', async ({ web, owner }) => {
  for (let i = 0; i < 5; i++) await tryPassword(new Client(web, { remoteAddress: `2001:db8:1:2::${i + 1}` }), 'ann', 'wrong password!');
  assert.is((await tryPassword(new Client(web, { remoteAddress: '2001:db8:1:2:ffff::9' }), 'ann', owner.password)).status, 429);
  assert.is((await tryPassword(new Client(web, { remoteAddress: '2001:db8:1:3::1' }), 'ann', owner.password)).status, 303, 'the next /64 is another client');
});

test('devices: another account signing in over and over does not push out the owner\'s; an account keeps its newest 10', () => {
  const limits = new SignInLimits({ maxFailures: 5, windowMs: 900000, accountMaxFailures: 20, accountWindowMs: 3600000, deviceMs: 86400000, maxDevices: 100 });
  const fail6 = (device?: string) => { for (let i = 0; i < 6; i++) limits.fail({ client: '10.9.9.9', account: 'ann', device }, 0); };
  const anns = Array.from({ length: 11 }, (_, i) => limits.succeeded({ client: `10.0.0.${i}`, account: 'ann' }, i));
  for (let i = 0; i < 50; i++) limits.succeeded({ client: '10.6.6.6', account: 'mallory' }, 100 + i);
  // 6 failures on a trusted device's own key block that device; on an untrusted one they block the shared address
  fail6(anns[10]);
  fail6(); // and the address 10.9.9.9 itself, untrusted
  assert.ok(limits.blockedFor({ client: '10.9.9.9', account: 'ann', device: anns[10] }, 1) > 0, 'newest device: counted on its own key');
  assert.is(limits.blockedFor({ client: '10.9.9.8', account: 'ann', device: anns[9] }, 1), 0, 'another trusted device of ann is not blocked');
  assert.is(limits.blockedFor({ client: '10.9.9.9', account: 'ann', device: anns[1] }, 1), 0, 'her 2nd device is still trusted: not blocked at the address');
  assert.ok(limits.blockedFor({ client: '10.9.9.9', account: 'ann', device: anns[0] }, 1) > 0, 'her oldest (11th back) is no longer trusted: counted by address');
});

test.run();
