/**
 * The Xtensa check's build and run, from Debian packages only: the desktop runtime (firmware/desktop +
 * firmware/native) and Debian's duktape.c cross-compiled with gcc-xtensa-lx106 + picolibc for the lx106
 * core, linked for QEMU's `sim` machine (sim.ld, start.S, semihost.c), and run under
 * `qemu-system-xtensa -M sim -cpu lx106` with semihosting (stdin/stdout/files of the host) and -icount
 * (CCOUNT follows the instruction count, so instructions per frame are exact and repeatable).
 *
 * Debian's lx106 libgcc.a lacks the soft-float double routines and 32-bit division: they are assembled
 * here from GCC's own lib1funcs.S/ieee754-*.S in Debian's gcc-12-source package, with an lx106
 * xtensa-config.h written below (the package is extracted at build time, never copied into the project).
 * Everything is cached under dist/firmware/xtensa/, keyed by a hash of sources and flags.
 */
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DUKTAPE_DIR, duktapeSource } from '../node/duktape-source.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HERE = join(ROOT, 'firmware/xtensa');
const CACHE = join(ROOT, 'dist/firmware/xtensa');
export const CC = 'xtensa-lx106-elf-gcc';
export const QEMU = 'qemu-system-xtensa';
export const GCC_SOURCE = '/usr/src/gcc-12/gcc-12.2.0-dfsg.tar.xz';
const DUKTAPE = join(DUKTAPE_DIR, 'duktape.c');
const SPECS = '/usr/lib/xtensa-lx106-elf/picolibc.specs';
/** The Debian packages this needs (scripts/ensure-system.sh installs them). */
export const XTENSA_PACKAGES = ['gcc-xtensa-lx106', 'picolibc-xtensa-lx106-elf', 'qemu-system-misc', 'gcc-12-source', 'duktape-dev'];
/** -mlongcalls: the image spans more than a call0's reach; -mtext-section-literals with --no-relax:
    linker relaxation of long calls corrupted a function (met before, see firmware/xtensa/README.md). */
const CFLAGS = ['-O2', '-g', '-mlongcalls', '-mtext-section-literals', `-specs=${SPECS}`];
/** picolibc's default crt0 loops after main; the hosted one calls exit() (atexit handlers, our _exit). */
const CRT0 = '--crt0=hosted';
const LDFLAGS = ['-Wl,--no-relax', '-Wl,--wrap=qc_host_frame', '-Wl,--wrap=qc_duk_bare_step', '-Wl,--gc-sections'];

/** lx106 (ESP8266 core) options, overriding GCC's generic xtensa-config.h: little-endian, call0 ABI,
    MUL32 without MUL32_HIGH, no DIV32, no MINMAX/SEXT/LOOPS, no FPU (the compiler's own choices agree). */
const LX106: Record<string, number> = {
  XCHAL_HAVE_BE: 0, XCHAL_HAVE_CONST16: 0, XCHAL_HAVE_MAC16: 0, XCHAL_HAVE_MUL16: 0, XCHAL_HAVE_MUL32: 1,
  XCHAL_HAVE_MUL32_HIGH: 0, XCHAL_HAVE_DIV32: 0, XCHAL_HAVE_NSA: 1, XCHAL_HAVE_MINMAX: 0, XCHAL_HAVE_SEXT: 0,
  XCHAL_HAVE_LOOPS: 0, XCHAL_HAVE_THREADPTR: 0, XCHAL_HAVE_RELEASE_SYNC: 0, XCHAL_HAVE_S32C1I: 0, XCHAL_HAVE_FP: 0,
  XCHAL_HAVE_WINDOWED: 0, XCHAL_HAVE_ABS: 1, XCHAL_HAVE_ADDX: 1, XCHAL_HAVE_DENSITY: 1, XCHAL_HAVE_L32R: 1,
};
/** lib1funcs.S sections missing from Debian's lx106 libgcc.a (double and float soft-float, 32-bit division). */
const LIB1 = ['_divsi3', '_udivsi3', '_umodsi3', '_umulsidi3', '_addsubdf3', '_muldf3', '_divdf3', '_fixdfsi', '_fixunsdfsi',
  '_floatsidf', '_floatunsidf', '_truncdfsf2', '_extendsfdf2', '_addsubsf3', '_mulsf3', '_fixunssfsi', '_floatsisf', '_floatunsisf'];

function which(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Why the Xtensa check cannot run here (with the apt-get line), or null. */
export function xtensaMissing(): string | null {
  const need: string[] = [];
  if (!which(CC)) need.push('gcc-xtensa-lx106');
  if (!existsSync(SPECS)) need.push('picolibc-xtensa-lx106-elf');
  if (!which(QEMU)) need.push('qemu-system-misc');
  if (!existsSync(GCC_SOURCE)) need.push('gcc-12-source');
  if (!existsSync(DUKTAPE)) need.push('duktape-dev');
  return need.length ? `missing Debian packages: apt-get install ${need.join(' ')}` : null;
}

function hashOf(parts: (string | Buffer)[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex').slice(0, 16);
}

function run(cmd: string, args: string[], cwd?: string): void {
  execFileSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], cwd });
}

/** liblx106gcc.a: the missing libgcc routines, assembled from Debian's gcc-12-source. */
function libgccExtra(): string {
  const key = hashOf([GCC_SOURCE, JSON.stringify(LX106), LIB1.join(' '), CFLAGS.join(' ')]);
  const lib = join(CACHE, `liblx106gcc-${key}.a`);
  if (existsSync(lib)) return lib;
  const dir = join(CACHE, `libgcc-${key}`);
  mkdirSync(dir, { recursive: true });
  const members = ['libgcc/config/xtensa/lib1funcs.S', 'libgcc/config/xtensa/ieee754-df.S', 'libgcc/config/xtensa/ieee754-sf.S', 'include/xtensa-config.h'];
  run('tar', ['xJf', GCC_SOURCE, '--strip-components=1', ...members.map((m) => `gcc-12.2.0/${m}`)], dir);
  let config = readFileSync(join(dir, 'include/xtensa-config.h'), 'utf8');
  for (const [name, v] of Object.entries(LX106)) {
    const re = new RegExp(`(#define ${name}\\s+)\\S+`);
    if (!re.test(config)) throw new Error(`xtensa-config.h of gcc-12-source has no ${name}`);
    config = config.replace(re, `$1${v}`);
  }
  mkdirSync(join(dir, 'lx106'), { recursive: true });
  writeFileSync(join(dir, 'lx106/xtensa-config.h'), config);
  const objs = LIB1.map((f) => {
    const o = join(dir, `${f}.o`);
    run(CC, [...CFLAGS, `-DL${f}`, `-I${join(dir, 'lx106')}`, `-I${join(dir, 'libgcc/config/xtensa')}`, '-c', join(dir, 'libgcc/config/xtensa/lib1funcs.S'), '-o', o]);
    return o;
  });
  const tmp = `${lib}.${process.pid}.tmp`;
  run('xtensa-lx106-elf-ar', ['rcs', tmp, ...objs]);
  renameSync(tmp, lib);
  return lib;
}

function projectSources(): string[] {
  const files: string[] = [];
  for (const d of ['firmware/desktop', 'firmware/native']) {
    for (const f of readdirSync(join(ROOT, d)).sort()) if (/\.[ch]$/.test(f)) files.push(join(ROOT, d, f));
  }
  for (const f of ['start.S', 'semihost.c', 'libgcc-extra.c', 'sim.ld']) files.push(join(HERE, f));
  return files;
}

export interface XtensaBuildOptions {
  /** Duktape with DUK_USE_FASTINT (firmware/node/duktape-source.ts), as the desktop runtime; default true. false: Debian's configuration as is. */
  fastint?: boolean;
}

/** Path of the lx106 ELF built from the current sources (built now if needed: ~1-3 min the first time). */
export function ensureXtensaRuntime(opts: XtensaBuildOptions = {}): string {
  const missing = xtensaMissing();
  if (missing) throw new Error(`the Xtensa runtime cannot be built: ${missing}`);
  mkdirSync(CACHE, { recursive: true });
  const lib = libgccExtra();
  const duk = duktapeSource(CACHE, opts.fastint !== false);
  const dukInc = [`-I${duk.dir}`];
  const dukKey = hashOf([duk.key, CFLAGS.join(' ')]);
  const dukObj = join(CACHE, `duktape-${dukKey}.o`);
  if (!existsSync(dukObj)) {
    const tmp = `${dukObj}.${process.pid}.tmp`;
    run(CC, [...CFLAGS, '-std=c99', ...dukInc, '-c', join(duk.dir, 'duktape.c'), '-o', tmp]);
    renameSync(tmp, dukObj);
  }
  const files = projectSources();
  const key = hashOf([dukKey, lib, CFLAGS.join(' '), CRT0, LDFLAGS.join(' '), ...files.map((f) => f + '\0' + readFileSync(f, 'utf8'))]);
  const elf = join(CACHE, `qc-runtime-lx106-${key}.elf`);
  if (existsSync(elf)) return elf;
  const inc = [`-I${join(ROOT, 'firmware/native')}`, `-I${join(ROOT, 'firmware/desktop')}`, ...dukInc];
  const objs: string[] = [];
  for (const f of files.filter((x) => /\.[cS]$/.test(x))) {
    const o = join(CACHE, `${f.slice(ROOT.length).replace(/[/.]/g, '_')}-${key}.o`);
    const std = f.endsWith('semihost.c') || f.endsWith('.S') ? [] : ['-std=c99', '-D_POSIX_C_SOURCE=200809L'];
    const rename = f.endsWith('desktop/main.c') ? ['-Dmain=qc_desktop_main'] : [];
    run(CC, [...CFLAGS, ...std, ...rename, '-Wall', ...inc, '-c', f, '-o', o]);
    objs.push(o);
  }
  const tmp = `${elf}.${process.pid}.tmp`;
  run(CC, [...CFLAGS, CRT0, ...LDFLAGS, '-T', join(HERE, 'sim.ld'), ...objs, dukObj, '-Wl,--start-group', lib, '-lc', '-lgcc', '-lm', '-Wl,--end-group', '-o', tmp]);
  renameSync(tmp, elf);
  return elf;
}

export interface XtensaRun {
  status: number | null;
  stdout: Buffer;
  stderr: string;
  /** From the runtime's last stderr line; null when it did not get that far. */
  counts: { frames: number; stepInsn: number; bareInsn: number; insnPerCcount: number } | null;
}

/** Runs the ELF under QEMU with the desktop runtime's arguments (paths are host paths: semihosting). */
export function runXtensa(elf: string, args: string[], input: Buffer, timeoutMs = 600_000, qemuArgs: string[] = []): XtensaRun {
  const semi = ['enable=on', 'arg=qc-runtime', ...args.map((a) => `arg=${a.replace(/,/g, ',,')}`)].join(',');
  const r = spawnSync(QEMU, ['-M', 'sim', '-cpu', 'lx106', '-nodefaults', '-display', 'none', '-serial', 'none', '-monitor', 'none',
    '-icount', 'shift=7,align=off,sleep=off', '-semihosting-config', semi, ...qemuArgs, '-kernel', elf], { input, timeout: timeoutMs, maxBuffer: 1 << 28 });
  const stderr = r.stderr ? r.stderr.toString('utf8') : String(r.error ?? '');
  const m = /qc-xtensa frames=(\d+) step_ccount=(\d+) bare_ccount=(\d+) calib_ccount=(\d+) calib_insn=(\d+)/.exec(stderr);
  let counts: XtensaRun['counts'] = null;
  if (m) {
    const perCc = Number(m[5]) / Number(m[4]);
    counts = { frames: Number(m[1]), stepInsn: Number(m[2]) * perCc, bareInsn: Number(m[3]) * perCc, insnPerCcount: perCc };
  }
  return { status: r.status, stdout: r.stdout ?? Buffer.alloc(0), stderr, counts };
}
