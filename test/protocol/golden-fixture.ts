/**
 * The golden bundle: fixed data that must encode to the same bytes in Node and in the embedded
 * engine (the firmware's Duktape/JerryScript test builds it with this very file and compares
 * against GOLDEN_BUNDLE_HEX). ES5-safe on purpose: it goes through the ES5 gate with
 * src/protocol. If the format changes on purpose, bump BUNDLE_VERSION and re-pin (see
 * golden.test.ts); never re-pin to make a test pass.
 */
import { encodeBundle, hexToBytes, macKey, type Bundle } from '../../src/protocol/index.js';

/** The golden scene: 80x60 working grid, 8-pixel cells (10x8), 2 boxes, 48 stand-in JPEG bytes. */
export function goldenBundle(): Bundle {
  const cols = 10;
  const rows = 8;
  const sky = new Uint8Array(cols * rows);
  const staticMask = new Uint8Array(cols * rows);
  const motion = new Uint8Array(cols * rows);
  for (let i = 0; i < 2 * cols; i++) sky[i] = 1; // top two rows of cells are sky
  staticMask[5 * cols + 3] = 1; // a parked object: cells (3,5) and (4,5)
  staticMask[5 * cols + 4] = 1;
  for (let y = 3; y <= 5; y++) for (let x = 6; x <= 8; x++) motion[y * cols + x] = 1; // a 3x3 walker
  motion[6 * cols + 1] = 1; // and one cell of noise
  const jpeg = new Uint8Array(48);
  // Opaque to the codec: SOI/APP0 markers, a counting pattern, EOI. Not a decodable JPEG.
  jpeg[0] = 0xff;
  jpeg[1] = 0xd8;
  jpeg[2] = 0xff;
  jpeg[3] = 0xe0;
  for (let i = 4; i < 46; i++) jpeg[i] = (i * 37 + 11) & 0xff;
  jpeg[46] = 0xff;
  jpeg[47] = 0xd9;
  const pixels = new Uint8Array(cols * rows);
  for (let y = 0; y < rows; y++) for (let x = 0; x < cols; x++) pixels[y * cols + x] = (x * 20 + y * 5) & 0xff;
  const boxes = new Int16Array(8);
  boxes[0] = 6; boxes[1] = 3; boxes[2] = 8; boxes[3] = 5;
  boxes[4] = 1; boxes[5] = 6; boxes[6] = 1; boxes[7] = 6;
  const boxAreas = new Uint16Array(2);
  boxAreas[0] = 9;
  boxAreas[1] = 1;
  return {
    cameraId: 'porch-1',
    bundleId: '1714564800123-0007',
    captureTimeMs: 1714564800123, // 2024-05-01T12:00:00.123Z: needs the high uint32 (399)
    detectorVersion: '0.1.0',
    configHash: 'c0ffee42',
    width: 80,
    height: 60,
    cellSize: 8,
    cols: cols,
    rows: rows,
    rawView: { width: 160, height: 120, jpeg: jpeg },
    sky: sky,
    staticMask: staticMask,
    motion: motion,
    boxCount: 2,
    boxes: boxes,
    boxAreas: boxAreas,
    background: { width: cols, height: rows, pixels: pixels },
    purposes: 3, // motion + objectron
    consentVersion: 2,
  };
}

/** Chunk size for the golden chunks: the minimum, so the golden bundle spans several chunks. */
export const GOLDEN_CHUNK_SIZE = 256;

/** The golden camera's MAC secret: bytes 00 01 02 ... 1f. */
export const GOLDEN_SECRET_HEX = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';

/** The golden bundle, encoded and signed with GOLDEN_SECRET_HEX: the bytes pinned below. */
export function goldenBytes(): Uint8Array {
  return encodeBundle(goldenBundle(), undefined, macKey(hexToBytes(GOLDEN_SECRET_HEX) as Uint8Array));
}

/**
 * goldenBytes(), pinned once for format version 2 and explained byte by byte in golden.test.ts.
 * 286 bytes: 50 header + 38 ids + 3 x 10 mask + 2 x 10 boxes + 80 background + 48 raw view
 * + 16 MAC + 4 CRC.
 */
export const GOLDEN_BUNDLE_HEX =
  '5143424e02001e0100008f0100007b9e063402000000030850003c000a0008000200a0007800300000000a0008000712' +
  '0508706f7263682d31313731343536343830303132332d30303037302e312e306330666665653432ffff0f0000000000' +
  '0000000000000000600000000000000070c00127000006000300080005000900010006000100060001000014283c5064' +
  '788ca0b405192d4155697d91a5b90a1e32465a6e8296aabe0f23374b5f73879bafc314283c5064788ca0b4c8192d4155' +
  '697d91a5b9cd1e32465a6e8296aabed223374b5f73879bafc3d7ffd8ffe09fc4e90e33587da2c7ec11365b80a5caef14' +
  '395e83a8cdf2173c6186abd0f51a3f6489aed3f81d42678cffd92c7a989c1b45db726ce2973c8ec86d40f6454b31';
/** Its length in bytes. */
export const GOLDEN_BUNDLE_LENGTH = 286;
/** Its MAC: the first 16 bytes of HMAC-SHA256(secret, "quietcam-bundle/" + bytes 0..265), at bytes 266..281. */
export const GOLDEN_BUNDLE_MAC_HEX = '2c7a989c1b45db726ce2973c8ec86d40';
/** Its CRC32 (over bytes 0..281, stored little-endian in bytes 282..285 as f6 45 4b 31). */
export const GOLDEN_BUNDLE_CRC = 0x314b45f6;
/** Lengths and CRC32s (each over its chunk but its last 4 bytes) of its chunks at GOLDEN_CHUNK_SIZE. */
export const GOLDEN_CHUNK_LENGTHS = [256, 136];
export const GOLDEN_CHUNK_CRCS = [0x878e105f, 0x4df4bcc5];

/** Lower-case hex of bytes (ES5-safe, for comparing against the pins in the engine too). */
export function toHex(bytes: Uint8Array): string {
  const digits = '0123456789abcdef';
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += digits.charAt(bytes[i] >> 4) + digits.charAt(bytes[i] & 15);
  return s;
}
