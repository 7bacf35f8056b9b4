/**
 * Fans a "person" alert out to the owner's channels. `send` only checks that alerts are on for the
 * camera (and that the alert names the camera's owner) and queues; a small pool records each
 * alert (the owner's feed) and starts every wanted channel without waiting for any of them, so a
 * slow webhook never holds up MQTT, another owner, or the verdict stage.
 *
 * Limits: the queue holds DISPATCH_DEFAULTS.queueMax alerts; past that an alert is dropped and
 * counted (a burst of that size means something is wrong upstream: one alert per event).
 */
import type { Logger } from '../log.js';
import type { Alert, AlertSink } from './alert.js';
import { alertMessage, type AlertChannel } from './message.js';
import type { NoticeMessage } from './notice.js';
import type { AlertStore } from './ports.js';

export const DISPATCH_DEFAULTS = {
  queueMax: 256, // alerts waiting; a home has tens of cameras, one alert per event
  concurrency: 4, // alerts being recorded and fanned out at once (fan-out itself does not wait)
  recentEvents: 1024, // (camera, event) pairs remembered to drop a second alert for one event
};

export interface DispatcherOptions {
  store: AlertStore;
  channels: AlertChannel[];
  /** Base URL of the owner pages, for the image and page links. */
  pagesUrl: string;
  cameraName?: (cameraId: string) => string | null;
  clock?: () => number;
  log: Logger;
  queueMax?: number;
  concurrency?: number;
  /** After each channel's result: the channels the alert reached so far (e.g. for the event history's `alertTo`). Must not throw. */
  onDelivered?: (alert: Alert, sentTo: string[]) => void;
}

export interface DispatchStats {
  received: number;
  /** Alerts for a camera whose alerts are off (or a wrong owner): nothing sent. */
  off: number;
  duplicate: number;
  dropped: number;
  invalid: number;
  queued: number;
  sent: Record<string, number>;
  failed: Record<string, number>;
}

function validAlert(a: Alert): boolean {
  return !!a && typeof a.cameraId === 'string' && typeof a.ownerId === 'string' && typeof a.eventId === 'string' && a.eventId.length <= 128 &&
    a.verdict === 'person' && Number.isFinite(a.atMs) && Number.isFinite(a.score) && Array.isArray(a.boxes) && a.boxes.length <= 64 &&
    typeof a.imagePath === 'string';
}

/** @example const d = new AlertDispatcher({ store, channels: [mqttAlerts(...), webhookChannel()], pagesUrl, log }); d.send(alert); */
export class AlertDispatcher implements AlertSink {
  private readonly queue: Alert[] = [];
  private active = 0;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly recent: string[] = [];
  private readonly stats: DispatchStats = { received: 0, off: 0, duplicate: 0, dropped: 0, invalid: 0, queued: 0, sent: {}, failed: {} };
  private readonly clock: () => number;
  private closed = false;

  constructor(private readonly o: DispatcherOptions) {
    this.clock = o.clock ?? Date.now;
  }

  send(alert: Alert): void {
    try {
      this.stats.received++;
      if (this.closed || !validAlert(alert)) {
        this.stats.invalid++;
        return;
      }
      if (!this.o.store.enabledCameras(alert.ownerId).includes(alert.cameraId)) {
        this.stats.off++;
        return;
      }
      const key = `${alert.cameraId}/${alert.eventId}`;
      if (this.recent.includes(key)) {
        this.stats.duplicate++;
        return;
      }
      if (this.queue.length >= (this.o.queueMax ?? DISPATCH_DEFAULTS.queueMax)) {
        this.stats.dropped++;
        return;
      }
      this.recent.push(key);
      if (this.recent.length > DISPATCH_DEFAULTS.recentEvents) this.recent.shift();
      this.queue.push(alert);
      this.stats.queued++;
      setImmediate(() => this.pump());
    } catch (err) {
      this.stats.invalid++;
      this.o.log.error(`alerts: could not queue an alert: ${(err as Error).message}`);
    }
  }

  /** Counters so far (a copy). */
  counts(): DispatchStats {
    return { ...this.stats, sent: { ...this.stats.sent }, failed: { ...this.stats.failed } };
  }

  private pump(): void {
    while (this.active < (this.o.concurrency ?? DISPATCH_DEFAULTS.concurrency) && this.queue.length) {
      const a = this.queue.shift()!;
      this.active++;
      const p = this.fanOut(a).catch((err) => this.o.log.error(`alerts: ${a.cameraId}/${a.eventId}: ${(err as Error).message}`))
        .finally(() => {
          this.active--;
          this.pump();
        });
      this.track(p);
    }
  }

  private track(p: Promise<unknown>): void {
    this.inFlight.add(p);
    p.finally(() => this.inFlight.delete(p)).catch(() => {});
  }

  private async fanOut(a: Alert): Promise<void> {
    const { store } = this.o;
    const seq = store.record(a, this.clock());
    const sent = store.get(a.ownerId, seq)!;
    const channels = store.channels(a.ownerId);
    const message = alertMessage(sent, this.o.pagesUrl, this.o.cameraName?.(a.cameraId) ?? a.cameraId);
    const sentTo: string[] = [];
    for (const ch of this.o.channels) {
      if (!ch.wanted(channels)) continue;
      store.setDelivery(seq, ch.name, 'queued');
      // not awaited: each channel retries on its own time
      const p = ch.deliver({ message, imagePath: a.imagePath, ownerId: a.ownerId, channels, pushSubscriptions: () => store.pushSubscriptions(a.ownerId) })
        .then((status) => {
          this.stats.sent[ch.name] = (this.stats.sent[ch.name] ?? 0) + 1;
          store.setDelivery(seq, ch.name, status);
          sentTo.push(ch.name);
          try {
            this.o.onDelivered?.(a, [...sentTo]);
          } catch (err) {
            this.o.log.warn(`alerts: onDelivered: ${(err as Error).message}`);
          }
        }, (err: Error) => {
          this.stats.failed[ch.name] = (this.stats.failed[ch.name] ?? 0) + 1;
          store.setDelivery(seq, ch.name, `failed: ${String(err?.message ?? err).slice(0, 200)}`);
          this.o.log.warn(`alerts: ${ch.name} for ${a.cameraId}/${a.eventId} failed: ${err?.message ?? err}`);
        })
        .catch(() => {});
      this.track(p);
    }
  }

  /**
   * A notice (notice.ts: a consent reminder) to every channel the owner set that carries notices,
   * whatever the cameras' alert switches (those are for person alerts). Not queued: notices are
   * rare and the caller records where each went. Resolves with channel -> 'sent' | 'failed: why'; never rejects.
   */
  async notify(ownerId: string, message: NoticeMessage): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    if (this.closed) return out;
    const { store } = this.o;
    const channels = store.channels(ownerId);
    const runs = this.o.channels.filter((ch) => ch.notify && ch.wanted(channels)).map((ch) =>
      ch.notify!({ message, ownerId, channels, pushSubscriptions: () => store.pushSubscriptions(ownerId) }).then((status) => {
        out[ch.name] = status;
      }, (err: Error) => {
        out[ch.name] = `failed: ${String(err?.message ?? err).slice(0, 200)}`;
        this.o.log.warn(`alerts: ${ch.name} notice for ${message.camera} failed: ${err?.message ?? err}`);
      }));
    const all = Promise.all(runs);
    this.track(all);
    await all;
    return out;
  }

  /** Stop taking alerts; wait (at most `waitMs`) for those under way, then close the channels. */
  async close(waitMs = 5000): Promise<void> {
    this.closed = true;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<string>((r) => (timer = setTimeout(() => r('late'), waitMs)));
    while (this.inFlight.size || this.queue.length) {
      const settled = await Promise.race([Promise.allSettled([...this.inFlight]).then(() => 'ok'), deadline]);
      if (settled === 'late') break;
      if (!this.inFlight.size && this.queue.length) this.pump();
    }
    clearTimeout(timer);
    for (const ch of this.o.channels) await ch.close?.().catch(() => {});
  }
}
