/**
 * Runs every `test/**\/*.test.ts` file (uvu suites) in its own Node process, two at a time, and
 * prints one closing line `N passed, M failed` (uvu prints per-file totals only).
 *
 * A file that runs longer than its timeout is stopped: its whole process tree (the file's process
 * group, plus any descendant that left it, e.g. a broker it spawned) gets SIGKILL, and the file
 * counts as failed, named in a `TIMEOUT` line. Default 120 s (`TEST_TIMEOUT_S`); a file that needs
 * more says so in its first lines with a comment `// test-timeout: 300 s`.
 *
 * Files start slowest first (times of the last run in dist/test-times.json; TEST_TIMES=off: not written).
 *
 * Usage: npm test [-- filter...]   (a filter is a substring of the test file path, or the path of
 * one file to run even outside the glob, as the runner's own test does with test/fixtures/)
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const filters = process.argv.slice(2);
const concurrency = Number(process.env.TEST_CONCURRENCY || 2);
const DEFAULT_TIMEOUT_S = Number(process.env.TEST_TIMEOUT_S || 120); // 2 minutes: the slowest file takes ~30 s alone

function find(dir: string, acc: string[]): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, acc);
    else if (name.endsWith('.test.ts')) acc.push(p);
  }
  return acc;
}

/** The file's own timeout (`// test-timeout: N s` in its first 2,000 characters), else the default. */
function timeoutFor(file: string): number {
  const m = /\/\/\s*test-timeout:\s*(\d+)\s*s\b/.exec(readFileSync(file, 'utf8').slice(0, 2000));
  return m ? Number(m[1]) : DEFAULT_TIMEOUT_S;
}

/** Every live descendant of `pid` (Linux /proc), deepest last. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(name));
      children.set(ppid, list);
    } catch {
      // the process ended while we looked
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

/** SIGKILL the file's process group and every descendant (some leave the group). */
function killTree(pid: number): void {
  const all = existsSync('/proc') ? descendants(pid) : [];
  const kill = (target: number) => {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  kill(-pid);
  for (const p of all) kill(p);
  kill(pid);
}

interface Result { file: string; passed: number; failed: number; skipped: number; code: number; output: string; ms: number; timedOut: boolean }

const running = new Set<number>();

function runFile(file: string): Promise<Result> {
  const t0 = Date.now();
  const limitS = timeoutFor(file);
  return new Promise((done) => {
    // detached: the file gets its own process group, so a timeout can kill all of it at once
    const child = spawn(process.execPath, ['--import', 'tsx', file], {
      cwd: root, detached: true,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    running.add(child.pid!);
    let output = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killTree(child.pid!);
    }, limitS * 1000);
    // a file stuck printing in a loop must not fill the runner's memory: keep the last 1 MB
    const add = (d: Buffer) => {
      output += d;
      if (output.length > 2_000_000) output = '[... earlier output cut ...]\n' + output.slice(-1_000_000);
    };
    child.stdout.on('data', add);
    child.stderr.on('data', add);
    // what the file left running in its group (a broker holding our stderr) would keep 'close' away
    child.on('exit', () => killTree(child.pid!));
    child.on('close', (code) => {
      clearTimeout(timer);
      running.delete(child.pid!);
      const num = (label: string) => {
        let total = 0;
        for (const m of output.matchAll(new RegExp(`^\\s*${label}:\\s+(\\d+)`, 'gm'))) total += Number(m[1]);
        return total;
      };
      const total = num('Total');
      const passed = num('Passed');
      const skipped = num('Skipped');
      let failed = total - passed - skipped;
      // A crash before uvu's summary, a non-zero exit or a timeout counts as one failure for the file.
      if ((code !== 0 && failed === 0) || total === 0 || (timedOut && failed === 0)) failed += 1;
      if (timedOut) output += `\nTIMEOUT: killed after ${limitS} s (process tree ended with SIGKILL)\n`;
      done({ file: relative(root, file), passed, failed, skipped, code: code ?? 1, output, ms: Date.now() - t0, timedOut });
    });
  });
}

/** Ctrl-C or a CI cancel: end every file's process tree, not only the runner. */
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    for (const pid of running) killTree(pid);
    process.exit(130);
  });
}

/**
 * Each file's time in the last run (dist/, not committed): the slowest start first, so two slow
 * files do not end up last in the same worker while the other idles. New files count as slow.
 */
const TIMES = join(root, 'dist', 'test-times.json');
const lastTimes: Record<string, number> = (() => {
  try {
    return JSON.parse(readFileSync(TIMES, 'utf8'));
  } catch {
    return {};
  }
})();
const all = find(join(root, 'test'), []);
const files = (filters.length === 0 ? all : [...new Set(filters.flatMap((f) => {
  const p = resolve(root, f);
  return existsSync(p) && statSync(p).isFile() ? [p] : all.filter((x) => x.includes(f));
}))]).sort((a, b) => (lastTimes[relative(root, b)] ?? 1e9) - (lastTimes[relative(root, a)] ?? 1e9));
if (files.length === 0) {
  console.error(`no test file matches ${filters.map((f) => JSON.stringify(f)).join(' or ')}`);
  process.exit(1);
}
const results: Result[] = [];
let next = 0;
async function worker() {
  while (next < files.length) {
    const file = files[next++];
    const r = await runFile(file);
    results.push(r);
    const status = r.timedOut ? 'TIMEOUT' : r.failed ? 'FAIL' : 'ok  ';
    process.stdout.write(`${status} ${r.file}  (${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped, ${(r.ms / 1000).toFixed(1)} s)\n`);
    if (r.failed) process.stdout.write(r.output.split('\n').map((l) => '    ' + l).join('\n') + '\n');
  }
}
const t0 = Date.now();
await prebuildFirmware();
await Promise.all(Array.from({ length: concurrency }, worker));
if (process.env.TEST_TIMES !== 'off') try {
  mkdirSync(join(root, 'dist'), { recursive: true });
  writeFileSync(TIMES, JSON.stringify({ ...lastTimes, ...Object.fromEntries(results.map((r) => [r.file, r.ms])) }, null, 1));
} catch {
  // a read-only checkout: the order stays alphabetical
}
const passed = results.reduce((a, r) => a + r.passed, 0);
const failed = results.reduce((a, r) => a + r.failed, 0);
const skipped = results.reduce((a, r) => a + r.skipped, 0);
const slowest = [...results].sort((a, b) => b.ms - a.ms).slice(0, 10);
if (results.length > 1) console.log(`slowest: ${slowest.map((r) => `${r.file} ${(r.ms / 1000).toFixed(1)} s`).join(', ')}`);
const timedOut = results.filter((r) => r.timedOut).map((r) => r.file);
if (timedOut.length) console.log(`timed out: ${timedOut.join(', ')}`);
console.log(`wall time ${((Date.now() - t0) / 1000).toFixed(1)} s`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exitCode = failed ? 1 : 0;

/**
 * The firmware bundles and the desktop runtime are built once here, before any file starts, so
 * no test file pays gcc's ~10-80 s inside its own timeout (two files building at once would both
 * pay it). Where gcc or duktape-dev is missing the files that need them say so themselves.
 */
async function prebuildFirmware(): Promise<void> {
  if (!files.some((f) => /test[\\/](firmware|cli|sim)[\\/]/.test(f))) return;
  const t = Date.now();
  const { firmwareBundle } = await import('../firmware/node/bundle.ts');
  const { ensureRuntime, runtimeMissing } = await import('../firmware/node/runtime-binary.ts');
  const { boardNames } = await import('../boards/schema.ts');
  for (const board of boardNames()) firmwareBundle(board);
  if (!runtimeMissing()) ensureRuntime();
  process.stdout.write(`firmware bundles and runtime ready (${((Date.now() - t) / 1000).toFixed(1)} s)\n`);
}

