/** `quietcam review`: operator commands (add-reviewer, revoke, list), arguments, the loopback rule. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { run } from '../../cli/review.js';
import { SqliteReviewStore } from '../../src/adapters/sqlite-review.js';
import { openReviewDb } from '../../src/adapters/sqlite-review-schema.js';
import { verifyPassword } from '../../src/web/passwords.js';
import { tempDir } from '../relay/helpers/env.js';
import { captured } from './helpers.js';

const test = suite('quietcam review (cli)');
const tmp = tempDir('quietcam-review-cli-');
process.env.QUIETCAM_DATA_DIR = tmp.dir;
const db = join(tmp.dir, 'console.db');
test.after(() => tmp.cleanup());

test('bad arguments exit 2 with the usage; plain HTTP off loopback is refused', async () => {
  for (const args of [['--bogus'], ['add-reviewer'], ['frobnicate'], ['revoke', 'a', 'b'], ['--db', db, '--port', 'x'], ['--db', db, '--host', '0.0.0.0', '--port', '0']]) {
    const r = await captured(() => run(args));
    assert.is(r.code, 2, args.join(' '));
    assert.match(r.out, /Usage: quietcam review/);
  }
});

test('add-reviewer prints a password and a TOTP secret once; a name is taken once; revoke and list', async () => {
  const r = await captured(() => run(['add-reviewer', 'Rita', '--db', db]));
  assert.is(r.code, 0, r.out);
  const password = /password: +(\S+)/.exec(r.out)![1];
  const secret = /TOTP secret: (\S+)/.exec(r.out)![1];
  assert.match(r.out, /otpauth:\/\/totp\//);
  const handle = openReviewDb(db);
  const store = new SqliteReviewStore(handle);
  const rita = store.reviewerByName('rita')!;
  assert.is(rita.totpSecret, secret);
  assert.ok(await verifyPassword(password, rita.passwordHash));
  assert.not.match(rita.passwordHash, new RegExp(password), 'only a hash is stored');
  assert.is((await captured(() => run(['add-reviewer', 'rita', '--db', db]))).code, 1);
  assert.is((await captured(() => run(['add-reviewer', 'x', '--db', db]))).code, 1, 'too short a name');
  assert.is((await captured(() => run(['revoke', 'nobody', '--db', db]))).code, 1);
  const rv = await captured(() => run(['revoke', 'rita', '--db', db]));
  assert.is(rv.code, 0);
  assert.ok(store.reviewerByName('rita')!.revokedMs);
  assert.match((await captured(() => run(['list', '--db', db]))).out, /rita\trevoked/);
  handle.close();
});

test.run();
