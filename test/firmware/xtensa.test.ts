// test-timeout: 300 s
/**
 * The Xtensa check (firmware/xtensa): the desktop runtime + Debian's Duktape built for the lx106 core
 * and run under qemu-system-xtensa publishes byte-for-byte what the x86-64 runtime publishes on a short
 * scenario (two events, a snapshot bundle, a config), and counts its instructions per frame.
 * Needs Debian's gcc-xtensa-lx106, picolibc-xtensa-lx106-elf, qemu-system-misc and gcc-12-source
 * (scripts/ensure-system.sh installs them); without them it says so loudly and checks nothing.
 * The first run builds the lx106 runtime (~1 min, cached in dist/firmware/xtensa/); QEMU then takes ~20 s.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { ensureRuntime } from '../../firmware/node/runtime-binary.ts';
import { xtensaMissing } from '../../firmware/xtensa/build.ts';
import { runFirmwareXtensa } from '../../firmware/xtensa/run.ts';
import { profileXtensa } from '../../firmware/xtensa/profile.ts';
import { CAMERA, H, W, eventsOf, twoEvents } from './scenario.ts';

/** Offset of the first record of `type` in a runtime's output (records: type byte, u32 LE length, payload). */
function recordAt(out: Buffer, type: string): number {
  for (let at = 0; at + 5 <= out.length; at += 5 + out.readUInt32LE(at + 1)) if (String.fromCharCode(out[at]) === type) return at;
  return -1;
}

const missing = xtensaMissing();
if (missing) {
  console.log(`\n  !!! Xtensa check NOT RUN: ${missing} (scripts/ensure-system.sh installs them as root) !!!\n`);
} else {
  test('lx106 under QEMU publishes byte-for-byte what x86-64 publishes; instructions per frame are counted', () => {
    const inputs = twoEvents();
    const xt = runFirmwareXtensa(inputs, { width: W, height: H, settings: { camera: CAMERA }, heapCap: 0 });
    assert.is(xt.status, 0, xt.stderr);
    const x86 = spawnSync(ensureRuntime(), xt.args, { input: xt.input, maxBuffer: 1 << 28 });
    assert.is(x86.status, 0, String(x86.stderr));
    // Everything before the closing stats record is identical: every publish (events, bundle chunks, MACs) and log.
    const end = recordAt(x86.stdout, 'S');
    assert.ok(end > 0, 'x86 stats record');
    assert.is(recordAt(xt.stdout, 'S'), end, 'stats record at the same offset');
    assert.ok(xt.stdout.subarray(0, end).equals(x86.stdout.subarray(0, end)), 'lx106 and x86-64 outputs differ before the stats');
    const publishes = xt.decoded.outputs.filter((o) => o.kind === 'publish') as { topic: string; payload: Uint8Array }[];
    assert.ok(publishes.some((p) => p.topic.endsWith('/bundle')), 'a snapshot bundle was published');
    assert.is(eventsOf(publishes).length, 4, 'two events, start and end');
    // The stats differ only in the heap figures (32-bit vs 64-bit pointers); the app's own are the same.
    const x86Stats = JSON.parse(x86.stdout.subarray(end + 5).toString('utf8')) as { app: unknown };
    assert.equal((xt.decoded.stats as { app: unknown }).app, x86Stats.app);
    const frames = inputs.filter((r) => r.kind === 'frame').length;
    assert.ok(xt.counts, xt.stderr);
    assert.is(xt.counts!.frames, frames);
    const perFrame = xt.counts!.stepInsn / frames;
    assert.ok(perFrame > 1e6 && perFrame < 1e8, `instructions per frame ${perFrame}`);
    console.log(`  lx106: ${frames} frames, ${(perFrame / 1e6).toFixed(2)} M instructions per frame (qc_host_frame, first frame included), heap base ${String((xt.decoded.stats as Record<string, unknown>).heapBase)} B`);
  });

  test('the per-function profile (our QEMU plugin) sees Duktape at work and little software floating point (fastint)', () => {
    const inputs = twoEvents().filter((r) => r.kind === 'frame').slice(0, 16);
    const p = profileXtensa(inputs, 12, { width: W, height: H, settings: { camera: CAMERA }, quietLogs: true });
    if ('missing' in p) {
      console.log(`  profile NOT RUN: ${p.missing}`);
      return;
    }
    assert.is(p.frames, 4);
    const share = (name: string) => p.groups.find((g) => g.name === name)?.share ?? 0;
    assert.ok(p.perFrame > 1e6 && p.perFrame < 2e7, `instructions a frame ${p.perFrame}`);
    assert.ok(share('Duktape') > 0.5, `Duktape ${share('Duktape')}`);
    assert.ok(share('software floating point') < 0.1, `software floating point ${share('software floating point')} (Debian's Duktape without fastint: 0.18 here)`);
    assert.ok(p.functions.some((f) => f.name === 'duk__js_execute_bytecode_inner'), 'functions named from the ELF symbols');
    assert.ok(Math.abs(p.functions.reduce((a, f) => a + f.share, 0) - 1) < 1e-9);
  });
}

test.run();
