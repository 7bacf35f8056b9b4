/**
 * Removing a camera, and deleting an account, over the ports (no HTTP here).
 *
 * A camera: its contributions deleted or kept (the owner chooses), its retained config cleared at
 * the broker (an empty retained message), then its row and broker login removed in one
 * transaction, so the broker refuses it at its next CONNECT or PUBLISH, and its last status
 * forgotten by the pages (camera-link.ts: kept in memory only). Bundles still in the
 * relay's outbox are discarded there before upload: the relay finds no consent for a camera it no
 * longer knows. Its consent decisions are kept (evidence of what was agreed, and when). With its
 * contributions, what it left at home goes too: its smart-alert events (rows and frame files on
 * disk, which are also the sent alerts' images), its sent alerts, its consent reminders.
 *
 * Before either, consent is withdrawn (a 'withdraw' decision): the relay, the board and the review
 * console (its S3 consent record says off) stop at once, also for contributions the owner keeps.
 *
 * An account: every camera removed with its contributions and events, then everything under the
 * owner's S3 prefixes (contributions, the console's consent records, access entries, flags, and
 * its counts `stats/<owner>.json`: every version) deleted and listed again, and only if that finds
 * nothing the account row, its sessions, recovery codes, access log, alert settings and sent
 * alerts. Consent decisions at home (camera id, purposes, dates, wording version: no name, no
 * image) are kept as the evidence the law asks for (proof that what was uploaded had consent);
 * nothing else about the owner is.
 */
import { ACCESS_ROOT, CONSENT_ROOT, CONTRIBUTIONS_ROOT, FLAGS_ROOT, statsKey } from '../operator/keys.js';
import type { WebConfig } from './config.js';
import { decide } from './consent.js';
import { deleteRecords, type DeleteReport } from './deletion.js';
import type { Account, WebCamera, WebPorts } from './ports.js';

export interface CameraRemoval {
  /** null: contributions kept. */
  contributions: DeleteReport | null;
  /** What went from the home's data folder with them (null: kept). */
  local: LocalDeletion | null;
  /** The broker confirmed the cleared config (false: it keeps the last one until it is reachable). */
  configCleared: boolean;
}

/** Clear the camera's retained config (an empty retained message), bounded by `timeoutMs`; never throws. */
async function clearConfig(ports: WebPorts, cameraId: string, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      ports.configPublisher.publish(cameraId, new Uint8Array(0)),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), timeoutMs))),
    ]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** Consent off (recorded, pushed to the board, the relay and the console's record), unless it is off already. */
async function withdraw(ports: WebPorts, config: WebConfig, cam: WebCamera): Promise<void> {
  if (cam.consent?.purposes) await decide(ports, config, cam, 0, 'withdraw');
}

/** What deleting removed at home, besides S3: smart-alert events (their frame files on disk), sent alerts, reminders. */
export interface LocalDeletion {
  events: number;
  alerts: number;
  reminders: number;
  /** Events of the owner (or camera) the history still lists afterwards (0 = gone, rows and files). */
  eventsLeft: number;
}

const eventsOf = (ports: WebPorts, ownerId: string, cameraId?: string) => ports.history?.list({ ownerId, cameraId, limit: 1000 }) ?? [];

/**
 * Delete the owner's (or one camera's) events (rows, then frame files: the history store does
 * both), their sent alerts and reminders. An event the relay's alert stage was still writing is
 * caught by the next pass (the history is listed again until it lists none).
 */
export function deleteLocal(ports: WebPorts, ownerId: string, cameraId?: string): LocalDeletion {
  const r: LocalDeletion = { events: 0, alerts: 0, reminders: 0, eventsLeft: 0 };
  // a page of 1000 at a time, until the history lists none or a pass removes nothing (then eventsLeft says so)
  for (let pass = 0; pass < 1000; pass++) {
    const evs = eventsOf(ports, ownerId, cameraId);
    if (!evs.length) break;
    const before = r.events;
    if (cameraId === undefined) r.events += ports.history!.deleteAll(ownerId);
    else for (const e of evs) if (ports.history!.delete(e.id, ownerId)) r.events++;
    if (r.events === before) break;
  }
  if (cameraId === undefined) {
    r.alerts = ports.alerts.forgetAll(ownerId);
    r.reminders = ports.reminders.forgetOwner(ownerId);
  } else {
    const sent = new Set(ports.alerts.latest(ownerId, 100000).filter((a) => a.cameraId === cameraId).map((a) => a.eventId));
    for (const id of sent) r.alerts += ports.alerts.forgetEvent(ownerId, cameraId, id);
    r.reminders = ports.reminders.forgetCamera(cameraId);
  }
  r.eventsLeft = eventsOf(ports, ownerId, cameraId).length;
  return r;
}

export async function removeCamera(ports: WebPorts, config: WebConfig, cam: WebCamera, deleteContributions: boolean): Promise<CameraRemoval> {
  await withdraw(ports, config, cam);
  let contributions: DeleteReport | null = null;
  let local: LocalDeletion | null = null;
  if (deleteContributions) {
    contributions = await deleteRecords(ports, cam.ownerId, ports.contributions.list(cam.ownerId, { cameraId: cam.cameraId }));
    if (contributions.failed) return { contributions, local, configCleared: false }; // storage trouble: the camera stays, the owner tries again
  }
  // the login first: from here on the broker refuses the camera, so it cannot publish while the rest happens
  ports.cameras.remove(cam.cameraId);
  ports.cameraLink?.forget(cam.cameraId); // its last status (firmware, Wi-Fi, last event) leaves the pages' memory too
  // the review console stops at once for kept contributions too: a camera that left the home gives no consent (retried by the pages' sync)
  await ports.operator?.withdraw(cam.ownerId, cam.cameraId).catch(() => {});
  const configCleared = await clearConfig(ports, cam.cameraId, config.publishTimeoutMs);
  // after the login went: no new event of this camera starts while its history is deleted
  if (deleteContributions) local = deleteLocal(ports, cam.ownerId, cam.cameraId);
  return { contributions, local, configCleared };
}

export interface AccountDeletion {
  cameras: number;
  contributions: DeleteReport;
  /** Objects deleted under the owner's prefixes that no index row listed (an upload that raced the delete; consent records, access entries, flags). */
  strays: number;
  /** What a re-list of every owner prefix found afterwards (0 = proven empty; -1 = the listing failed). */
  remaining: number;
  /** Events, frame files, sent alerts and reminders deleted at home. */
  local: LocalDeletion;
  /** The account itself was removed (false: storage trouble, nothing about the account was forgotten yet). */
  deleted: boolean;
}

/** Every S3 folder that holds something of the owner (src/operator/keys.ts). */
export const ownerPrefixes = (ownerId: string) => [CONTRIBUTIONS_ROOT, CONSENT_ROOT, ACCESS_ROOT, FLAGS_ROOT].map((root) => `${root}${ownerId}/`);

/** The owner's single keys outside those folders: the review console's counts. */
export const ownerKeys = (ownerId: string) => [statsKey(ownerId)];

export async function deleteAccount(ports: WebPorts, config: WebConfig, a: Account): Promise<AccountDeletion> {
  const cams = ports.cameras.listByOwner(a.id);
  for (const cam of cams) await withdraw(ports, config, cam);
  // cameras first: their logins go, so no new bundle starts while the contributions are deleted
  for (const cam of cams) {
    ports.cameras.remove(cam.cameraId);
    ports.cameraLink?.forget(cam.cameraId);
  }
  await Promise.all(cams.map((c) => ports.operator?.withdraw(a.id, c.cameraId).catch(() => {})));
  await Promise.all(cams.map((c) => clearConfig(ports, c.cameraId, config.publishTimeoutMs)));
  const contributions = await deleteRecords(ports, a.id, ports.contributions.list(a.id));
  const local = deleteLocal(ports, a.id);
  let strays = 0;
  let remaining = 0;
  try {
    for (const prefix of ownerPrefixes(a.id)) strays += await ports.objects.deleteAll(prefix);
    for (const key of ownerKeys(a.id)) strays += await ports.objects.deleteKey(key);
    for (const prefix of ownerPrefixes(a.id)) remaining += (await ports.objects.list(prefix)).length;
    for (const key of ownerKeys(a.id)) remaining += (await ports.objects.list(key)).filter((k) => k === key).length;
  } catch {
    remaining = -1;
  }
  const deleted = contributions.failed === 0 && remaining === 0 && local.eventsLeft === 0;
  if (deleted) {
    ports.alerts.forgetOwner(a.id); // smart alerts: channels, webhook secret, push subscriptions, sent alerts
    ports.accounts.deleteAccount(a.id);
  }
  return { cameras: cams.length, contributions, strays, remaining, local, deleted };
}
