/**
 * Consent reminders: 30 days (config `consent.remindMs`) before a camera's consent ends, and once
 * it has ended, the owner is told through the channels they set for alerts (MQTT
 * `quietcam/<camera>/reminder`, the signed webhook, Web Push: src/alerts/dispatcher.ts `notify`)
 * and on the Cameras and Zone pages (reminder-banner.ts, with a one-click renew).
 *
 * Once per camera, consent version and threshold: each is claimed in the database
 * (`consent_reminders`, migration 8) before it is sent, so a restart, a second check or a second
 * process never sends it again. A re-confirmation is a new consent version, so next year's
 * reminders come again. A camera first seen after its end gets the 'expired' reminder only.
 * Driven by the ports' clock: `check()` does one pass at `ports.clock()`; `startReminders` runs
 * it at start and every hour (a reminder is at most an hour late).
 *
 * Limits: claimed before sending, so a crash between the two loses that reminder's channels
 * (the page banner still shows); a channel that fails is recorded as failed, not retried.
 */
import type { ConsentReminderMessage } from '../alerts/notice.js';
import type { Logger } from '../log.js';
import type { WebConfig } from './config.js';
import { consentState } from './consent.js';
import { choiceLabel } from './consent-text.js';
import type { ReminderRecord, ReminderThreshold, WebCamera, WebPorts } from './ports.js';
import { formatTime } from './time.js';

/** Where the reminders go besides the page: AlertDispatcher implements it. */
export interface ReminderNotifier {
  /** Resolves with channel -> 'sent' | 'failed: why' ({} when the owner set no channel); never rejects. */
  notify(ownerId: string, message: ConsentReminderMessage): Promise<Record<string, string>>;
}

export interface RemindersOptions {
  ports: WebPorts;
  config: WebConfig;
  /** null: the page banner only. */
  notifier: ReminderNotifier | null;
  /** The owner pages' address as owners open them (the camera page link), e.g. https://cams.example.org. */
  pagesUrl: string;
  log: Logger;
}

const HOUR = 3600000;

/** The reminder's words: what was agreed, when it ends or ended, in the owner's time zone (named). */
export function reminderMessage(cam: WebCamera, threshold: ReminderThreshold, nowMs: number, tz: string, pagesUrl: string): ConsentReminderMessage {
  const c = cam.consent!;
  const purposes = choiceLabel(c.purposes);
  const when = `${formatTime(c.expiresMs, tz).slice(0, 16)} (${tz})`;
  const daysLeft = Math.max(0, Math.ceil((c.expiresMs - nowMs) / 86400000));
  const soon = threshold === 'soon';
  return {
    v: 1, kind: 'consent-reminder', camera: cam.cameraId, cameraName: cam.name, threshold, purposes,
    expiresMs: c.expiresMs, at: new Date(c.expiresMs).toISOString(), daysLeft,
    title: soon ? `Consent for ${cam.name} ends in ${daysLeft} day(s)` : `Consent for ${cam.name} has ended`,
    text: soon
      ? `You agreed that ${cam.name} contributes "${purposes}" until ${when}. Still happy to contribute? Renew it for a year on the Cameras page, or let it end.`
      : `Your consent for ${cam.name} ("${purposes}") ended on ${when}: nothing is uploaded from it now. Renew it on the Cameras page if you want to contribute again.`,
    page: `${pagesUrl.replace(/\/+$/, '')}/cameras/${cam.cameraId}`,
  };
}

export class ConsentReminders {
  constructor(private readonly o: RemindersOptions) {}

  /** One pass: every camera that reached a threshold it was not reminded of. Returns the reminders sent now. */
  async check(): Promise<ReminderRecord[]> {
    const { ports, config } = this.o;
    const now = ports.clock();
    const sent: ReminderRecord[] = [];
    for (const id of ports.reminders.candidates(now + config.consent.remindMs)) {
      const cam = ports.cameras.get(id);
      if (!cam?.consent) continue;
      const st = consentState(cam, now, config.consent.remindMs);
      // the shared rule decides: interior unconfirmed or off is no consent to renew
      const threshold: ReminderThreshold | null = st.kind === 'expired' ? 'expired' : st.kind === 'active' && st.remind ? 'soon' : null;
      if (!threshold) continue;
      const rec = { cameraId: id, ownerId: cam.ownerId, consentVersion: cam.consent.version, threshold, expiresMs: cam.consent.expiresMs, sentMs: now };
      if (!ports.reminders.claim(rec)) continue;
      const deliveries = await this.send(cam, threshold, now);
      ports.reminders.setDeliveries(id, rec.consentVersion, threshold, deliveries);
      sent.push({ ...rec, deliveries });
    }
    return sent;
  }

  private async send(cam: WebCamera, threshold: ReminderThreshold, now: number): Promise<Record<string, string>> {
    if (!this.o.notifier) return {};
    try {
      const tz = this.o.ports.accounts.byId(cam.ownerId)?.timeZone ?? 'UTC';
      return await this.o.notifier.notify(cam.ownerId, reminderMessage(cam, threshold, now, tz, this.o.pagesUrl));
    } catch (err) {
      this.o.log.warn(`web: consent reminder for ${cam.cameraId}: ${(err as Error).message}`);
      return { error: `failed: ${(err as Error).message}` };
    }
  }
}

/** Check now and every `everyMs` (default an hour); stop() ends it. Never throws. */
export function startReminders(o: RemindersOptions & { everyMs?: number }): { reminders: ConsentReminders; stop(): void } {
  const reminders = new ConsentReminders(o);
  let running = false;
  const run = () => {
    if (running) return;
    running = true;
    reminders.check().then((s) => s.length && o.log.info(`web: ${s.length} consent reminder(s) sent`), (err) => o.log.error(`web: consent reminders: ${(err as Error).message}`))
      .finally(() => (running = false));
  };
  run();
  const timer = setInterval(run, o.everyMs ?? HOUR);
  timer.unref();
  return { reminders, stop: () => clearInterval(timer) };
}
