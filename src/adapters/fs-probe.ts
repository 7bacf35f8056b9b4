/**
 * The data folder's room to write (src/relay/storage.ts pauses the relay when it is full):
 * - a reserve file, `<dir>/.quietcam-reserve` (`bytes`), made at start: when the disk fills,
 *   the relay deletes it, which gives the outbox's upload records room to be written while the
 *   relay is paused (otherwise nothing could drain: every SQLite commit needs a little space);
 * - the probe, which says the relay may resume: at least twice the reserve free (statfs), and a
 *   write + fsync of the reserve file again (this also catches a read-only folder).
 * A reserve that cannot be made (the disk already full, the folder read-only) is simply absent.
 */
import { closeSync, fsyncSync, openSync, statfsSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface DataFolderRoom {
  /** (Re)make the reserve; throws when the folder cannot take it. */
  probe(): void;
  /** Give the reserve's space back (the disk is full). */
  release(): void;
}

function writeFile(file: string, bytes: number): void {
  const fd = openSync(file, 'w');
  try {
    const block = Buffer.alloc(Math.min(64 * 1024, bytes));
    for (let done = 0; done < bytes; done += block.length) writeSync(fd, block, 0, Math.min(block.length, bytes - done));
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    unlinkSync(file);
    throw err;
  }
  closeSync(fd);
}

function present(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return -1;
  }
}

/** Rewrite the first 4 KiB of a file and fsync it (throws on a read-only folder or a failing disk). */
function touch(file: string): void {
  const fd = openSync(file, 'r+');
  try {
    writeSync(fd, Buffer.alloc(4096), 0, 4096, 0);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** @example const room = dataFolderRoom(config.dataDir, 4 << 20); room.probe(); ... room.release(); */
export function dataFolderRoom(dir: string, bytes: number): DataFolderRoom {
  const file = join(dir, '.quietcam-reserve');
  return {
    probe() {
      const fs = statfsSync(dir);
      const free = fs.bavail * fs.bsize + Math.max(0, present(file)); // a reserve already there counts as ours
      if (free < 2 * bytes) throw Object.assign(new Error(`data folder: ${free} bytes free, want ${2 * bytes}`), { code: 'ENOSPC' });
      if (present(file) === bytes) touch(file); // there already: only check the folder takes a write (SD-card wear)
      else writeFile(file, bytes);
    },
    release() {
      try {
        unlinkSync(file);
      } catch {
        // already gone
      }
    },
  };
}
