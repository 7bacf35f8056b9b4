/**
 * The MQTT topic scheme. One root, one level per camera, one level per kind of message:
 *
 * | topic                     | publisher      | QoS | retained | payload                         |
 * |---------------------------|----------------|-----|----------|---------------------------------|
 * | quietcam/<camera>/bundle  | board          | 1   | no       | one chunk (chunk.ts) per publish |
 * | quietcam/<camera>/event   | board          | 1   | no       | a small motion event message     |
 * | quietcam/<camera>/config  | relay / owner  | 1   | yes      | consent and config for the board |
 * | quietcam/<camera>/frame   | board          | 1   | no       | an event frame (event-frame.ts), alerts only |
 * | quietcam/<camera>/ack     | relay          | 1   | no       | "bundle stored" (ack.ts), MAC'd  |
 * | quietcam/<camera>/status  | board          | 0   | no       | health, MAC'd (camera-status.ts) |
 * | quietcam/<camera>/command | web (owner)    | 1   | no       | live-view request, MAC'd (live-view.ts) |
 * | quietcam/<camera>/live    | board          | 0   | no       | live-view frame (live-view.ts), to the web only |
 *
 * <camera> is a camera id (ids.ts: 1-32 of a-z 0-9 _ -), so it never contains the MQTT
 * separators or wildcards '/', '+', '#'. The relay subscribes with the `+` wildcards below.
 * ES5-safe.
 */
import { isValidCameraId } from './ids.js';

/** First topic level of everything quietcam publishes. */
export const TOPIC_ROOT = 'quietcam';
/** Relay subscription for all cameras' bundle chunks. */
export const BUNDLE_SUBSCRIPTION = 'quietcam/+/bundle';
/** Relay subscription for all cameras' motion events. */
export const EVENT_SUBSCRIPTION = 'quietcam/+/event';
/** Subscription for all cameras' retained config (the relay's own view of what it published). */
export const CONFIG_SUBSCRIPTION = 'quietcam/+/config';
/** Relay subscription for all cameras' event frames (person alerts; never uploaded). */
export const FRAME_SUBSCRIPTION = 'quietcam/+/frame';

/** The web's subscription for all cameras' status messages. */
export const STATUS_SUBSCRIPTION = 'quietcam/+/status';
/** The web's subscription for all cameras' live-view frames (never stored, never uploaded). */
export const LIVE_SUBSCRIPTION = 'quietcam/+/live';

export type TopicKind = 'bundle' | 'event' | 'config' | 'ack' | 'frame' | 'status' | 'command' | 'live';

function topicFor(cameraId: string, kind: TopicKind): string {
  if (!isValidCameraId(cameraId)) throw new RangeError('topic: invalid camera id (expected 1-32 of a-z 0-9 _ -)');
  return TOPIC_ROOT + '/' + cameraId + '/' + kind;
}

/** `quietcam/<camera>/bundle`. Throws a RangeError on an invalid camera id. */
export function bundleTopic(cameraId: string): string {
  return topicFor(cameraId, 'bundle');
}

/** `quietcam/<camera>/event`. Throws a RangeError on an invalid camera id. */
export function eventTopic(cameraId: string): string {
  return topicFor(cameraId, 'event');
}

/** `quietcam/<camera>/config` (retained). Throws a RangeError on an invalid camera id. */
export function configTopic(cameraId: string): string {
  return topicFor(cameraId, 'config');
}

/** `quietcam/<camera>/frame`. Throws a RangeError on an invalid camera id. */
export function frameTopic(cameraId: string): string {
  return topicFor(cameraId, 'frame');
}

/** `quietcam/<camera>/ack`: the relay's signed "bundle stored" messages (ack.ts). Throws a RangeError on an invalid camera id. */
export function ackTopic(cameraId: string): string {
  return topicFor(cameraId, 'ack');
}

/** `quietcam/<camera>/status`: the board's signed health message. Throws a RangeError on an invalid camera id. */
export function statusTopic(cameraId: string): string {
  return topicFor(cameraId, 'status');
}

/** `quietcam/<camera>/command`: the owner's signed requests to the board (live view). Throws a RangeError on an invalid camera id. */
export function commandTopic(cameraId: string): string {
  return topicFor(cameraId, 'command');
}

/** `quietcam/<camera>/live`: live-view frames for the owner's page. Throws a RangeError on an invalid camera id. */
export function liveTopic(cameraId: string): string {
  return topicFor(cameraId, 'live');
}

/**
 * Split a received topic. Returns null for anything that is not exactly
 * `quietcam/<valid camera id>/<bundle|event|config|ack|frame|status|command|live>`.
 * @example parseTopic('quietcam/porch/bundle') // { cameraId: 'porch', kind: 'bundle' }
 */
export function parseTopic(topic: string): { cameraId: string; kind: TopicKind } | null {
  if (typeof topic !== 'string') return null;
  const parts = topic.split('/');
  if (parts.length !== 3 || parts[0] !== TOPIC_ROOT || !isValidCameraId(parts[1])) return null;
  const kind = parts[2];
  if (kind !== 'bundle' && kind !== 'event' && kind !== 'config' && kind !== 'ack' && kind !== 'frame' &&
    kind !== 'status' && kind !== 'command' && kind !== 'live') return null;
  return { cameraId: parts[1], kind: kind };
}
