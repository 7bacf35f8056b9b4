/**
 * Who may do what on the MQTT broker: the one statement of the topic rules, pure (no I/O). The
 * embedded broker's hooks (broker-auth.ts) call it on every publish, subscribe and delivery, and
 * the mosquitto ACL file (mosquitto-config.ts) is written from the same lists.
 *
 * Identities (the MQTT username decides; anonymous clients never get one):
 * | identity        | username          | may publish                                      | may subscribe                                        |
 * |-----------------|-------------------|--------------------------------------------------|------------------------------------------------------|
 * | camera X        | X (its camera id) | `quietcam/X/bundle`, `quietcam/X/event`, `quietcam/X/frame`, `quietcam/X/status`, `quietcam/X/live`, not retained | `quietcam/X/config`, `quietcam/X/ack`, `quietcam/X/command` |
 * | relay service   | `quietcam-relay` (or `quietcam-relay-<n>`) | `quietcam/<id>/ack`, not retained                 | `quietcam/+/bundle`, `quietcam/+/event`, `quietcam/+/frame` (or one id), also as `$share/<group>/...` |
 * | web service     | `quietcam-web`    | `quietcam/<id>/config`, retained only; `quietcam/<id>/command`, not retained | `quietcam/+/status`, `quietcam/+/live` (or one id) |
 * | Home Assistant  | `quietcam-ha`     | `homeassistant/status` (its birth and will)       | `quietcam/+/alert`, `quietcam/+/alert-image`, `quietcam/+/reminder` (or one id), `homeassistant/...` |
 * | pages' notices  | `quietcam-web-notices` (the web's password) | `quietcam/<id>/reminder`, not retained | nothing                              |
 * Smart alerts: the relay also publishes `quietcam/<id>/alert` and `quietcam/<id>/alert-image` (not
 * retained) and, retained, its Home Assistant discovery configs
 * `homeassistant/{binary_sensor,image}/quietcam_<id>/person/config`. The owner pages' consent
 * reminders (src/web/reminders.ts) go out on `quietcam/<id>/reminder` under a login of their own,
 * kept open by the pages: with the relay's alert login, mosquitto (client id = username) would
 * close the relay's alert connection each time. Nobody else may publish those, and only the Home
 * Assistant login may read them: not cameras, not the web, not anonymous.
 * Status and live frames go to the web only (the owner's pages): not to the relay (never stored,
 * never uploaded), not to Home Assistant, not to other cameras. Only the web may send a camera a
 * command (a live-view request, MAC'd with the camera's secret: src/protocol/live-view.ts).
 * Everything else is refused: `#`, `quietcam/#`, `$SYS/...`, another camera's topics, a camera's
 * config or ack, retained bundles. A camera id that starts with `quietcam-` can never be a camera
 * identity (those names are the services').
 */
import { isValidCameraId } from '../protocol/index.js';

/** The services' usernames, and the client ids (and their `-...` forms) only they may use. */
export const SERVICE_USERS = { relay: 'quietcam-relay', web: 'quietcam-web', ha: 'quietcam-ha', notices: 'quietcam-web-notices' } as const;

export type BrokerIdentity =
  | { kind: 'camera'; cameraId: string }
  | { kind: 'relay' }
  | { kind: 'web' }
  | { kind: 'ha' }
  | { kind: 'notices' };

/** The name an identity logs in with (and is shown in logs). */
export function identityName(id: BrokerIdentity): string {
  return id.kind === 'camera' ? id.cameraId : SERVICE_USERS[id.kind];
}

/** A camera id that may hold MQTT credentials: a valid protocol id that is not a service's name. */
export function isCameraUsername(name: string): boolean {
  return isValidCameraId(name) && name.indexOf('quietcam-') !== 0 && name !== 'quietcam';
}

/**
 * A relay's username: `quietcam-relay`, or `quietcam-relay-<n>` for one of several relay processes
 * (a broker that makes each login's client id its username, as mosquitto here, needs one per process).
 */
export function isRelayUsername(name: string): boolean {
  return name === SERVICE_USERS.relay || (name.indexOf(SERVICE_USERS.relay + '-') === 0 && /^[a-z0-9_-]{1,32}$/.test(name.slice(SERVICE_USERS.relay.length + 1)));
}

/** The identity a username names, before its password is checked; null for anything else. */
export function identityFor(username: string | undefined): BrokerIdentity | null {
  if (typeof username !== 'string') return null;
  if (isRelayUsername(username)) return { kind: 'relay' };
  if (username === SERVICE_USERS.web) return { kind: 'web' };
  if (username === SERVICE_USERS.ha) return { kind: 'ha' };
  if (username === SERVICE_USERS.notices) return { kind: 'notices' };
  return isCameraUsername(username) ? { kind: 'camera', cameraId: username } : null;
}

/** `quietcam/<valid camera id>/<kind>` split, or null. */
function cameraTopic(topic: string): { cameraId: string; kind: string } | null {
  const parts = topic.split('/');
  if (parts.length !== 3 || parts[0] !== 'quietcam' || !isValidCameraId(parts[1])) return null;
  return { cameraId: parts[1], kind: parts[2] };
}

/** What a camera publishes (never retained), and what the web reads of every camera. */
const CAMERA_PUBLISHES = ['bundle', 'event', 'frame', 'status', 'live'];
const WEB_READS = ['status', 'live'];

/** `quietcam/<+ or a valid camera id>/<one of kinds>`: a filter with the camera level as the only wildcard. */
function cameraFilter(filter: string, kinds: string[]): boolean {
  const parts = filter.split('/');
  return parts.length === 3 && parts[0] === 'quietcam' && (parts[1] === '+' || isValidCameraId(parts[1])) && kinds.indexOf(parts[2]) >= 0;
}

/** What Home Assistant reads: the relay's alerts (src/alerts/channels/mqtt-alerts.ts) and the pages' consent reminders (src/alerts/notice.ts). */
const ALERT_KINDS = ['alert', 'alert-image', 'reminder'];
/** What the relay's alert publisher sends; `reminder` is the pages' notices login's alone. */
const RELAY_ALERT_KINDS = ['alert', 'alert-image'];

/** `homeassistant/{binary_sensor,image}/quietcam_<id>/person/config`: the relay's discovery configs. */
export function isDiscoveryTopic(topic: string): boolean {
  const p = topic.split('/');
  return p.length === 5 && p[0] === 'homeassistant' && (p[1] === 'binary_sensor' || p[1] === 'image') &&
    p[2].indexOf('quietcam_') === 0 && isValidCameraId(p[2].slice('quietcam_'.length)) && p[3] === 'person' && p[4] === 'config';
}

/** Home Assistant's own topics (discovery, its status): `homeassistant/...`, no `$`. */
const isHaTopic = (topic: string) => topic.indexOf('homeassistant/') === 0 && topic.indexOf('$') < 0;

/**
 * May `id` publish on `topic` (retained or not)?
 * @example mayPublish({ kind: 'camera', cameraId: 'porch' }, 'quietcam/porch/bundle', false) // true
 */
export function mayPublish(id: BrokerIdentity, topic: string, retain: boolean): boolean {
  if (id.kind === 'relay' && isDiscoveryTopic(topic)) return retain;
  if (id.kind === 'ha') return topic === 'homeassistant/status';
  const t = cameraTopic(topic);
  if (!t) return false;
  switch (id.kind) {
    case 'camera': return !retain && t.cameraId === id.cameraId && CAMERA_PUBLISHES.indexOf(t.kind) >= 0;
    case 'relay': return !retain && (t.kind === 'ack' || RELAY_ALERT_KINDS.indexOf(t.kind) >= 0);
    case 'web': return t.kind === 'config' ? retain : !retain && t.kind === 'command';
    case 'notices': return !retain && t.kind === 'reminder';
  }
}

/** The group of a `$share/<group>/<filter>` subscription removed; null when malformed. */
function unshare(filter: string): string | null {
  if (filter.indexOf('$share/') !== 0) return filter;
  const rest = filter.slice('$share/'.length);
  const slash = rest.indexOf('/');
  if (slash <= 0) return null;
  const group = rest.slice(0, slash);
  return /[+#]/.test(group) ? null : rest.slice(slash + 1);
}

/**
 * May `id` subscribe to `filter`? Exact filters only: the relay's `+` for the camera level is the
 * one wildcard anyone gets, and only the relay may use `$share/<group>/` forms.
 * @example maySubscribe({ kind: 'relay' }, '$share/relays/quietcam/+/bundle') // true
 * @example maySubscribe({ kind: 'camera', cameraId: 'porch' }, 'quietcam/#') // false
 */
export function maySubscribe(id: BrokerIdentity, filter: string): boolean {
  if (typeof filter !== 'string') return false;
  switch (id.kind) {
    case 'camera':
      return filter === `quietcam/${id.cameraId}/config` || filter === `quietcam/${id.cameraId}/ack` || filter === `quietcam/${id.cameraId}/command`;
    case 'relay': {
      const f = unshare(filter);
      if (f === null) return false;
      const parts = f.split('/');
      return parts.length === 3 && parts[0] === 'quietcam' && (parts[1] === '+' || isValidCameraId(parts[1])) && (parts[2] === 'bundle' || parts[2] === 'event' || parts[2] === 'frame');
    }
    case 'web':
      return cameraFilter(filter, WEB_READS);
    case 'ha': {
      if (isHaTopic(filter)) return true;
      const parts = filter.split('/');
      return parts.length === 3 && parts[0] === 'quietcam' && (parts[1] === '+' || isValidCameraId(parts[1])) && ALERT_KINDS.indexOf(parts[2]) >= 0;
    }
    case 'notices':
      return false; // it only publishes
  }
}

/**
 * May a message on `topic` be delivered to `id`? The same lists as maySubscribe, for one topic:
 * checked again at delivery, so a subscription that slipped through still gets nothing else.
 */
export function mayReceive(id: BrokerIdentity, topic: string): boolean {
  if (id.kind === 'ha' && isHaTopic(topic)) return true;
  const t = cameraTopic(topic);
  if (!t) return false;
  switch (id.kind) {
    case 'camera': return t.cameraId === id.cameraId && (t.kind === 'config' || t.kind === 'ack' || t.kind === 'command');
    case 'relay': return t.kind === 'bundle' || t.kind === 'event' || t.kind === 'frame';
    case 'web': return WEB_READS.indexOf(t.kind) >= 0;
    case 'ha': return ALERT_KINDS.indexOf(t.kind) >= 0;
    case 'notices': return false;
  }
}

/**
 * May `id` use `clientId`? The services' client ids (`quietcam-relay`, `quietcam-relay-...`,
 * likewise `quietcam-web`, and `quietcam-web-notices...` the notices' only, the longest name
 * deciding) are theirs alone, so nobody can take over the relay's persistent session or knock it
 * off. Live takeovers between other ids are checked by the broker hook.
 */
export function mayUseClientId(id: BrokerIdentity, clientId: string): boolean {
  let owner: keyof typeof SERVICE_USERS | null = null;
  for (const kind of ['relay', 'web', 'ha', 'notices'] as const) {
    const name = SERVICE_USERS[kind];
    if ((clientId === name || clientId.indexOf(name + '-') === 0) && (owner === null || name.length > SERVICE_USERS[owner].length)) owner = kind;
  }
  return owner === null || owner === id.kind;
}

/** Identities are the same login (a reconnect may take its own client id over). */
export function sameIdentity(a: BrokerIdentity, b: BrokerIdentity): boolean {
  return identityName(a) === identityName(b) && a.kind === b.kind;
}
