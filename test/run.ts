/**
 * Runs every `test/**\/*.test.ts` file (uvu suites) in its own Node process, two at a time, and
 * prints one closing line `N passed, M failed` (uvu prints per-file totals only).
 * Usage: npm test [-- filter]   (filter: substring of the test file path)
 */
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const filter = process.argv[2] || '';
const concurrency = Number(process.env.TEST_CONCURRENCY || 2);

function find(dir: string, acc: string[]): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, acc);
    else if (name.endsWith('.test.ts')) acc.push(p);
  }
  return acc;
}

interface Result { file: string; passed: number; failed: number; skipped: number; code: number; output: string; ms: number }

function runFile(file: string): Promise<Result> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => {
      const num = (label: string) => {
        let total = 0;
        for (const m of output.matchAll(new RegExp(`^\\s*${label}:\\s+(\\d+)`, 'gm'))) total += Number(m[1]);
        return total;
      };
      const total = num('Total');
      let passed = num('Passed');
      const skipped = num('Skipped');
      let failed = total - passed - skipped;
      // A crash before uvu's summary (or a non-zero exit) counts as one failure for the file.
      if ((code !== 0 && failed === 0) || total === 0) failed += 1;
      resolve({ file: relative(root, file), passed, failed, skipped, code: code ?? 1, output, ms: Date.now() - t0 });
    });
  });
}

const files = find(join(root, 'test'), []).filter((f) => f.includes(filter));
const results: Result[] = [];
let next = 0;
async function worker() {
  while (next < files.length) {
    const file = files[next++];
    const r = await runFile(file);
    results.push(r);
    const status = r.failed ? 'FAIL' : 'ok  ';
    process.stdout.write(`${status} ${r.file}  (${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped, ${(r.ms / 1000).toFixed(1)} s)\n`);
    if (r.failed) process.stdout.write(r.output.split('\n').map((l) => '    ' + l).join('\n') + '\n');
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));
const passed = results.reduce((a, r) => a + r.passed, 0);
const failed = results.reduce((a, r) => a + r.failed, 0);
const skipped = results.reduce((a, r) => a + r.skipped, 0);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exitCode = failed ? 1 : 0;
