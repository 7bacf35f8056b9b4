/** Shared by the CLI tests: run a command with console.log and console.error captured. */

/** Runs `f` with console.log/console.error captured; gives its exit code and the printed lines. */
export async function captured(f: () => Promise<number>): Promise<{ code: number; out: string }> {
  const err = console.error;
  const log = console.log;
  const lines: string[] = [];
  console.error = console.log = (...a: unknown[]) => lines.push(a.join(' '));
  try {
    return { code: await f(), out: lines.join('\n') };
  } finally {
    console.error = err;
    console.log = log;
  }
}

/** Runs `f` with console.error alone captured (console.log still prints): its exit code and stderr text. */
export async function stderrOf(f: () => Promise<number>): Promise<{ code: number; err: string }> {
  const orig = console.error;
  let err = '';
  console.error = (...a: unknown[]) => { err += a.join(' ') + '\n'; };
  try {
    return { code: await f(), err };
  } finally {
    console.error = orig;
  }
}
