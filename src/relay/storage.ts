/**
 * Disk full, data folder read-only, I/O errors: the relay pauses instead of dying. A crash there
 * was a restart loop (every start wrote to the database and died again) that also stopped the
 * outbox from draining. Paused, the relay:
 * - stops acknowledging: it disconnects from the broker, which keeps the cameras' messages in the
 *   relay's persistent session (and cameras keep what the broker refuses);
 * - keeps uploading the outbox to S3 (recording an upload needs a small write: after SQLite's
 *   last checkpoint its WAL file is reused in place, so it often succeeds on a full disk);
 * - says so on the status page (state `paused`) and once in the log;
 * - every `retryMs`, checks whether it can write again (the `probe` port: main.ts writes and
 *   fsyncs a file in the data folder), and then resumes by itself.
 * Other store errors (a corrupt database, a bug) still stop the relay: see Relay.fail.
 */
import type { Logger } from '../log.js';

const STORAGE_CODES = /^(SQLITE_(FULL|IOERR|READONLY|CANTOPEN|NOLFS)|ENOSPC|EROFS|EDQUOT|EIO|EACCES|EPERM)/;

/** True for errors the disk or the file system causes (not the data, not the code). */
export function isStorageError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && STORAGE_CODES.test(code);
}

export type StorageProblem = 'full' | 'read-only' | 'io-error';

/** Which kind of trouble (the status page shows this, never the error text). */
export function storageKind(err: unknown): StorageProblem {
  const code = String((err as { code?: unknown })?.code ?? '');
  if (/FULL|ENOSPC|EDQUOT/.test(code)) return 'full';
  if (/READONLY|EROFS|EACCES|EPERM|CANTOPEN/.test(code)) return 'read-only';
  return 'io-error';
}

/** What the log says about it: no path, no data. */
export function storageProblem(err: unknown): string {
  const code = String((err as { code?: unknown })?.code ?? 'unknown');
  const kind = storageKind(err);
  if (kind === 'full') return `the data folder's disk is full (${code})`;
  if (kind === 'read-only') return `the data folder cannot be written (${code})`;
  return `the data folder's disk fails (${code})`;
}

export interface StoragePauseOptions {
  retryMs: number;
  log: Logger;
  /** Resolves when the data folder takes writes again. */
  probe: () => Promise<void> | void;
  /** Give back the space kept in reserve (so the outbox's upload records can still be written). */
  release: () => void;
  /** Called once the probe passed; resolves when the relay runs again (rejects: still paused, probe again later). */
  resume: () => Promise<void>;
}

export class StoragePause {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** Why the relay is paused, for the log; null while it runs. */
  reason: string | null = null;
  /** The kind of trouble while paused (status page). */
  kind: StorageProblem | null = null;
  /** Times the relay paused since it started. */
  pauses = 0;

  constructor(private readonly o: StoragePauseOptions) {}

  get paused(): boolean {
    return this.reason !== null;
  }

  /** A storage error happened: pause (once) and start probing. */
  trip(err: unknown): void {
    if (this.paused || this.stopped) return;
    this.reason = storageProblem(err);
    this.kind = storageKind(err);
    this.pauses++;
    this.o.release();
    this.o.log.error(`relay paused: ${this.reason}. Not acknowledging new bundles (the broker keeps them); uploads to S3 continue; checking every ${this.o.retryMs} ms and resuming by itself`);
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => void this.attempt(), this.o.retryMs);
    this.timer.unref();
  }

  private async attempt(): Promise<void> {
    this.timer = null;
    const was = this.reason;
    try {
      await this.o.probe();
      this.reason = null; // a storage error while resuming pauses again at once
      await this.o.resume();
    } catch {
      if (this.reason === null) this.reason = was;
      this.schedule();
      return;
    }
    if (!this.paused) this.kind = null;
    if (!this.paused && !this.stopped) this.o.log.info(`relay resumed: the data folder takes writes again (was: ${was}); acknowledging bundles again`);
  }
}
