/**
 * Only the owner's configs count on the board (firmware/app/config-guard.ts), in Node and in the
 * embedded runtime: a forged config (another key, no MAC, another camera's, a deleted retained
 * message, garbage) or a replayed older one changes nothing — the snapshot that consent allows is still
 * taken — and each is reported on the board's event topic, signed. The highest counter survives a
 * reboot (settings "cfgctr"), so a replay after a reboot is refused too; the same config
 * redelivered (a reconnect) is accepted.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runFirmware, type RuntimeName } from '../../firmware/node/run.ts';
import { consentPayload } from '../../firmware/node/synthetic.ts';
import type { FirmwareInput } from '../../firmware/node/wire.ts';
import { collectBundles } from '../../sim/firmware.ts';
import { demoCameraSecret, eventMacDomain, macKey, openJson } from '../../src/protocol/mac.ts';
import { CAMERA, CONFIG_TOPIC, CONSENT_BOTH, H, W, config, eventsOf, frames, motion, quiet, settle, warm } from './scenario.ts';

const OTHER_KEY = '07'.repeat(32);
const message = (payload: Uint8Array): FirmwareInput => ({ kind: 'message', topic: CONFIG_TOPIC, payload });
const OFF_V3 = { ...CONSENT_BOTH, purposes: 'off', consentVersion: 3 };
const OFF_V9 = { ...CONSENT_BOTH, purposes: 'off', consentVersion: 9 };

/** Consent v5 (both), then forgeries and a replay of v3 (off) (4: the port's inbox holds 4), then an event eligible for a snapshot. */
function attack(): FirmwareInput[] {
  return [
    ...config(CONSENT_BOTH),
    ...frames([warm, motion(), settle, quiet(2)]),
    message(consentPayload(OFF_V9, CAMERA, OTHER_KEY)), // signed with another key
    message(new Uint8Array(Buffer.from(JSON.stringify({ v: 2, ...OFF_V9 })))), // no MAC at all
    message(consentPayload(OFF_V9, 'yard')), // a genuine config of another camera
    message(consentPayload(OFF_V3, CAMERA)), // genuine but older: a replay
    ...frames([quiet(8), motion(), settle], Date.UTC(2025, 0, 1) + 10 * 60000),
  ];
}

for (const runtime of ['node', 'embedded'] as RuntimeName[]) {
  test(`${runtime}: forged and replayed configs change nothing and are reported, signed`, async () => {
    const r = await runFirmware(attack(), { runtime, width: W, height: H, settings: { camera: CAMERA }, quietLogs: true });
    const bundles = collectBundles(r.publishes);
    assert.is(bundles.length, 1, 'the snapshot consent v5 allows is still taken');
    assert.is(bundles[0].bundle.consentVersion, 5);
    assert.is(bundles[0].bundle.purposes, 3);
    assert.is(r.app.configUpdates, 1);
    assert.is(r.app.configRejected, 4);
    const key = macKey(demoCameraSecret(CAMERA));
    for (const p of r.publishes.filter((x) => x.topic.endsWith('/event'))) {
      assert.ok(openJson(key, eventMacDomain(CAMERA), Buffer.from(p.payload).toString('ascii')) !== null, 'every event message carries the camera MAC');
    }
    const reports = eventsOf(r.publishes).filter((e) => e.type === 'config-rejected');
    assert.is(reports.length, 1, 'reports are rate-limited: one per 10 s');
    assert.is(reports[0].reason, 'bad-mac');
    assert.is(reports[0].highest, 5);
    if (runtime === 'node') assert.is(r.settings!.cfgctr, '5');
  });
}

test('each kind of refusal is reported with its reason, a replay with its counter', async () => {
  const spaced = (p: Uint8Array, minute: number): FirmwareInput[] => [message(p), ...frames([quiet(1)], Date.UTC(2025, 0, 1) + minute * 60000)];
  const inputs = [...config(CONSENT_BOTH), ...frames([warm]),
    ...spaced(consentPayload(OFF_V9, CAMERA, OTHER_KEY), 1), ...spaced(new Uint8Array(0), 2), ...spaced(consentPayload(OFF_V3, CAMERA), 3),
    ...spaced(new Uint8Array(1000).fill(0x7b), 4)]; // (more than 1 KB never leaves the port's inbox)
  const r = await runFirmware(inputs, { runtime: 'node', width: W, height: H, settings: { camera: CAMERA }, quietLogs: true });
  const reports = eventsOf(r.publishes).filter((e) => e.type === 'config-rejected');
  assert.equal(reports.map((e) => [e.reason, e.counter]), [['bad-mac', -1], ['empty', -1], ['replayed', 3], ['bad-mac', -1]]);
});

test('the highest counter survives a reboot: a replay after it is refused; the same config again (reconnect) and a newer one are taken', async () => {
  const inputs: FirmwareInput[] = [
    ...config(CONSENT_BOTH), ...frames([warm]), { kind: 'reboot' },
    message(consentPayload(OFF_V3, CAMERA)), ...frames([warm], Date.UTC(2025, 0, 1) + 60000, 1, 0),
    ...config(CONSENT_BOTH), ...frames([quiet(1)], Date.UTC(2025, 0, 1) + 2 * 60000),
    message(consentPayload(OFF_V9, CAMERA)), ...frames([quiet(1)], Date.UTC(2025, 0, 1) + 4 * 60000),
  ];
  const r = await runFirmware(inputs, { runtime: 'node', width: W, height: H, settings: { camera: CAMERA }, quietLogs: true });
  const reports = eventsOf(r.publishes).filter((e) => e.type === 'config-rejected');
  assert.equal(reports.map((e) => [e.reason, e.counter, e.highest]), [['replayed', 3, 5]]);
  assert.is(r.app.configUpdates, 2, 'after the reboot: v5 again, then v9');
  assert.is(r.settings!.cfgctr, '9');
});

test('a board without a provisioned secret does not start', async () => {
  try {
    await runFirmware([], { runtime: 'node', width: W, height: H, settings: { camera: CAMERA, secret: 'nothex' } });
    assert.unreachable('started');
  } catch (e) {
    assert.match((e as Error).message, /settings "secret" must hold the camera's MAC secret/);
  }
});

test.run();
