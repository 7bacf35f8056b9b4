/**
 * The test runner (test/run.ts): a file that hangs is killed after its timeout, with everything it
 * started, and is reported by name as failed; the closing `N passed, M failed` line stays.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); // a zombie is gone
  } catch {
    return false;
  }
};

function runner(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string; ms: number }> {
  const t0 = Date.now();
  return new Promise((done) => {
    const c = spawn(process.execPath, ['--import', 'tsx', 'test/run.ts', ...args], { env: { ...process.env, ...env } });
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (out += d));
    const guard = setTimeout(() => c.kill('SIGKILL'), 60000); // this test's own bound
    c.on('close', (code) => {
      clearTimeout(guard);
      done({ code, out, ms: Date.now() - t0 });
    });
  });
}

test('a hanging file is killed after its own timeout, with its children, and fails by name', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'qc-run-'));
  const pidsFile = join(dir, 'pids.json');
  let pids: number[] = [];
  try {
    const r = await runner(['test/fixtures/hang.ts'], { HANG_PIDS: pidsFile, TEST_TIMEOUT_S: '600', TEST_TIMES: 'off' });
    assert.ok(r.ms < 30000, `the runner ended in ${r.ms} ms (file timeout 3 s, default 600 s)`);
    assert.is(r.code, 1, r.out);
    assert.match(r.out, /^TIMEOUT test\/fixtures\/hang\.ts/m);
    assert.match(r.out, /killed after 3 s/);
    assert.match(r.out, /timed out: test\/fixtures\/hang\.ts/);
    const lines = r.out.trim().split('\n');
    assert.is(lines[lines.length - 1], '1 passed, 1 failed', 'the closing line');
    assert.ok(existsSync(pidsFile), 'the fixture started its children');
    pids = JSON.parse(readFileSync(pidsFile, 'utf8'));
    const t0 = Date.now();
    while (pids.some(alive) && Date.now() - t0 < 2000) await new Promise((res) => setTimeout(res, 50));
    assert.equal(pids.filter(alive), [], 'children (in the group and outside it) are gone');
  } finally {
    for (const p of pids) if (alive(p)) process.kill(p, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
