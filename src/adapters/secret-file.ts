/**
 * A small JSON file of secrets in the data dir (broker-users.json, vapid.json): mode 0600, made
 * once with 'wx' (two processes starting at once cannot both write: the loser reads the winner's
 * file), narrowed to 0600 when found readable by group or others, checked by a zod schema when
 * read. A malformed file is an error naming the file, never silently replaced.
 */
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

/** The file's content checked by `schema`; null when there is none. Throws `<file>: …` when malformed. */
export function readSecretFile<T>(file: string, schema: z.ZodType<T>): T | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`);
  }
  const r = schema.safeParse(parsed);
  if (!r.success) throw new Error(`${file}: ${z.prettifyError(r.error)}`);
  return r.data;
}

/** Writes `body` as a new file (mode 0600, its directory made) unless one exists: an existing file is kept. */
export function createSecretFile(file: string, body: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  try {
    writeFileSync(file, JSON.stringify(body, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}
