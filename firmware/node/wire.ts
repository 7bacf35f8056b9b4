/**
 * The Node side of the desktop runtime's framed binary I/O (firmware/desktop/wire.h has the
 * layout): encode input records, decode output records from a byte stream.
 */

/** What the firmware gets, in order: frames (with their capture clock), messages, reconnections, reboots. */
export type FirmwareInput =
  | { kind: 'frame'; wallMs: number; ticksMs: number; grey: Uint8Array; view?: Uint8Array }
  | { kind: 'message'; topic: string; payload: Uint8Array }
  /** The MQTT connection came back (qc_inbox_mark_connected): quietcam.reconnected() before the next frame. */
  | { kind: 'connected' }
  | { kind: 'reboot' };

/** What the firmware did: publishes and log lines, in order. */
export type FirmwareOutput =
  | { kind: 'publish'; topic: string; payload: Uint8Array; qos: number }
  | { kind: 'log'; level: number; text: string };

function record(type: string, payloadLength: number): { buf: Buffer; at: number } {
  const buf = Buffer.allocUnsafe(5 + payloadLength);
  buf[0] = type.charCodeAt(0);
  buf.writeUInt32LE(payloadLength, 1);
  return { buf, at: 5 };
}

export function encodeInput(r: FirmwareInput, width: number, height: number): Buffer {
  if (r.kind === 'frame') {
    if (r.grey.length !== width * height) throw new RangeError(`frame of ${r.grey.length} bytes, expected ${width}x${height}`);
    const view = r.view ?? new Uint8Array(0);
    const { buf } = record('F', 28 + r.grey.length + view.length);
    buf.writeDoubleLE(r.wallMs, 5);
    buf.writeDoubleLE(r.ticksMs, 13);
    buf.writeUInt16LE(width, 21);
    buf.writeUInt16LE(height, 23);
    buf.writeUInt32LE(r.grey.length, 25);
    buf.set(r.grey, 29);
    buf.writeUInt32LE(view.length, 29 + r.grey.length);
    buf.set(view, 33 + r.grey.length);
    return buf;
  }
  if (r.kind === 'message') {
    const topic = Buffer.from(r.topic, 'utf8');
    const { buf } = record('M', 2 + topic.length + r.payload.length);
    buf.writeUInt16LE(topic.length, 5);
    buf.set(topic, 7);
    buf.set(r.payload, 7 + topic.length);
    return buf;
  }
  return record(r.kind === 'connected' ? 'C' : 'R', 0).buf;
}

export interface DecodedOutput {
  outputs: FirmwareOutput[];
  /** The runtime's closing stats (JSON), when it got that far. */
  stats?: Record<string, unknown>;
  /** The runtime's fatal error text, if any. */
  error?: string;
}

/** Incremental decoder of output records. */
export class OutputDecoder {
  private pending: Buffer = Buffer.alloc(0);
  readonly result: DecodedOutput = { outputs: [] };

  push(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    let at = 0;
    while (this.pending.length - at >= 5) {
      const len = this.pending.readUInt32LE(at + 1);
      if (this.pending.length - at < 5 + len) break;
      const type = String.fromCharCode(this.pending[at]);
      const p = this.pending.subarray(at + 5, at + 5 + len);
      if (type === 'P') {
        const tlen = p.readUInt16LE(1);
        this.result.outputs.push({ kind: 'publish', qos: p[0], topic: p.subarray(3, 3 + tlen).toString('utf8'), payload: new Uint8Array(p.subarray(3 + tlen)) });
      } else if (type === 'L') {
        this.result.outputs.push({ kind: 'log', level: p[0], text: p.subarray(1).toString('utf8') });
      } else if (type === 'S') {
        this.result.stats = JSON.parse(p.toString('utf8'));
      } else if (type === 'E') {
        this.result.error = p.toString('utf8');
      } else {
        throw new Error(`qc-runtime: unknown output record '${type}'`);
      }
      at += 5 + len;
    }
    this.pending = this.pending.subarray(at);
  }

  /** Bytes left over that do not make a whole record (should be 0 at the end). */
  get leftover(): number {
    return this.pending.length;
  }
}
