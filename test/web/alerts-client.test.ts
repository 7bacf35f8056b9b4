/**
 * The service worker's notification for each kind of push (src/web/alerts-client.ts), run in a
 * bare VM context with a stand-in `self`: a person alert shows its time and score, a consent
 * reminder shows its own title and sentence (not the bare end date), and neither replaces the other.
 */
import { runInNewContext } from 'node:vm';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { alertMessage } from '../../src/alerts/message.js';
import { ALERTS_SW_JS } from '../../src/web/alerts-client.js';
import { reminderMessage } from '../../src/web/reminders.js';
import type { WebCamera } from '../../src/web/ports.js';

interface Shown { title: string; options: { body: string; tag: string; data: { page: string } } }

/** Runs the worker script once and pushes `payload` (JSON) at it; returns what it showed. */
async function showFor(payload: unknown): Promise<Shown> {
  const listeners: Record<string, (e: unknown) => void> = {};
  const shown: Shown[] = [];
  const self = {
    location: { origin: 'https://cams.example.org' },
    addEventListener: (type: string, fn: (e: unknown) => void) => { listeners[type] = fn; },
    registration: { showNotification: async (title: string, options: Shown['options']) => { shown.push({ title, options }); } },
  };
  runInNewContext(ALERTS_SW_JS, { self, URL });
  const waits: Promise<unknown>[] = [];
  listeners.push({ data: { json: () => JSON.parse(JSON.stringify(payload)) }, waitUntil: (p: Promise<unknown>) => waits.push(p) });
  await Promise.all(waits);
  assert.is(shown.length, 1);
  return shown[0];
}

const PAGES = 'https://cams.example.org';
const END = Date.UTC(2027, 4, 1, 22, 30);
const porch: WebCamera = {
  cameraId: 'cam-porch', ownerId: 'o1', name: 'Porch', placement: 'exterior', interiorConfirmed: false, pairingHash: 'x', createdMs: 0,
  consent: { cameraId: 'cam-porch', ownerId: 'o1', purposes: 1, version: 1, textVersion: '1', grantedMs: END - 365 * 86400000, expiresMs: END, action: 'set' },
};

const test = suite('web: the service worker\'s notifications');

test('a consent reminder shows its title and its sentence, with the time in the owner\'s zone', async () => {
  for (const threshold of ['soon', 'expired'] as const) {
    const m = reminderMessage(porch, threshold, threshold === 'soon' ? END - 30 * 86400000 : END + 1000, 'Asia/Tokyo', PAGES);
    const n = await showFor(m);
    assert.is(n.title, m.title);
    assert.is(n.options.body, m.text);
    assert.match(n.options.body, /2027-05-02 07:30 \(Asia\/Tokyo\)/);
    assert.is(n.options.data.page, `${PAGES}/cameras/cam-porch`);
  }
});

test('a person alert shows its time and score; its tag differs from the same camera\'s reminder', async () => {
  const msg = alertMessage({ seq: 7, cameraId: 'cam-porch', ownerId: 'o1', eventId: 'e1', atMs: END, score: 0.834, boxes: [], imagePath: '/x', deliveries: {}, createdMs: END }, PAGES, 'Porch');
  const { boxes: _boxes, ...rest } = msg; // what the Web Push channel sends (src/alerts/channels/web-push.ts)
  const n = await showFor({ ...rest, title: 'Person at Porch' });
  assert.is(n.title, 'Person at Porch');
  assert.match(n.options.body, /, score 0\.83$/);
  assert.ok(n.options.body.length > ', score 0.83'.length, 'with the time');
  const r = await showFor(reminderMessage(porch, 'soon', END - 86400000, 'UTC', PAGES));
  assert.is.not(r.options.tag, n.options.tag, 'a reminder does not replace an alert notification');
});

test('an empty or broken push still shows something', async () => {
  const n = await showFor(undefined);
  assert.is(n.title, 'quietcam: a person');
});

test.run();
