/**
 * `npm run bench -- firmware-mac`: what proof of origin costs the board. Instructions (callgrind,
 * deterministic) of MAC-ing N bytes with the app's HMAC-SHA256 (src/protocol/sha256.ts) inside
 * the Duktape desktop runtime, through quietcam.benchMac, for a few sizes; the per-byte slope and
 * the fixed part give the cost of MAC-ing a typical bundle (80x60 grid, 4.8 KB background, a
 * 20-60 KB VGA JPEG view). Twice: with the native SHA-256 compression (ports.digest, as shipped)
 * and with the TypeScript one only (--no-kernels). JerryScript costs ~1.6x Duktape (DESIGN.md).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFirmware } from '../firmware/node/run.ts';
import { WALL_2025 } from '../firmware/node/synthetic.ts';

/** Bytes MAC-ed per measured step, and steps per size (the first step is warm-up, then N measured). */
export const MAC_BENCH = { sizes: [0, 4096, 32768], steps: 4 };

function bareScript(bytes: number): string {
  return `var qcbare = { n: 0, buf: new Uint8Array(${bytes}), out: new Uint8Array(16), step: function () {
    for (var i = 0; i < this.buf.length; i++) this.buf[i] = (i * 31 + this.n) & 255;
    this.n++;
    quietcam.benchMac(this.buf, this.out);
  } };`;
}

/** The same loop without the MAC: what filling the buffer costs, to subtract. */
function fillScript(bytes: number): string {
  return bareScript(bytes).replace('quietcam.benchMac(this.buf, this.out);', '');
}

function inclusiveBareStep(file: string): number {
  const text = execFileSync('callgrind_annotate', ['--inclusive=yes', '--threshold=100', file], { maxBuffer: 1 << 26 }).toString();
  for (const line of text.split('\n')) {
    const m = /^\s*([\d,]+)\s+(?:\([^)]*\)\s+)?\S*:qc_duk_bare_step\b/.exec(line);
    if (m) return Number(m[1].replace(/,/g, ''));
  }
  throw new Error('qc_duk_bare_step not in the callgrind output');
}

async function count(dir: string, name: string, script: string, noKernels: boolean): Promise<number> {
  const bare = join(dir, `${name}.js`);
  writeFileSync(bare, script);
  const out = join(dir, `callgrind-${name}.out`);
  const frames = Array.from({ length: MAC_BENCH.steps }, (_, i) => ({ kind: 'frame' as const, wallMs: WALL_2025 + i * 100, ticksMs: i * 100, grey: new Uint8Array(16 * 16) }));
  await runFirmware(frames, {
    runtime: 'embedded', width: 16, height: 16, settings: { camera: 'bench' }, quietLogs: true, bareFile: bare, noKernels,
    wrap: ['valgrind', '--tool=callgrind', `--callgrind-out-file=${out}`, '-q'],
  });
  return inclusiveBareStep(out) / MAC_BENCH.steps;
}

export interface MacCost { bytes: number; instructions: number }

/** Instructions per MAC of each size (filling the buffer subtracted); `noKernels`: the TypeScript SHA-256. */
export async function macCosts(noKernels: boolean): Promise<MacCost[]> {
  const dir = mkdtempSync(join(tmpdir(), 'quietcam-mac-bench-'));
  try {
    const rows: MacCost[] = [];
    for (const bytes of MAC_BENCH.sizes) {
      const withMac = await count(dir, `mac-${bytes}`, bareScript(bytes), noKernels);
      const fill = await count(dir, `fill-${bytes}`, fillScript(bytes), noKernels);
      rows.push({ bytes, instructions: Math.round(withMac - fill) });
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function main(): Promise<void> {
  if (spawnSync('valgrind', ['--version']).status !== 0) {
    console.log('\nfirmware MAC cost: skipped (valgrind not installed: apt-get install valgrind)');
    return;
  }
  for (const noKernels of [false, true]) {
    const rows = await macCosts(noKernels);
    const big = rows[rows.length - 1];
    const small = rows[0];
    const perByte = (big.instructions - small.instructions) / (big.bytes - small.bytes);
    console.log(`\nfirmware MAC cost, ${noKernels ? 'TypeScript SHA-256 only' : 'native SHA-256 compression (as shipped)'} (HMAC-SHA256, Duktape, x86 instructions, callgrind)`);
    for (const r of rows) console.log(`  ${String(r.bytes).padStart(6)} bytes: ${r.instructions.toLocaleString('en')} instructions`);
    console.log(`  per byte: ${Math.round(perByte)}; fixed: ${small.instructions.toLocaleString('en')}`);
    for (const kb of [10, 30, 60]) console.log(`  a ${kb} KB bundle: ~${((small.instructions + perByte * kb * 1024) / 1e6).toFixed(1)} M instructions`);
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) await main();
