/**
 * The pages' periodic sync of consent records (src/web/adapters/ports.ts syncOperatorConsent):
 * a decision or a camera removal that could not reach S3 (S3 down at that moment) reaches it at
 * the next sync, so the console does not keep serving under a stale grant.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { consentKey } from '../../src/operator/keys.js';
import { HomeChannel } from '../../src/operator/home.js';
import { resolveConfig } from '../../src/relay/config.js';
import { openWebPorts } from '../../src/web/adapters/ports.js';
import { addCamera, signUp } from '../web/helpers.js';
import { world, type World } from './helpers.js';

let w: World | undefined;
test.after.each(async () => { await w?.close(); w = undefined; });

const purposes = async (w: World, owner: string, cam: string) => JSON.parse(new TextDecoder().decode((await w.bucket.get(consentKey(owner, cam)))!)).purposes;

test('a withdrawal and a removal made while S3 was down reach S3 at the next sync', async () => {
  w = world();
  const ann = await signUp(w.home, 'ann');
  const porch = (await addCamera(ann, 'Porch')).cameraId;
  const yard = (await addCamera(ann, 'Yard')).cameraId;
  for (const cam of [porch, yard]) assert.is((await ann.client.post(`/cameras/${cam}/contributions`, { choice: 'both', agree: 'yes' })).status, 303);
  assert.is(await purposes(w, ann.id, porch), 3);
  const put = w.bucket.put.bind(w.bucket);
  w.bucket.put = async () => { throw new Error('S3 down'); };
  assert.is((await ann.client.post(`/cameras/${porch}/contributions`, { choice: 'off' })).status, 303, 'the owner is not blocked');
  assert.is((await ann.client.post(`/cameras/${yard}/remove`, { contributions: 'keep', confirm: 'yes' })).status, 303);
  w.bucket.put = put;
  assert.is(await purposes(w, ann.id, porch), 3, 'stale while S3 was down');
  assert.is(await purposes(w, ann.id, yard), 3);
  const opened = openWebPorts({ relay: resolveConfig({}), db: w.home.db, objects: w.home.ports.objects, configPublisher: w.home.broker, operator: new HomeChannel(w.bucket, () => w!.clock.now) });
  assert.is(await opened.syncOperatorConsent(), 0);
  assert.is(await purposes(w, ann.id, porch), 0);
  assert.is(await purposes(w, ann.id, yard), 0);
});

test.run();
