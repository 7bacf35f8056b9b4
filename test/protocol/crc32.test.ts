import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { crc32 } from '../../src/protocol/index.js';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { Rng } from '../../sim/scenes/random.js';

const ascii = (s: string) => new Uint8Array(Array.from(s, (c) => c.charCodeAt(0)));

test('matches the standard check value for "123456789"', () => {
  assert.is(crc32(ascii('123456789')), 0xcbf43926);
});

test('is 0 for no bytes and unsigned for all bytes', () => {
  assert.is(crc32(new Uint8Array(0)), 0);
  assert.is(crc32(ascii('The quick brown fox jumps over the lazy dog')), 0x414fa339);
  const all = new Uint8Array(256);
  for (let i = 0; i < 256; i++) all[i] = i;
  assert.is(crc32(all), 0x29058c73);
});

test('continues a running checksum through the seed', () => {
  const b = ascii('123456789');
  assert.is(crc32(b, 4, 9, crc32(b, 0, 4)), 0xcbf43926);
});

test('covers only start..end', () => {
  assert.is(crc32(ascii('xx123456789yy'), 2, 11), 0xcbf43926);
});

test("every range and seed gives what Node's zlib.crc32 gives", () => {
  const rng = new Rng(11);
  const bytes = new Uint8Array(5000).map(() => rng.next() & 255);
  const cases: [number, number, number | undefined][] = [[0, 5000, undefined], [0, 0, undefined], [17, 4093, undefined], [1, 2, 0xdeadbeef], [4000, 5000, 0xffffffff]];
  for (const [a, b, seed] of cases) assert.is(crc32(bytes, a, b, seed), zlibCrc32(bytes.subarray(a, b), seed ?? 0) >>> 0);
});

test.run();
