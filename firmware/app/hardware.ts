/**
 * The hardware ports the device app is written against, named the ECMA-419 way: the caller owns
 * every buffer (`read(buffer)` fills it), nothing is returned that the engine must allocate per
 * frame. The same shapes are implemented three times: in C for JerryScript on the board
 * (firmware/esp32/main/engine_jerry.c), in C for Duktape on the desktop
 * (firmware/desktop/engine_duktape.c), and in TypeScript for Node (firmware/node/node-ports.ts).
 * ES5-safe: interfaces only.
 */
import type { PixelKernels } from '../../src/core/kernels.js';

/** The camera: grey frames for the detector, and the raw view (JPEG) of the same frame. */
export interface CameraPort {
  /** Grey frame size in pixels (the board profile's working resolution). */
  readonly width: number;
  readonly height: number;
  /** Raw view size in pixels (0 when the camera has no raw view). */
  readonly viewWidth: number;
  readonly viewHeight: number;
  /**
   * Copy the newest grey frame (width*height bytes) into `buffer`. Returns the bytes written:
   * width*height, or 0 when no frame is available.
   */
  read(buffer: Uint8Array): number;
  /**
   * Copy the raw view of the frame last returned by `read` (JPEG bytes, unedited) into `buffer`.
   * Returns its length, 0 when there is none or it does not fit.
   */
  readView(buffer: Uint8Array): number;
}

/** Time. Both in milliseconds. */
export interface ClockPort {
  /** Wall clock: ms since the Unix epoch (SNTP on the board). May jump, and reads ~1970 before the first sync. */
  now(): number;
  /** Monotonic ms since boot: never jumps, restarts at 0 on reboot. */
  ticks(): number;
}

/** An MQTT client that is already connected (the port reconnects on its own). */
export interface MqttPort {
  /**
   * Publish `bytes` (copied before returning: the caller reuses the buffer). QoS 0 or 1.
   * Returns false when the message could not even be queued (outbox full, disconnected at QoS 0).
   */
  publish(topic: string, bytes: Uint8Array, qos: number): boolean;
}

/** Persistent key-value settings (NVS on the board, a file or memory on the desktop). */
export interface SettingsPort {
  /** The stored string, or undefined when the key was never set. */
  get(key: string): string | undefined;
  /** Store a string (ASCII, at most 64 bytes). */
  set(key: string, value: string): void;
}

/** Log levels of LogPort.log. */
export const LOG_ERROR = 1;
export const LOG_WARN = 2;
export const LOG_INFO = 3;

export interface LogPort {
  log(level: number, message: string): void;
}

/** Memory outside the engine heap (PSRAM on the board): for the few large, rarely used buffers. */
export interface MemoryPort {
  /** A zeroed Uint8Array of `bytes` backed by platform memory; call only at start-up. */
  external(bytes: number): Uint8Array;
}

/**
 * Native per-pixel loops (optional): the detector's difference and background update in C
 * (firmware/native/qc_kernels.c), bit-exact with src/core/kernels.ts. Without them the app runs the
 * TypeScript reference, which costs ~2.5x a bare frame-difference loop in an interpreter.
 */
export type KernelsPort = PixelKernels;

/**
 * Native SHA-256 compression (optional; firmware/native/qc_sha256.c): the MAC on every bundle
 * hashes the whole bundle, ~20k x86 instructions per byte in an interpreter. Checked against the
 * TypeScript reference at start-up (src/protocol/sha256.ts checkSha256Blocks) before it is used.
 */
export interface DigestPort {
  sha256Blocks(state: Int32Array, data: Uint8Array, from: number, blocks: number): void;
}

/**
 * The board's health for the status message (optional; firmware/app/status.ts): on the ESP32
 * esp_get_free_heap_size() and esp_wifi_sta_get_ap_info()'s RSSI; the desktop runtime and Node
 * report fixed simulated values (the same in both, so their outputs stay byte-identical).
 */
export interface SystemPort {
  /** Free heap bytes (the whole system's, not only the engine's). */
  freeHeap(): number;
  /** Wi-Fi signal of the access point in dBm (-127..-1), 0 when not known or not on Wi-Fi. */
  rssi(): number;
}

export interface Ports {
  camera: CameraPort;
  clock: ClockPort;
  mqtt: MqttPort;
  settings: SettingsPort;
  log: LogPort;
  memory: MemoryPort;
  kernels?: KernelsPort;
  digest?: DigestPort;
  system?: SystemPort;
}
