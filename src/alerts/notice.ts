/**
 * Notices: what the owner's alert channels carry besides person alerts. One kind so far, the
 * consent reminder (30 days before a camera's consent ends, and when it has ended; built and
 * scheduled by the owner pages, src/web/reminders.ts). Sent through the same channels and
 * settings as alerts (AlertDispatcher.notify): MQTT on `quietcam/<camera>/reminder` (readable only
 * by the Home Assistant login, like alerts), the signed webhook, Web Push. No image, no boxes.
 */
import type { AlertChannels, PushSubscriptionRecord } from './ports.js';

export interface ConsentReminderMessage {
  v: 1;
  kind: 'consent-reminder';
  camera: string;
  /** The camera's name as the owner gave it. */
  cameraName: string;
  /** 'soon': ends within the reminder window (30 days); 'expired': has ended. */
  threshold: 'soon' | 'expired';
  /** What the owner agreed to, e.g. "Motion only". */
  purposes: string;
  /** When consent ends (ended), ms since the epoch and ISO 8601 (UTC). */
  expiresMs: number;
  at: string;
  /** Whole days left (0 once ended). */
  daysLeft: number;
  /** One line for a notification title, and a sentence with the time in the owner's zone. */
  title: string;
  text: string;
  /** `<pages>/cameras/<camera>`: where the owner renews (needs the owner's session). */
  page: string;
}

export type NoticeMessage = ConsentReminderMessage;

/** The MQTT topic of a camera's notices (broker-acl.ts: the pages' notices login `quietcam-web-notices` writes, `quietcam-ha` reads). */
export const reminderTopic = (cameraId: string) => `quietcam/${cameraId}/reminder`;

/** What a channel gets for one notice. */
export interface NoticeDelivery {
  message: NoticeMessage;
  ownerId: string;
  channels: AlertChannels;
  pushSubscriptions: () => PushSubscriptionRecord[];
}
