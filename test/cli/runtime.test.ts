/**
 * The prebuilt runtime (scripts/build-runtime.ts -> dist/runtime, what bin/quietcam.js runs while
 * it is fresh) runs the same commands as the sources: the same output for the same arguments, and
 * `relay --local` brings up the stack from it with alerts (the person model found and loaded) and
 * without. bin/runtime.js uses a build only while no source it was made from is newer.
 */
// test-timeout: 180 s
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCli, runtimeFresh } from '../../bin/runtime.js';
import { bundleRuntime, ROOT } from '../../scripts/build-runtime.ts';

const OUT = join(ROOT, 'dist', `test-runtime-${process.pid}`);
const RUN = join(OUT, 'run.mjs');
const children: ChildProcess[] = [];
const dirs: string[] = [];

test.before(async () => {
  await bundleRuntime({ main: join(ROOT, 'cli/main.ts') }, OUT);
  // what bin/quietcam.js does with a fresh build, without the choice
  writeFileSync(RUN, "const { main } = await import('./main.js');\nprocess.exitCode = await main(process.argv.slice(2));\n");
});

test.after(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(OUT, { recursive: true, force: true });
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** `quietcam ...args` from the build (plain node, no loader) or from the sources (tsx). */
function runFrom(from: 'dist' | 'src', args: string[]): { code: number | null; out: string } {
  const script = from === 'dist' ? [RUN, ...args] : ['bin/quietcam.js', ...args];
  const r = spawnSync(process.execPath, script, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, QUIETCAM_RUNTIME: 'src' }, timeout: 60000 });
  return { code: r.status, out: r.stdout + r.stderr };
}

test('the build runs the same commands with the same output and exit codes', () => {
  for (const args of [['--help'], ['scenes'], ['relay', '--help'], ['relay', '--alerts', '--no-alerts'], ['web', '--no-alerts'], ['nope']]) {
    const dist = runFrom('dist', args);
    const src = runFrom('src', args);
    assert.is(dist.code, src.code, args.join(' '));
    assert.is(dist.out, src.out, args.join(' '));
  }
  assert.match(runFrom('dist', ['relay', '--alerts', '--no-alerts']).out, /--alerts and --no-alerts contradict each other/);
});

/** Runs `quietcam scenes` in a child (`load` gives it `main`), then counts that child's esbuild processes (tsx's transform service). */
function esbuildChildren(load: string): number {
  const script = `${load}
process.stdout.write = () => true;
process.exitCode = await main(['scenes']);
const { readdirSync, readFileSync } = await import('node:fs');
const mine = (p) => { try { const s = readFileSync('/proc/' + p + '/stat', 'utf8'); return s.includes('(esbuild)') && s.slice(s.lastIndexOf(')') + 2).split(' ')[1] === String(process.pid); } catch { return false; } };
console.error('esbuild children: ' + readdirSync('/proc').filter((p) => /^[0-9]+$/.test(p) && mine(p)).length);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  return Number(/esbuild children: (\d+)/.exec(r.stderr)![1]);
}

test('the build runs without TypeScript: no tsx hooks, no esbuild service process', () => {
  assert.not.match(readFileSync(join(OUT, 'main.js'), 'utf8'), /tsx\/esm/);
  // the detector's worker thread is built too, and started without a loader
  assert.ok(readFileSync(join(OUT, 'person-worker.js'), 'utf8').includes('nanodetPersonDetector'));
  assert.match(readFileSync(join(OUT, 'no-loader.js'), 'utf8'), /export function register\(\) \{\}/);
  // (tsx starts one when its transform cache misses: not every time, so no comparison here)
  assert.is(esbuildChildren(`const { main } = await import(${JSON.stringify(join(OUT, 'main.js'))});`), 0);
});

/** Starts `relay --local` from the build; resolves with its output once the ready line is out. */
function relayFromBuild(extra: string[]): Promise<string> {
  const data = mkdtempSync(join(tmpdir(), 'quietcam-runtime-'));
  dirs.push(data);
  const child = spawn(process.execPath, [RUN, 'relay', '--local', '--broker-port', '0', '--s3-port', '0', '--status-port', 'off', ...extra], {
    cwd: ROOT, env: { ...process.env, QUIETCAM_DATA_DIR: data }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line within 60 s:\n${out}`)), 60000);
    const seen = (d: Buffer) => {
      out += d;
      if (/relay ready: .*\n/.test(out)) {
        clearTimeout(timer);
        child.kill('SIGTERM');
        resolve(out);
      }
    };
    child.stdout!.on('data', seen);
    child.stderr!.on('data', seen);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (!/relay ready/.test(out)) reject(new Error(`relay --local exited ${code} before ready:\n${out}`));
    });
  });
}

test('relay --local from the build: alerts on with the person model loaded; --no-alerts: off', async () => {
  assert.match(await relayFromBuild([]), /relay ready: broker mqtt:\/\/127\.0\.0\.1:\d+, .* alerts on,/);
  assert.match(await relayFromBuild(['--no-alerts']), /relay ready: .* alerts off,/);
});

test('bin/runtime.js: a fresh build is used, one older than a source is not', async () => {
  const fromSrc = await loadCli({ QUIETCAM_RUNTIME: 'src' });
  assert.ok(runtimeFresh(OUT), 'just built');
  assert.is.not((await loadCli({}, OUT)).commands, fromSrc.commands, 'the build is loaded');
  assert.is((await loadCli({ QUIETCAM_RUNTIME: 'src' }, OUT)).commands, fromSrc.commands, 'QUIETCAM_RUNTIME=src forces the sources');
  // a source edited after the build: the build is stale
  const manifest = JSON.parse(readFileSync(join(OUT, 'inputs.json'), 'utf8')) as { builtMs: number; inputs: string[] };
  assert.ok(manifest.inputs.includes('cli/main.ts') && manifest.inputs.includes('src/relay/stack.ts'), 'the manifest lists the sources');
  const file = join(ROOT, 'cli/scenes.ts');
  const t = new Date(manifest.builtMs + 5000);
  const before = statSync(file);
  utimesSync(file, t, t);
  try {
    assert.not.ok(runtimeFresh(OUT), 'a newer source makes it stale');
    assert.is((await loadCli({}, OUT)).commands, fromSrc.commands, 'stale: the sources run');
  } finally {
    utimesSync(file, before.atime, before.mtime);
  }
});

test.run();
