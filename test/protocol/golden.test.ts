/**
 * Golden bytes. The pins in golden-fixture.ts were generated once from goldenBundle() and
 * checked by hand against the layout in src/protocol/README.md; this file re-derives the main
 * fields from the pinned hex so a reader can see why each byte is what it is:
 *
 *   51 43 42 4e          magic "QCBN"            02 00        version 2, flags 0
 *   1e 01 00 00          total length 286        8f 01 00 00  time high = 399
 *   7b 9e 06 34          time low = 873017019    (399 * 2^32 + 873017019 = 1714564800123)
 *   02 00 00 00          consent version 2       03 08        purposes 3, cell size 8
 *   50 00 3c 00 0a 00 08 00   80x60 working grid, 10x8 cells
 *   02 00                2 boxes                 a0 00 78 00  raw view 160x120
 *   30 00 00 00          48 JPEG bytes           0a 00 08 00  background 10x8
 *   07 12 05 08          id lengths: camera, bundle, detector version, config hash
 *   "porch-1" "1714564800123-0007" "0.1.0" "c0ffee42"
 *   ff ff 0f 00 ...      sky: cells 0-19 set, LSB first
 *   ...                  static mask, motion mask, boxes (x0 y0 x1 y1 area, uint16 each)
 *   00 14 28 ...         background pixels, then the 48 JPEG bytes (ff d8 ff e0 ... ff d9)
 *   2c 7a ... 6d 40      MAC: HMAC-SHA256(secret, "quietcam-bundle/" + bytes 0..265), first 16 bytes
 *   f6 45 4b 31          CRC32 0x314b45f6 of bytes 0..281
 *
 * If this fails after an intended format change: bump BUNDLE_VERSION, regenerate the pins with
 * toHex(goldenBytes()), re-check them by hand, and tell the firmware owner.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHmac } from 'node:crypto';
import { chunkBundle, crc32, decodeBundle, macKey, Reassembler, verifyBundleMac } from '../../src/protocol/index.js';
import {
  GOLDEN_BUNDLE_CRC, GOLDEN_BUNDLE_HEX, GOLDEN_BUNDLE_LENGTH, GOLDEN_BUNDLE_MAC_HEX, GOLDEN_CHUNK_CRCS, GOLDEN_CHUNK_LENGTHS,
  GOLDEN_CHUNK_SIZE, GOLDEN_SECRET_HEX, goldenBundle, goldenBytes, toHex,
} from './golden-fixture.js';

const hexToBytes = (hex: string) => new Uint8Array(hex.match(/../g)!.map((h) => parseInt(h, 16)));

test('the golden bundle encodes to exactly the pinned bytes', () => {
  const bytes = goldenBytes();
  assert.is(bytes.length, GOLDEN_BUNDLE_LENGTH);
  assert.is(toHex(bytes), GOLDEN_BUNDLE_HEX);
  assert.is(crc32(bytes, 0, bytes.length - 4), GOLDEN_BUNDLE_CRC);
});

test('the pinned bytes decode to the golden bundle', () => {
  const r = decodeBundle(hexToBytes(GOLDEN_BUNDLE_HEX));
  assert.ok(r.ok);
  if (r.ok) assert.equal(r.bundle, goldenBundle());
});

test('the pinned header fields sit where the README layout says', () => {
  const h = GOLDEN_BUNDLE_HEX;
  const at = (offset: number, len: number) => h.slice(2 * offset, 2 * (offset + len));
  assert.is(at(0, 4), '5143424e');
  assert.is(at(4, 2), '0200'); // version 2, flags 0
  assert.is(at(6, 4), '1e010000'); // 286
  assert.is(at(10, 8), '8f0100007b9e0634'); // 1714564800123 as high, low
  assert.is(at(24, 8), '50003c000a000800'); // 80, 60, 10, 8
  assert.is(at(50, 7), Buffer.from('porch-1').toString('hex'));
  assert.is(at(266, 16), GOLDEN_BUNDLE_MAC_HEX);
  assert.is(at(282, 4), 'f6454b31');
});

test('the pinned MAC is HMAC-SHA256 as node:crypto computes it, and verifies only with the golden secret', () => {
  const bytes = hexToBytes(GOLDEN_BUNDLE_HEX);
  const secret = Buffer.from(GOLDEN_SECRET_HEX, 'hex');
  const mac = createHmac('sha256', secret).update('quietcam-bundle/').update(bytes.subarray(0, 266)).digest().subarray(0, 16);
  assert.is(mac.toString('hex'), GOLDEN_BUNDLE_MAC_HEX);
  assert.ok(verifyBundleMac(bytes, macKey(new Uint8Array(secret))));
  const other = new Uint8Array(secret);
  other[31] ^= 1;
  assert.not.ok(verifyBundleMac(bytes, macKey(other)), 'a key one bit off');
});

test('the golden chunks have the pinned lengths and CRCs and reassemble to the golden bytes', () => {
  const g = goldenBundle();
  const chunks = chunkBundle(goldenBytes(), { cameraId: g.cameraId, bundleId: g.bundleId, chunkSize: GOLDEN_CHUNK_SIZE });
  assert.equal(chunks.map((c) => c.length), GOLDEN_CHUNK_LENGTHS);
  assert.equal(chunks.map((c) => crc32(c, 0, c.length - 4)), GOLDEN_CHUNK_CRCS);
  const r = new Reassembler();
  assert.is(r.push(chunks[1], 0).kind, 'partial');
  const done = r.push(chunks[0], 1);
  assert.is(done.kind, 'complete');
  if (done.kind === 'complete') assert.is(toHex(done.bytes), GOLDEN_BUNDLE_HEX);
});

test.run();
