/** `quietcam web`: arguments, the loopback rule of the plain-HTTP mode, and grant-reviewer. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { run } from '../../cli/web.js';
import { SqliteAccounts } from '../../src/web/adapters/sqlite-accounts.js';
import { openWebDb } from '../../src/web/adapters/sqlite-db.js';
import { tempDir } from '../relay/helpers/env.js';
import { captured } from './helpers.js';

const test = suite('quietcam web (cli)');
const tmp = tempDir('quietcam-web-cli-');
process.env.QUIETCAM_DATA_DIR = tmp.dir;

test('unknown arguments and bad values exit 2 with the usage', async () => {
  for (const args of [['--bogus'], ['--port', 'x'], ['--port'], ['--host']]) {
    const r = await captured(() => run(args));
    assert.is(r.code, 2, args.join(' '));
    assert.match(r.out, /Usage: quietcam web/);
  }
});

test('plain HTTP on a non-loopback host is refused (exit 2): TLS in front is required', async () => {
  const r = await captured(() => run(['--host', '0.0.0.0', '--port', '0']));
  assert.is(r.code, 2);
  assert.match(r.out, /loopback/);
});

test('grant-reviewer makes an account a reviewer', async () => {
  const db = openWebDb(join(tmp.dir, 'relay.db'));
  new SqliteAccounts(db).create({ id: 'orita', username: 'rita', passwordHash: 'x', totpSecret: 'x', createdMs: 0 });
  db.close();
  assert.is((await captured(() => run(['grant-reviewer', 'rita']))).code, 0);
  assert.is((await captured(() => run(['grant-reviewer', 'nobody']))).code, 1);
  const db2 = openWebDb(join(tmp.dir, 'relay.db'));
  assert.is(new SqliteAccounts(db2).byUsername('rita')!.role, 'reviewer');
  db2.close();
});

test.after(() => tmp.cleanup());
test.run();
