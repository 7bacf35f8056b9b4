/**
 * `quietcam sim --camera/--token/--provisioning`: the camera's login from flags or the pages'
 * provisioning file, checked before anything is sent (the end to end run is in
 * test/web/newcomer.test.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { run } from '../../cli/sim.js';
import { stderrOf } from './helpers.js';
import { cameraLogin } from '../../cli/sim-camera.js';
import { bytesToHex, deriveCameraSecret } from '../../src/protocol/mac.js';

const TOKEN = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ'; // 43 base64url characters
const SECRET = bytesToHex(deriveCameraSecret(TOKEN, 'cam-1'), 0, 32);

const runQuiet = (args: string[]) => stderrOf(() => run(args));

test('flags: the secret is derived from the token, the broker defaults to the local demo', () => {
  assert.equal(cameraLogin({ camera: 'cam-1', token: TOKEN }), { cameraId: 'cam-1', token: TOKEN, broker: 'mqtt://127.0.0.1:1883', secret: SECRET });
});

test('the provisioning file the pages offer; a secret that does not belong to the token is refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qc-simcam-'));
  try {
    const file = join(dir, 'p.json');
    writeFileSync(file, JSON.stringify({ ssid: '', password: '', broker: 'mqtt://home.lan:1883', username: 'cam-1', mqttpass: TOKEN, camera: 'cam-1', secret: SECRET }));
    assert.equal(cameraLogin({ provisioning: file }), { cameraId: 'cam-1', token: TOKEN, broker: 'mqtt://home.lan:1883', secret: SECRET });
    assert.is(cameraLogin({ provisioning: file, broker: 'mqtt://127.0.0.1:2000' }).broker, 'mqtt://127.0.0.1:2000', '--broker wins');
    writeFileSync(file, JSON.stringify({ camera: 'cam-1', mqttpass: TOKEN, secret: '0'.repeat(64) }));
    assert.throws(() => cameraLogin({ provisioning: file }), /secret does not belong/);
    writeFileSync(file, '{ not json');
    assert.throws(() => cameraLogin({ provisioning: file }), /--provisioning/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

for (const [args, pattern] of [
  [['--camera', 'cam-1'], /--token needs the pairing token/],
  [['--camera', 'Cam 1', '--token', TOKEN], /--camera needs the camera id/],
  [['--camera', 'cam-1', '--token', 'short'], /43 characters/],
  [['--broker', 'mqtt://x'], /--broker needs --camera/],
  [['--live'], /--live needs --camera/],
  [['--camera', 'cam-1', '--token', TOKEN, '--runtime', 'embedded'], /leave out --runtime/],
  [['--provisioning', '/nonexistent/p.json'], /--provisioning/],
] as [string[], RegExp][]) {
  test(`bad camera arguments exit with 2: ${args.join(' ')}`, async () => {
    const r = await runQuiet(args);
    assert.is(r.code, 2);
    assert.match(r.err, pattern);
  });
}

test('--live with an unreachable broker is a clear error (exit 1), not a hang', async () => {
  const r = await runQuiet(['scene:plain:1', '--camera', 'cam-1', '--token', TOKEN, '--broker', 'mqtt://127.0.0.1:1', '--live', '--seconds', '1', '--quiet']);
  assert.is(r.code, 1);
  assert.match(r.err, /camera cam-1: .*(ECONNREFUSED|connect)/);
});

test('an unreachable broker is a clear error (exit 1), not a hang', async () => {
  const r = await runQuiet(['scene:plain:1', '--camera', 'cam-1', '--token', TOKEN, '--broker', 'mqtt://127.0.0.1:1', '--seconds', '1', '--quiet']);
  assert.is(r.code, 1);
  assert.match(r.err, /cannot reach the broker at mqtt:\/\/127\.0\.0\.1:1 .*quietcam web --local/);
});

test('`npm start` ends with the newcomer\'s next step: the exact commands', async () => {
  const { nextStep } = await import('../../cli/start.js');
  const NEXT_STEP = nextStep(false);
  assert.match(NEXT_STEP, /Stop this \(Ctrl-C/);
  assert.match(nextStep(true), /1\. Run   npx quietcam web --local/);
  assert.match(NEXT_STEP, /npx quietcam web --local/);
  assert.match(NEXT_STEP, /http:\/\/127\.0\.0\.1:8080/);
  assert.match(NEXT_STEP, /npx quietcam sim scene:busy --provisioning quietcam-<camera id>\.json/);
  assert.match(NEXT_STEP, /--camera <camera id> --token <pairing token>/);
  assert.match(NEXT_STEP, /Add --live to step 4: .*"Live view"/);
});

test.run();
