/**
 * Typed errors shared by every decoder in src/protocol. Decoders return them; they never throw.
 */

/**
 * Why an input was rejected:
 * - `truncated`: the input ends before the length its header announces;
 * - `bad-magic`: it does not start with the format's magic bytes;
 * - `bad-version`: a format version this code does not know;
 * - `bad-crc`: the checksum does not match (corruption in transit);
 * - `bad-field`: a field is malformed or inconsistent with another (also trailing bytes);
 * - `too-large`: a hard limit from limits.ts is exceeded.
 */
export type ProtocolErrorCode = 'truncated' | 'bad-magic' | 'bad-version' | 'bad-crc' | 'bad-field' | 'too-large';

export interface ProtocolError {
  code: ProtocolErrorCode;
  /** Human-readable detail naming the field, e.g. "cols: 11, expected 10 (ceil(width / cellSize))". */
  message: string;
}

/** Build a ProtocolError. */
export function protocolError(code: ProtocolErrorCode, message: string): ProtocolError {
  return { code: code, message: message };
}
