/**
 * The ES5 gate on the firmware: the app's sources through firmware/es5-gate.ts (ES5 lib
 * types, typed-array members, banned names, hoisting), the built, minified bundle itself
 * (dist/firmware/<board>.js) parsed by acorn as ECMAScript 5 and scanned for banned names, and
 * the build refusing an entry the gate refuses. Running it in Duktape is identity.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'acorn';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkEs5Bundle } from '../../firmware/es5-gate.ts';
import { buildFirmware } from '../../firmware/build.ts';
import { boardNames } from '../../boards/schema.ts';

test('the firmware app passes the ES5 gate (sources, tsc ES5 output, bundle)', () => {
  const r = checkEs5Bundle(['firmware/app/main.ts']);
  assert.equal(r.errors, [], r.errors.join('\n'));
  assert.ok(r.ok && r.bytes > 10000);
});

// What must not appear in the built bundle whatever the minifier did (identifiers and members).
const BANNED = [/\bMap\b/, /\bSet\b/, /\bSymbol\b/, /\bPromise\b/, /\bWeakMap\b/, /\bProxy\b/, /\bReflect\b/, /\bglobalThis\b/,
  /Math\.(imul|trunc|clz32|sign|log2)\b/, /Number\.(isNaN|isInteger|isFinite)\b/, /Object\.(freeze|assign|entries|values)\b/,
  /\.(fill|includes|padStart|startsWith|endsWith|findIndex|find)\(/, /\b__spread|__values|__read|__generator|__awaiter\b/, /=>/, /`/];

for (const board of boardNames()) {
  test(`built bundle for ${board}: one minified ES5 file that acorn parses as ecmaVersion 5`, () => {
    const b = buildFirmware({ board });
    assert.ok(b.file.endsWith(`dist/firmware/${board}.js`));
    assert.ok(b.bytes > 10000 && b.bytes < 80000, `${b.bytes} bytes`);
    assert.not.throws(() => parse(b.code, { ecmaVersion: 5, sourceType: 'script' }));
    // Strings may legitimately mention these words (error messages); check code, not string literals.
    const codeOnly = b.code.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""');
    for (const re of BANNED) assert.not.match(codeOnly, re, `banned ${re}`);
    assert.match(b.code, /^var quietcam=/, 'an IIFE assigned to the global quietcam');
    assert.ok(b.code.indexOf(`"name":"${board}"`) >= 0 || b.code.indexOf(`name:"${board}"`) >= 0, 'the board profile is inlined');
  });
}

test('npm run build:firmware prints the file and its size; a bad board is a clear error', () => {
  const ok = spawnSync(process.execPath, ['--import', 'tsx', 'firmware/build.ts', '--board', 'desktop'], { encoding: 'utf8' });
  assert.is(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /dist\/firmware\/desktop\.js: \d+ bytes \(\d+\.\d KiB\), ES5/);
  const bad = spawnSync(process.execPath, ['--import', 'tsx', 'firmware/build.ts', '--board', 'nope'], { encoding: 'utf8' });
  assert.is(bad.status, 1);
  assert.match(bad.stderr, /unknown board 'nope'; boards\/ has: desktop, esp32-cam-ai-thinker/);
  const none = spawnSync(process.execPath, ['--import', 'tsx', 'firmware/build.ts'], { encoding: 'utf8' });
  assert.is(none.status, 2);
  assert.match(none.stderr, /--board is required/);
});

test('the build runs the gate: an entry tsc accepts but the gate refuses fails with its findings, and nothing is written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'quietcam-gate-'));
  try {
    const outFile = join(dir, 'not-es5.js');
    let message = '';
    try {
      buildFirmware({ board: 'desktop', entry: 'test/firmware/fixtures/not-es5.ts', outFile });
    } catch (e) {
      message = (e as Error).message;
    }
    assert.match(message, /^firmware build \(desktop\): the ES5 gate refused the bundle \(3 finding\(s\)\), nothing written:\n/);
    assert.match(message, /typed-array: test\/firmware\/fixtures\/not-es5\.ts:10:3 \.fill \(the board engines have only length, byteLength, byteOffset, buffer, BYTES_PER_ELEMENT, set, subarray\)/);
    assert.match(message, /hoisting: bundle \d+:\d+ \(test\/firmware\/fixtures\/not-es5\.js\) later\(\) is called before its definition/);
    assert.match(message, /member: bundle \d+:\d+ \(test\/firmware\/fixtures\/not-es5\.js\) \.fill is ES2015\+ or missing on the board engines/);
    assert.not.ok(existsSync(outFile), 'a refused build writes no file');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
