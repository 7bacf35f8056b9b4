/**
 * A cap on MQTT packet sizes, checked on the bytes as they arrive: an MQTT packet announces its
 * length in its fixed header (one type byte, then 1-4 bytes of "remaining length"), so a packet
 * over the cap is refused after its first few bytes, before anything buffers its body. Both
 * mqtt-packet parsers (aedes' and mqtt.js') otherwise keep a whole packet in memory before
 * looking at it: two 128 MiB publishes grew aedes by ~390 MB and the relay by ~190 MB.
 *
 * Used by the embedded broker (aedes-broker.ts: the connection is closed) and the relay's MQTT
 * client (mqtt-ingest.ts). Bundles are at most 384 KiB, sent in chunks of a few KB, so the
 * default cap, 400 KiB, never refuses a real message. mosquitto: `max_packet_size` (written by
 * mosquitto-config.ts).
 */
import type { Readable } from 'node:stream';

/** Bundles are ≤ 384 KiB (src/protocol): the largest packet a quietcam client needs, plus room for headers. */
export const MAX_PACKET_BYTES = 400 * 1024;

/**
 * A checker fed every byte of one connection, in order; returns the first packet size (fixed
 * header + remaining length, bytes) over `max`, else 0. Keeps 6 numbers of state.
 * @example const check = packetSizeChecker(MAX_PACKET_BYTES); socket.on('data', (b) => { if (check(b)) socket.destroy(); });
 */
export function packetSizeChecker(max: number): (chunk: Uint8Array) => number {
  let skip = 0; // body bytes of the current packet still to come
  let headerBytes = 0; // bytes of the current fixed header seen (0 = expecting a type byte)
  let length = 0;
  let shift = 0;
  return (chunk) => {
    let i = 0;
    while (i < chunk.length) {
      if (skip > 0) {
        const n = Math.min(skip, chunk.length - i);
        skip -= n;
        i += n;
        continue;
      }
      const b = chunk[i++];
      if (headerBytes === 0) {
        headerBytes = 1;
        length = 0;
        shift = 0;
        continue;
      }
      headerBytes++;
      length += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (b & 0x80 && headerBytes < 5) continue;
      const total = headerBytes + length;
      headerBytes = 0;
      if (b & 0x80 || total > max) return Math.max(total, max + 1); // a 5th length byte is malformed: refuse it too
      skip = length;
    }
    return 0;
  };
}

/**
 * Watch a connection's incoming bytes (a 'data' listener: with a 'readable' consumer, as aedes
 * has, it sees each chunk that consumer reads, just before the consumer parses it) and call
 * `onOversize` with the size of the first packet over `max`.
 */
export function guardPacketSize(stream: Readable, max: number, onOversize: (bytes: number) => void): void {
  const check = packetSizeChecker(max);
  let tripped = false;
  stream.on('data', (chunk: Buffer) => {
    if (tripped) return;
    const over = check(chunk);
    if (over) {
      tripped = true;
      onOversize(over);
    }
  });
}
