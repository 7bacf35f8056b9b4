/**
 * Group commit for SqliteRelayStore.durable(): fsync the database's WAL file (the database file
 * when there is none), plus whatever else must be on disk with it (the chunk spool's files), on
 * libuv's thread pool instead of the event loop. Every caller gets an fsync that starts after its
 * call (so after its commits); calls while one is queued share it; a call while one runs queues
 * the next. A failed fsync fails its own callers only (the relay stops on it); the next call tries again.
 */
import { closeSync, fsync, openSync } from 'node:fs';

export class WalSync {
  private queued: Promise<void> | null = null;
  private running: Promise<void> | null = null;
  private walFd: number | null = null;
  /** Group fsyncs run so far (tests count them). */
  runs = 0;

  /** `file`: the database file; `also`: started with each WAL fsync, waited for with it. */
  constructor(private readonly file: string, private readonly also?: () => Promise<void>) {}

  next(): Promise<void> {
    if (this.queued) return this.queued;
    const queued = (this.running?.catch(() => undefined) ?? Promise.resolve()).then(() => {
      this.queued = null;
      const running = this.also ? Promise.all([this.fsyncWal(), this.also()]).then(() => undefined) : this.fsyncWal();
      this.running = running;
      return running.finally(() => {
        if (this.running === running) this.running = null;
      });
    });
    this.queued = queued;
    return queued;
  }

  private fsyncWal(): Promise<void> {
    this.runs++;
    if (this.walFd === null) {
      try {
        this.walFd = openSync(`${this.file}-wal`, 'r');
      } catch {
        this.walFd = openSync(this.file, 'r');
      }
    }
    const fd = this.walFd;
    return new Promise((resolve, reject) => fsync(fd, (err) => (err ? reject(err) : resolve())));
  }

  close(): void {
    if (this.walFd !== null) closeSync(this.walFd);
    this.walFd = null;
  }
}
