import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  BUNDLE_SUBSCRIPTION, CONFIG_SUBSCRIPTION, EVENT_SUBSCRIPTION, bundleTopic, configTopic, eventTopic, isValidCameraId,
  parseTopic,
} from '../../src/protocol/index.js';

test('builds the three topics of a camera', () => {
  assert.is(bundleTopic('porch-1'), 'quietcam/porch-1/bundle');
  assert.is(eventTopic('porch-1'), 'quietcam/porch-1/event');
  assert.is(configTopic('porch-1'), 'quietcam/porch-1/config');
  assert.is(BUNDLE_SUBSCRIPTION, 'quietcam/+/bundle');
  assert.is(EVENT_SUBSCRIPTION, 'quietcam/+/event');
  assert.is(CONFIG_SUBSCRIPTION, 'quietcam/+/config');
});

test('refuses camera ids that would break the topic or a storage key', () => {
  for (const bad of ['', 'a/b', '+', '#', 'a+b', 'Porch', '-lead', '_lead', 'a b', 'é', 'x'.repeat(33), '..']) {
    assert.not.ok(isValidCameraId(bad), bad);
    assert.throws(() => bundleTopic(bad), RangeError);
  }
  for (const good of ['a', '0', 'porch-1', 'garage_left', 'x'.repeat(32)]) assert.ok(isValidCameraId(good), good);
});

test('parses received topics strictly', () => {
  assert.equal(parseTopic('quietcam/porch-1/bundle'), { cameraId: 'porch-1', kind: 'bundle' });
  assert.equal(parseTopic('quietcam/porch-1/config'), { cameraId: 'porch-1', kind: 'config' });
  for (const kind of ['status', 'command', 'live'] as const) assert.equal(parseTopic(`quietcam/porch-1/${kind}`), { cameraId: 'porch-1', kind });
  for (const bad of ['quietcam/porch-1', 'quietcam/porch-1/bundle/x', 'other/porch-1/event', 'quietcam/Porch/event',
    'quietcam//event', 'quietcam/porch-1/state', 'quietcam/porch-1/commands', '/quietcam/porch-1/event']) {
    assert.is(parseTopic(bad), null, bad);
  }
});

test.run();
