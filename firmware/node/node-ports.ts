/**
 * The ports of firmware/app/hardware.ts implemented in Node with the same semantics, byte for
 * byte, as the desktop runtime's C ports (firmware/desktop/port_desktop.c, engine_duktape.c,
 * firmware/native/qc_external.c, qc_inbox.c): same size limits, same errors, same inbox.
 */
import type { Ports } from '../app/hardware.ts';
import type { FirmwareOutput } from './wire.ts';

/** qc_ports.h QC_SETTINGS_KEY_MAX / QC_SETTINGS_VALUE_MAX; qc_inbox.h limits. */
export const SETTINGS_KEY_MAX = 15;
export const SETTINGS_VALUE_MAX = 64;
export const INBOX_SLOTS = 4;
export const INBOX_TOPIC_MAX = 96;
export const INBOX_PAYLOAD_MAX = 1024;
/**
 * The health a simulated board reports (ports.system), the same numbers as the desktop runtime's
 * port_desktop.c, so both publish byte-identical status messages: an ESP32-CAM's typical free
 * heap with Wi-Fi up (bytes) and a fair Wi-Fi signal (dBm).
 */
export const SIMULATED_SYSTEM = { freeHeap: 163840, rssi: -58 };

export interface NodePortsOptions {
  width: number;
  height: number;
  viewWidth?: number;
  viewHeight?: number;
  /** Bytes of external memory (the board profile's externalBytes). */
  externalBytes: number;
  /** Settings that survive reboots (the caller keeps the map between boots). */
  settings: Map<string, string>;
  outputs: FirmwareOutput[];
  /** Drop info logs, as qc-runtime --quiet-logs does. */
  quietLogs?: boolean;
}

export class NodePorts {
  readonly ports: Ports;
  private frame: Uint8Array | null = null;
  private view: Uint8Array = new Uint8Array(0);
  private wallMs = 0;
  private ticksMs = 0;
  private externalUsed = 0;
  private readonly inbox: { topic: string; payload: Uint8Array }[] = [];
  private connectedMark = false;

  constructor(private readonly o: NodePortsOptions) {
    const self = this;
    const n = o.width * o.height;
    this.ports = {
      camera: {
        width: o.width,
        height: o.height,
        viewWidth: o.viewWidth ?? 0,
        viewHeight: o.viewHeight ?? 0,
        read(buffer) {
          if (!self.frame || buffer.length < n) return 0;
          buffer.set(self.frame);
          return n;
        },
        readView(buffer) {
          if (!self.frame || self.view.length === 0 || self.view.length > buffer.length) return 0;
          buffer.set(self.view);
          return self.view.length;
        },
      },
      clock: { now: () => self.wallMs, ticks: () => self.ticksMs },
      mqtt: {
        publish(topic, bytes, qos) {
          if (qos !== 0 && qos !== 1) return false;
          o.outputs.push({ kind: 'publish', topic, payload: new Uint8Array(bytes), qos });
          return true;
        },
      },
      settings: {
        get: (key) => o.settings.get(key),
        set(key, value) {
          if (key.length > SETTINGS_KEY_MAX || value.length > SETTINGS_VALUE_MAX || value.indexOf('\n') >= 0) {
            throw new RangeError(`settings.set: key > ${SETTINGS_KEY_MAX} or value > ${SETTINGS_VALUE_MAX} characters, or storage failed`);
          }
          o.settings.set(key, value);
        },
      },
      log: {
        log(level, message) {
          if (o.quietLogs && level > 2) return;
          o.outputs.push({ kind: 'log', level, text: String(message) });
        },
      },
      system: { freeHeap: () => SIMULATED_SYSTEM.freeHeap, rssi: () => SIMULATED_SYSTEM.rssi },
      memory: {
        external(bytes) {
          const at = (self.externalUsed + 7) & ~7;
          if (bytes > o.externalBytes || at > o.externalBytes - bytes) {
            throw new RangeError(`memory.external: ${bytes} bytes do not fit (${self.externalUsed} of ${o.externalBytes} used)`);
          }
          self.externalUsed = at + bytes;
          return new Uint8Array(bytes);
        },
      },
    };
  }

  /** The next frame and the clock at its capture (qc_desktop_set_frame). */
  setFrame(wallMs: number, ticksMs: number, grey: Uint8Array, view?: Uint8Array): void {
    this.wallMs = wallMs;
    this.ticksMs = ticksMs;
    if (grey.length !== this.o.width * this.o.height) throw new RangeError('frame size does not match the camera');
    this.frame = grey;
    this.view = view ?? new Uint8Array(0);
  }

  /** qc_inbox_push, including its drop warning. */
  push(topic: string, payload: Uint8Array): void {
    if (this.inbox.length < INBOX_SLOTS && Buffer.byteLength(topic) <= INBOX_TOPIC_MAX && payload.length <= INBOX_PAYLOAD_MAX) {
      this.inbox.push({ topic, payload: new Uint8Array(payload) });
    } else {
      this.ports.log.log(2, 'inbox: message dropped (inbox full, topic > 96 or payload > 1024 bytes)');
    }
  }

  /** qc_inbox_mark_connected. */
  markConnected(): void {
    this.connectedMark = true;
  }

  /** qc_inbox_take_connected: true once after each mark. */
  takeConnected(): boolean {
    const was = this.connectedMark;
    this.connectedMark = false;
    return was;
  }

  /** qc_inbox_pop. */
  pop(): { topic: string; payload: Uint8Array } | undefined {
    return this.inbox.shift();
  }

  /** A reboot: external memory is handed over again (qc_external_init). */
  resetExternal(): void {
    this.externalUsed = 0;
  }

  get external(): number {
    return this.externalUsed;
  }
}
