import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Consent, CONSENT_ON, parseDateMs } from '../../firmware/app/consent.ts';
import { PURPOSE_MOTION, PURPOSE_OBJECTRON } from '../../src/protocol/bundle.ts';

const NOW = Date.UTC(2025, 5, 1, 12);
const enc = (o: unknown) => new Uint8Array(Buffer.from(typeof o === 'string' ? o : JSON.stringify(o), 'utf8'));
const base = { v: 2, purposes: 'both', placement: 'exterior', expires: '2026-06-01', consentVersion: 7 };

function consent(o: unknown): Consent {
  const c = new Consent();
  c.update(enc(o));
  return c;
}

test('no config received: off', () => {
  const c = new Consent();
  assert.is(c.purposesAt(NOW, true), 0);
  assert.is(c.reason(NOW, true), 'no-consent');
});

test('purposes off / motion / objectron / both', () => {
  assert.is(consent({ ...base, purposes: 'off' }).purposesAt(NOW, true), 0);
  assert.is(consent({ ...base, purposes: 'off' }).reason(NOW, true), 'off');
  assert.is(consent({ ...base, purposes: 'motion' }).purposesAt(NOW, true), PURPOSE_MOTION);
  assert.is(consent({ ...base, purposes: 'objectron' }).purposesAt(NOW, true), PURPOSE_OBJECTRON);
  assert.is(consent(base).purposesAt(NOW, true), PURPOSE_MOTION | PURPOSE_OBJECTRON);
  assert.is(consent(base).reason(NOW, true), CONSENT_ON);
  assert.is(consent(base).consentVersion, 7);
});

test('interior defaults to off: an interior camera needs interiorConfirmed', () => {
  assert.is(consent({ ...base, placement: 'interior' }).reason(NOW, true), 'interior-unconfirmed');
  assert.is(consent({ ...base, placement: undefined }).reason(NOW, true), 'interior-unconfirmed', 'no placement = interior');
  assert.is(consent({ ...base, placement: 'interior', interiorConfirmed: 'yes' }).purposesAt(NOW, true), 0, 'only true confirms');
  assert.is(consent({ ...base, placement: 'interior', interiorConfirmed: true }).purposesAt(NOW, true), 3);
});

test('expiry: off from 00:00 UTC on the expiry date, and without an expiry at all', () => {
  const c = consent({ ...base, expires: '2025-06-02' });
  assert.is(c.purposesAt(Date.UTC(2025, 5, 1, 23, 59, 59, 999), true), 3);
  assert.is(c.purposesAt(Date.UTC(2025, 5, 2), true), 0);
  assert.is(c.reason(Date.UTC(2025, 5, 2), true), 'expired');
  const ms = consent({ ...base, expires: undefined, expiresMs: NOW + 1 });
  assert.is(ms.purposesAt(NOW, true), 3);
  assert.is(ms.purposesAt(NOW + 1, true), 0);
  assert.is(consent({ ...base, expires: undefined }).reason(NOW, true), 'no-expiry');
});

test('an unsynced wall clock cannot check expiry: off', () => {
  assert.is(consent(base).reason(NOW, false), 'clock-unsynced');
  assert.is(consent(base).purposesAt(NOW, false), 0);
});

test('malformed, unknown version, oversized or deleted config turns everything off', () => {
  const on = consent(base);
  for (const bad of ['{not json', '[1,2]', 'null', { ...base, v: 1 }, { ...base, v: 3 }, { ...base, purposes: 'all' }, { ...base, placement: 'garden' },
    { ...base, expires: '2026-02-30' }, { ...base, expires: '1.6.2026' }, { ...base, consentVersion: -1 }, { ...base, expiresMs: 1.5, expires: undefined }]) {
    const c = consent(base);
    assert.is(c.update(enc(bad)), false, JSON.stringify(bad));
    assert.is(c.purposesAt(NOW, true), 0, JSON.stringify(bad));
    assert.ok(c.problem.length > 0);
  }
  assert.is(on.update(new Uint8Array(0)), false);
  assert.match(on.problem, /deleted/);
  assert.is(on.update(enc({ ...base, pad: 'x'.repeat(1100) })), false);
  assert.match(on.problem, /limit 1024/);
});

test('dates are parsed by hand, leap years included', () => {
  assert.is(parseDateMs('2024-02-29'), Date.UTC(2024, 1, 29));
  assert.is(parseDateMs('2025-02-29'), -1);
  assert.is(parseDateMs('2000-02-29'), Date.UTC(2000, 1, 29));
  assert.is(parseDateMs('2100-02-29'), -1);
  assert.is(parseDateMs('1970-01-01'), 0);
  assert.is(parseDateMs('2099-12-31'), Date.UTC(2099, 11, 31));
  assert.is(parseDateMs('2025-13-01'), -1);
  assert.is(parseDateMs(20250101), -1);
});

test.run();
