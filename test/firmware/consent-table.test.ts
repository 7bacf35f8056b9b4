/**
 * One consent table (test/protocol/consent-cases.ts), every place that decides: the rule itself
 * (src/protocol/consent.ts), the board's decision in Node (firmware/app, from a config payload),
 * the same device app code inside the Duktape firmware runtime, the relay's purposesInForce (from
 * a registry record) and the owner pages' consentState and reviewer check (from a WebCamera).
 * Each arm turns the case's terms into what that place really reads.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLOCK_SYNCED_FROM_MS, CONSENT_ON, consentAllows, consentReason, type ConsentTerms } from '../../src/protocol/consent.ts';
import { encodeConfigText } from '../../src/protocol/consent-config.ts';
import { consentCheck } from '../../firmware/app/main.ts';
import { runFirmware } from '../../firmware/node/run.ts';
import { WALL_2025 } from '../../firmware/node/synthetic.ts';
import { purposesInForce } from '../../src/relay/consent.ts';
import type { CameraRecord } from '../../src/relay/types.ts';
import { cameraTerms, consentState } from '../../src/web/consent.ts';
import type { WebCamera } from '../../src/web/ports.ts';
import { CONSENT_CASES, type ConsentCase } from '../protocol/consent-cases.ts';

const W = 16;
const H = 16;
const allowed = (k: ConsentCase) => k.want === CONSENT_ON;
/** What the board is sent: the config text, or null when nothing was received. */
const boardConfig = (t: ConsentTerms | null) => (t ? encodeConfigText(t) : null);
const synced = (k: ConsentCase) => k.nowMs >= CLOCK_SYNCED_FROM_MS;

test('the table covers every reason', () => {
  const reasons = new Set(CONSENT_CASES.map((k) => k.want));
  for (const r of ['on', 'no-consent', 'interior-unconfirmed', 'off', 'no-expiry', 'clock-unsynced', 'not-yet', 'expired', 'not-granted']) {
    assert.ok(reasons.has(r), r);
  }
});

test('the rule (src/protocol/consent.ts)', () => {
  for (const k of CONSENT_CASES) {
    assert.is(consentReason(k.terms, k.purpose, k.nowMs), k.want, k.name);
    assert.is(consentAllows(k.terms, k.purpose, k.nowMs), allowed(k), k.name);
  }
});

test('the board in Node: the app decodes the config payload and decides', () => {
  for (const k of CONSENT_CASES) {
    const cfg = boardConfig(k.terms);
    const bytes = cfg === null ? new Uint8Array(0) : new Uint8Array(Buffer.from(cfg, 'ascii'));
    const want = cfg === null ? 'no-consent' : k.want;
    assert.is(consentCheck(bytes, k.purpose, k.nowMs, synced(k)), want, k.name);
  }
});

test('the board in the embedded runtime (Duktape, the built ES5 bundle): the same answers', async () => {
  const cases = CONSENT_CASES.map((k) => ({ config: boardConfig(k.terms), purpose: k.purpose, now: k.nowMs, synced: synced(k) }));
  const script = `var qcbare = { done: false, step: function () {
    if (this.done) return;
    this.done = true;
    var cases = ${JSON.stringify(cases)}, out = [];
    for (var i = 0; i < cases.length; i++) {
      var c = cases[i], s = c.config === null ? '' : c.config, b = new Uint8Array(s.length);
      for (var j = 0; j < s.length; j++) b[j] = s.charCodeAt(j);
      out.push(quietcam.consentCheck(b, c.purpose, c.now, c.synced));
    }
    var text = JSON.stringify(out), bytes = new Uint8Array(text.length);
    for (var m = 0; m < text.length; m++) bytes[m] = text.charCodeAt(m);
    ports.mqtt.publish('test/consent-table', bytes, 0);
  } };`;
  const dir = mkdtempSync(join(tmpdir(), 'quietcam-consent-'));
  try {
    const file = join(dir, 'table.js');
    writeFileSync(file, script);
    const frame = { kind: 'frame' as const, wallMs: WALL_2025, ticksMs: 0, grey: new Uint8Array(W * H) };
    const run = await runFirmware([frame], { runtime: 'embedded', width: W, height: H, settings: { camera: 'porch' }, bareFile: file, quietLogs: true });
    const pub = run.publishes.find((p) => p.topic === 'test/consent-table');
    assert.ok(pub, 'the script published its answers');
    const got: string[] = JSON.parse(Buffer.from(pub!.payload).toString('ascii'));
    assert.is(got.length, CONSENT_CASES.length);
    CONSENT_CASES.forEach((k, i) => assert.is(got[i], k.terms ? k.want : 'no-consent', k.name));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function relayRecord(t: ConsentTerms): CameraRecord {
  const rec = { cameraId: 'porch', ownerId: 'alice', placement: t.placement, interiorConfirmed: t.interiorConfirmed === true } as CameraRecord;
  rec.consent = { purposes: t.purposes, version: t.version ?? 1, grantedMs: t.grantedMs ?? 0, expiresMs: t.expiresMs ?? -1 };
  return rec;
}

test('the relay: purposesInForce on the registry record (bundle asks for the case\'s purposes)', () => {
  for (const k of CONSENT_CASES) {
    const d = purposesInForce(k.terms ? relayRecord(k.terms) : null, k.purpose, k.nowMs);
    assert.is(d.ok && (d.purposes & k.purpose) === k.purpose, allowed(k), k.name);
    if (!d.ok) {
      const reason = !k.terms ? 'unknown-camera' : k.want === 'expired' ? 'consent-expired' : 'no-consent';
      assert.is(d.reason, reason, k.name);
    } else {
      assert.is(d.purposes, k.purpose & k.terms!.purposes, k.name + ': only the granted purposes');
    }
  }
});

function webCamera(t: ConsentTerms): WebCamera {
  return {
    cameraId: 'porch', ownerId: 'alice', name: 'Porch', placement: t.placement as WebCamera['placement'], interiorConfirmed: t.interiorConfirmed === true,
    pairingHash: '', createdMs: 0,
    consent: {
      cameraId: 'porch', ownerId: 'alice', purposes: t.purposes, version: t.version ?? 1, textVersion: 't', grantedMs: t.grantedMs ?? 0,
      expiresMs: t.expiresMs ?? -1, action: 'set',
    },
  };
}

test('the web: consentState (what the owner is told) and the reviewer check (what a reviewer may open)', () => {
  const kindOf = (status: string) => (status === CONSENT_ON ? 'active' : status === 'expired' || status === 'interior-unconfirmed' ? status : 'off');
  for (const k of CONSENT_CASES) {
    if (!k.terms) continue; // the pages only ever ask about a camera they know
    const cam = webCamera(k.terms);
    const status = k.want === 'not-granted' ? CONSENT_ON : k.want;
    assert.is(consentState(cam, k.nowMs, 30 * 86400000).kind, kindOf(status), k.name);
    assert.is(consentAllows(cameraTerms(cam), k.purpose, k.nowMs), allowed(k), k.name);
  }
});

test.run();
