/**
 * Where an lx106 frame's instructions go, per function: the runtime runs under QEMU with our
 * instruction-count plugin (tbcount.c, built here with the host's gcc) and the block addresses are
 * mapped to the ELF's symbols (xtensa-lx106-elf-nm). Two runs, the first `warmup` frames and all of
 * them; their difference divided by the frames in between is a frame's profile after start-up (boot,
 * bundle compile, kernel checks and the warm-up frames left out; the main loop's reading of the
 * input records stays in). Exact counts, like the CCOUNT figures; no sampling.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FirmwareRunOptions } from '../node/run.ts';
import type { FirmwareInput } from '../node/wire.ts';
import { ensureXtensaRuntime, type XtensaBuildOptions } from './build.ts';
import { runFirmwareXtensa } from './run.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CACHE = join(ROOT, 'dist/firmware/xtensa');

export interface ProfileLine {
  name: string;
  perFrame: number;
  share: number;
}

export interface XtensaProfile {
  /** Frames the profile averages over (all but the warm-up). */
  frames: number;
  perFrame: number;
  /** Functions, most instructions first. */
  functions: ProfileLine[];
  /** The same in groups (GROUPS), most first. */
  groups: ProfileLine[];
}

/** Function groups, first match wins. */
export const GROUPS: { name: string; re: RegExp }[] = [
  { name: 'software floating point', re: /^(__\w*(df|sf)\d?|fmod\w*|trunc\w*|__fpclassify\w*|floor\w*|ceil\w*|__math_\w+)$/ },
  { name: '64-bit integer and division helpers', re: /^__(u?(div|mod|mul)(si|di)3|umulsidi3|ash[lr]di3|lshrdi3|divmoddi4|udivmoddi4)$/ },
  { name: 'native kernels', re: /^qc_kernel_/ },
  { name: 'native SHA-256', re: /^qc_sha256/ },
  { name: 'Duktape', re: /^duk/ },
  { name: 'memcpy/memmove/memset', re: /^(__)?mem(cpy|move|set|cmp)/ },
  { name: 'malloc/free', re: /^(malloc|free|realloc|calloc|__malloc\w*)$/ },
  { name: 'stdio and semihosting (input records)', re: /^(getc|fread|fwrite|putc|__bufio\w*|read|write|simcall|__picolibc\w*|__retarget\w*|fflush)$/ },
];

/** The plugin, built into the cache (null with the reason when the host has no gcc). */
export function tbcountPlugin(): { path: string } | { missing: string } {
  const src = join(ROOT, 'firmware/xtensa/tbcount.c');
  const so = join(CACHE, `libtbcount-${createHash('sha256').update(readFileSync(src)).digest('hex').slice(0, 16)}.so`);
  if (existsSync(so)) return { path: so };
  if (spawnSync('gcc', ['--version']).status !== 0) return { missing: 'no host gcc to build the QEMU plugin' };
  mkdirSync(CACHE, { recursive: true });
  const tmp = `${so}.${process.pid}.tmp`;
  execFileSync('gcc', ['-O2', '-Wall', '-shared', '-fPIC', src, '-o', tmp]);
  renameSync(tmp, so);
  return { path: so };
}

function symbols(elf: string): { at: number; name: string }[] {
  return execFileSync('xtensa-lx106-elf-nm', ['-n', '--defined-only', elf], { maxBuffer: 1 << 26 }).toString().split('\n')
    .map((l) => l.split(' ')).filter((p) => p.length === 3 && /^[tTwW]$/.test(p[1]))
    .map((p) => ({ at: parseInt(p[0], 16), name: p[2].replace(/\$.*$/, '') }));
}

function perFunction(file: string, syms: { at: number; name: string }[]): Map<string, number> {
  const by = new Map<string, number>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const sp = line.indexOf(' ');
    const pc = parseInt(line.slice(0, sp), 16);
    let lo = 0;
    let hi = syms.length - 1;
    while (lo < hi) {
      const m = (lo + hi + 1) >> 1;
      if (syms[m].at <= pc) lo = m;
      else hi = m - 1;
    }
    const name = syms.length && syms[lo].at <= pc ? syms[lo].name : '?';
    by.set(name, (by.get(name) ?? 0) + Number(line.slice(sp + 1)));
  }
  return by;
}

function lines(m: Map<string, number>, frames: number, total: number): ProfileLine[] {
  return [...m].map(([name, n]) => ({ name, perFrame: n / frames, share: n / total })).sort((a, b) => b.perFrame - a.perFrame);
}

/**
 * Profiles `inputs` (frames, in order) after `warmup` of them. Throws when a run fails.
 * `o` as for runFirmwareXtensa (no bare loop: only the app is profiled).
 */
export function profileXtensa(inputs: FirmwareInput[], warmup: number, o: Omit<FirmwareRunOptions, 'runtime' | 'wrap'>, build: XtensaBuildOptions = {}): XtensaProfile | { missing: string } {
  const plugin = tbcountPlugin();
  if ('missing' in plugin) return plugin;
  const dir = mkdtempSync(join(tmpdir(), 'quietcam-xtprof-'));
  try {
    const syms = symbols(ensureXtensaRuntime(build));
    const counted = (n: number) => {
      const out = join(dir, `tb-${n}.txt`);
      const r = runFirmwareXtensa(inputs.slice(0, n), { ...o, bareFile: undefined }, build, ['-plugin', `${plugin.path},out=${out}`]);
      if (r.status !== 0) throw new Error(`lx106 profile run failed (status ${r.status}): ${r.stderr.slice(-300)}`);
      return perFunction(out, syms);
    };
    const a = counted(warmup);
    const b = counted(inputs.length);
    const frames = inputs.length - warmup;
    const diff = new Map<string, number>();
    let total = 0;
    for (const [k, v] of b) {
      const d = v - (a.get(k) ?? 0);
      if (d <= 0) continue;
      diff.set(k, d);
      total += d;
    }
    const groups = new Map<string, number>();
    for (const [k, v] of diff) {
      const g = GROUPS.find((x) => x.re.test(k))?.name ?? 'other';
      groups.set(g, (groups.get(g) ?? 0) + v);
    }
    return { frames, perFrame: total / frames, functions: lines(diff, frames, total), groups: lines(groups, frames, total) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
