/**
 * A camera's state at a glance, for the cameras list and the camera's page: online or offline
 * (a verified status message within 2 of its intervals: src/web/camera-link.ts), last seen,
 * firmware, frame rate, free heap, Wi-Fi signal and last event (from the board's status), and the
 * relay's last contribution.
 */
import type { SeenStatus } from '../camera-link.js';
import { html, type Html } from '../html.js';
import { formatTime } from '../time.js';
import type { CameraActivity } from '../ports.js';

export interface Glance {
  online: boolean;
  /** Newest of: the board's status, the relay's last chunk or contribution (null: never). */
  lastSeenMs: number | null;
  status: SeenStatus | null;
}

/** Online when the last status is younger than 2 of the intervals the board said it keeps. */
export function glanceOf(seen: SeenStatus | null, act: CameraActivity | undefined, nowMs: number): Glance {
  const online = !!seen && nowMs - seen.receivedMs <= 2 * seen.status.everyMs;
  const times = [seen?.receivedMs ?? 0, act?.lastSeenMs ?? 0].filter((t) => t > 0);
  return { online, lastSeenMs: times.length ? Math.max(...times) : null, status: seen };
}

/** dBm in words: -60 and above good, to -70 fair, below that weak (what Wi-Fi vendors print). */
export function wifiText(rssi: number): string {
  if (rssi === 0) return 'not known';
  return `${rssi} dBm (${rssi >= -60 ? 'good' : rssi >= -70 ? 'fair' : 'weak'})`;
}

const kb = (bytes: number) => (bytes < 0 ? 'not known' : `${Math.round(bytes / 1024)} KB`);

/** "online" / "offline", last seen …, or "not seen yet"; `inline`: on one line (the camera's page). */
export function stateCell(g: Glance, timeZone: string, inline = false): Html {
  const when = g.lastSeenMs ? formatTime(g.lastSeenMs, timeZone) : '';
  if (!g.lastSeenMs && !g.online) return html`<span class="state">not seen yet</span>`;
  const word = g.online ? html`<strong class="state">online</strong>` : html`<strong class="state">offline</strong>`;
  return inline ? html`${word}, last seen ${when}` : html`${word}<br><small>last seen ${when}</small>`;
}

/** Firmware, frame rate, free heap and Wi-Fi, or a dash before the first status. */
export function deviceCell(g: Glance): Html {
  const s = g.status?.status;
  if (!s) return html`<span>-</span>`;
  // the status sent at the first frame has no frame rate yet (one frame, no time): the next one has
  const rate = s.fps10 === 0 && s.frames <= 1 ? 'frame rate not measured yet' : `${(s.fps10 / 10).toFixed(1)} frames/s`;
  return html`<span class="device">firmware ${s.fw} (${s.board})<br>${rate} · free heap ${kb(s.heap)}<br>Wi-Fi ${wifiText(s.rssi)}</span>`;
}

/** The board's last motion event (since it started), from its status. */
export function lastEventText(g: Glance, timeZone: string): string {
  const s = g.status?.status;
  if (!s) return 'not known';
  return s.lastEventMs > 0 ? formatTime(s.lastEventMs, timeZone) : `none since the camera started (${Math.floor(s.uptimeS / 3600)} h ago)`;
}
