/**
 * The ES5 gate over src/protocol (and the golden fixture, which the embedded engine will run),
 * plus proof that the gate catches each banned construct.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { checkEs5Bundle } from '../helpers/es5-gate.js';

const t0 = Date.now();
const protocol = checkEs5Bundle(['src/protocol/index.ts', 'test/protocol/golden-fixture.ts']);
const gateMs = Date.now() - t0;

test('src/protocol and the golden fixture pass the ES5 gate', () => {
  const r = protocol;
  console.log('es5 gate: ' + (r.ok ? 'ok' : 'FAILED') + ', bundle ' + r.bytes + ' bytes, ' + (Date.now() - t0) + ' ms');
  assert.equal(r.errors, []);
  assert.ok(r.ok);
  assert.ok(r.bytes > 10000);
});

test('the ES5 bundle really runs: the golden bundle encodes to the pinned hex', () => {
  const r = protocol;
  // Evaluate the ES5 IIFE in a bare function scope (a stand-in until the Duktape runtime exists).
  const api = new Function(r.code + '\nreturn es5gate;')();
  const p = api.m0;
  const g = api.m1;
  assert.is(g.toHex(g.goldenBytes()), g.GOLDEN_BUNDLE_HEX);
  // and its SHA-256 / HMAC agree with node:crypto on random inputs of every length around a block
  for (let n = 0; n < 300; n += 7) {
    const msg = randomBytes(n);
    const key = randomBytes(n % 3 === 0 ? 100 : 32);
    const out = new Uint8Array(32);
    p.sha256(msg, 0, n, out, 0);
    assert.is(g.toHex(out), createHash('sha256').update(msg).digest('hex'), 'sha256 of ' + n + ' bytes');
    p.hmacSha256(key, msg, 0, n, out, 0);
    assert.is(g.toHex(out), createHmac('sha256', key).update(msg).digest('hex'), 'hmac of ' + n + ' bytes');
  }
});

/** Each bad snippet, in its own file, and the finding it must produce. */
const BAD: [string, string, RegExp][] = [
  ['imul', 'export const f = (a: number, b: number) => Math.imul(a, b);', /imul/],
  ['trunc', 'export const f = (a: number) => Math.trunc(a);', /trunc/],
  ['clz32', 'export const f = (a: number) => Math.clz32(a);', /clz32/],
  ['fill', 'export const f = (a: Uint8Array) => a.fill(0);', /fill/],
  ['slice', 'export const f = (a: Int16Array) => a.slice(1);', /typed-array: .*slice\.ts.*\.slice/],
  ['map', 'export const f = () => new Map<string, number>();', /Map/],
  ['set', 'export const f = () => new Set<number>();', /Set/],
  ['symbol', 'export const f = () => Symbol("x");', /Symbol/],
  ['promise', 'export const f = () => Promise.resolve(1);', /Promise/],
  ['freeze', 'export const f = () => Object.freeze({ a: 1 });', /freeze/],
  ['dataview', 'export const f = (b: ArrayBuffer) => new DataView(b).getUint8(0);', /DataView/],
  ['textencoder', 'declare const TextEncoder: any;\nexport const f = () => new TextEncoder().encode("x");', /global: .*TextEncoder/],
  ['isnan', 'declare const Number: any;\nexport const f = (x: number) => Number.isNaN(x);', /Number\.isNaN/],
  ['label', 'export function f() { outer: for (let i = 0; i < 3; i++) { for (;;) { break outer; } } }', /label/],
  ['hoist', 'export const x = later();\nfunction later() { return 1; }', /hoisting: .*later\(\)/],
  ['spread', 'export const f = (a: number[]) => [...a, 1];', /spread|__spreadArray/],
];

test('the gate rejects every banned construct, naming the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'es5-bad-'));
  try {
    const files = BAD.map(([name, src]) => {
      const f = join(dir, name + '.ts');
      writeFileSync(f, src + '\n');
      return f;
    });
    const r = checkEs5Bundle(files);
    assert.not.ok(r.ok);
    for (const [name, , pattern] of BAD) {
      const hits = r.errors.filter((e) => e.includes(name + '.ts') || e.includes(name + '.js'));
      assert.ok(hits.some((e) => pattern.test(e)), name + ': no finding matching ' + pattern + ' in\n' + r.errors.join('\n'));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('clean ES5-style code passes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'es5-good-'));
  try {
    const f = join(dir, 'good.ts');
    writeFileSync(f, [
      'function helper(a: Uint8Array): number { let s = 0; for (let i = 0; i < a.length; i++) s = (s + a[i]) | 0; return s; }',
      'export class Acc { private buf = new Int32Array(4); add(a: Uint8Array): number { this.buf.set([helper(a.subarray(1))]); return this.buf[0] >>> 0; } }',
      'export const slicedString = "abc".slice(1);',
    ].join('\n'));
    const r = checkEs5Bundle([f]);
    assert.equal(r.errors, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
