/**
 * The lx106 part of `npm run bench -- firmware` (firmware/xtensa: the desktop runtime + Duktape 2.7
 * built for the lx106 core and run under qemu-system-xtensa; exact instruction counts from CCOUNT
 * with -icount): the app step and the bare loop in instructions per frame, their ratio, the goal
 * lines (ok / MISSED), the same with the TypeScript per-pixel loops and with Debian's Duktape
 * configuration (no fastint), and where a frame's instructions go (firmware/xtensa/profile.ts).
 */
import type { FirmwareInput } from '../firmware/node/wire.ts';
import { xtensaMissing } from '../firmware/xtensa/build.ts';
import { profileXtensa, type ProfileLine } from '../firmware/xtensa/profile.ts';
import { runFirmwareXtensa } from '../firmware/xtensa/run.ts';

/** Goals of the firmware issue, on lx106 at 80x60. */
export const XTENSA_GOALS = {
  /** Instructions per frame of the app step: 30 frames/s at 240 MHz if one instruction took one cycle. */
  appInstrPerFrame: 8e6,
  /** App step / bare loop. */
  ratio: 1.2,
  /** Frames before the profile starts (calibration). */
  profileWarmup: 10,
};

export interface XtensaFigures {
  /** As built (Duktape with DUK_USE_FASTINT), native kernels. */
  appInstrPerFrame: number;
  bareInstrPerFrame: number;
  ratio: number;
  /** TypeScript per-pixel loops (no native kernels). */
  jsAppInstrPerFrame: number;
  jsRatio: number;
  heapBase: number;
  codeBytes: number;
  heapAboveCode: number;
  /** Debian's Duktape configuration as is (every number a double), native kernels. */
  debian: { appInstrPerFrame: number; bareInstrPerFrame: number; ratio: number; sameBytes: boolean };
  /** Function groups and the top functions of a frame (native kernels, as built); absent when the plugin cannot be built. */
  profile?: { groups: ProfileLine[]; functions: ProfileLine[]; perFrame: number; frames: number };
}

interface RunOpts {
  width: number;
  height: number;
  settings: Record<string, string>;
  quietLogs: boolean;
  heapCap?: number;
}

/** Output records before the closing stats record (the stats hold the heap figures, which differ by build). */
function beforeStats(b: Buffer): Buffer {
  let at = 0;
  while (at + 5 <= b.length && b[at] !== 0x53) at += 5 + b.readUInt32LE(at + 1);
  return b.subarray(0, at);
}

/** All lx106 figures for one frame size (null when the Debian packages are missing: said on the console). */
export function xtensaFigures(inputs: FirmwareInput[], frames: number, opts: RunOpts, bare: string, profile: boolean): XtensaFigures | null {
  const missing = xtensaMissing();
  if (missing) {
    console.log(`    lx106 (QEMU): not measured, ${missing}`);
    return null;
  }
  const run = (noKernels: boolean, fastint: boolean) => {
    const r = runFirmwareXtensa(inputs, { ...opts, bareFile: bare, noKernels }, { fastint });
    if (r.status !== 0 || !r.counts) throw new Error(`lx106 run failed (status ${r.status}): ${r.stderr.slice(-300)}`);
    return { r, app: r.counts.stepInsn / frames, bare: r.counts.bareInsn / frames };
  };
  const built = run(false, true);
  const js = run(true, true);
  const deb = run(false, false);
  const out = beforeStats(built.r.stdout);
  const heap = built.r.decoded.stats as Record<string, number>;
  const fig: XtensaFigures = {
    appInstrPerFrame: Math.round(built.app), bareInstrPerFrame: Math.round(built.bare), ratio: built.app / built.bare,
    jsAppInstrPerFrame: Math.round(js.app), jsRatio: js.app / js.bare,
    heapBase: heap.heapBase, codeBytes: heap.codeBytes, heapAboveCode: heap.peakAboveBase - heap.codeBytes,
    debian: { appInstrPerFrame: Math.round(deb.app), bareInstrPerFrame: Math.round(deb.bare), ratio: deb.app / deb.bare, sameBytes: out.length > 0 && out.equals(beforeStats(deb.r.stdout)) },
  };
  if (profile) {
    try {
      const p = profileXtensa(inputs, XTENSA_GOALS.profileWarmup, opts);
      if ('missing' in p) console.log(`    lx106 profile unavailable: ${p.missing}`);
      else fig.profile = { groups: p.groups, functions: p.functions.slice(0, 12), perFrame: p.perFrame, frames: p.frames };
    } catch (e) {
      console.log(`    lx106 profile unavailable (a QEMU without plugin support?): ${(e as Error).message.split('\n')[0]}`);
    }
  }
  return fig;
}

const M = (n: number) => `${(n / 1e6).toFixed(2)} M`;
const pct = (l: ProfileLine) => `${l.name} ${(100 * l.share).toFixed(1)}%`;

/** The console lines; the goal lines only where `goals` (80x60). */
export function printXtensa(x: XtensaFigures, goals: boolean): void {
  const fps = 240e6 / x.appInstrPerFrame;
  console.log(`    lx106 in QEMU (exact instructions a frame, Duktape 2.7 with DUK_USE_FASTINT as built, native kernels): app step ${M(x.appInstrPerFrame)}, bare diff loop ${M(x.bareInstrPerFrame)}: ratio ${x.ratio.toFixed(2)}; ~${fps.toFixed(0)} frames/s at 240 MHz if 1 instruction = 1 cycle`);
  if (goals) {
    const g = XTENSA_GOALS;
    console.log(`    goal app step <= ${M(g.appInstrPerFrame)} a frame on lx106 (>= 30 frames/s at 240 MHz): ${M(x.appInstrPerFrame)} ${x.appInstrPerFrame <= g.appInstrPerFrame ? 'ok' : 'MISSED'}`);
    console.log(`    goal app step <= ${g.ratio}x the bare loop on lx106: ${x.ratio.toFixed(2)}x ${x.ratio <= g.ratio ? 'ok' : 'MISSED'}`);
  }
  console.log(`    lx106, TypeScript per-pixel loops (no native kernels): app step ${M(x.jsAppInstrPerFrame)}: ratio ${x.jsRatio.toFixed(2)}`);
  const d = x.debian;
  console.log(`    lx106, Debian's Duktape configuration (no fastint: every number a double, soft float): app step ${M(d.appInstrPerFrame)}, bare ${M(d.bareInstrPerFrame)}: ratio ${d.ratio.toFixed(2)}; output ${d.sameBytes ? 'byte-identical to' : 'DIFFERENT from'} the fastint build's`);
  console.log(`    lx106 heap (32-bit Duktape): base ${x.heapBase} B, code ${x.codeBytes} B, app above code ${x.heapAboveCode} B`);
  if (x.profile) {
    const p = x.profile;
    console.log(`    lx106 profile (QEMU plugin firmware/xtensa/tbcount.c; ${p.frames} frames after ${XTENSA_GOALS.profileWarmup}, ${M(p.perFrame)} a frame with the main loop's input reading): ${p.groups.map(pct).join(', ')}`);
    console.log(`      top functions: ${p.functions.map(pct).join(', ')}`);
  }
}
