/** uvu/assert has no async `throws`: this fails unless `fn` rejects with a message matching `re`. */
import * as assert from 'uvu/assert';

export async function rejects(fn: () => Promise<unknown>, re: RegExp, msg?: string): Promise<Error> {
  try {
    await fn();
  } catch (err) {
    assert.match((err as Error).message, re, msg);
    return err as Error;
  }
  assert.unreachable(`${msg ? msg + ': ' : ''}expected a rejection matching ${re}`);
  throw new Error('unreachable');
}
