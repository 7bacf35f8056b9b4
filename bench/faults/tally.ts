/**
 * Every figure of the fault matrix comes from listing the bucket at the end, not from counters:
 * the objects are grouped by bundle (`contributions/<owner>/<camera>/<yyyy>/<mm>/<dd>/<bundle>/<name>`)
 * and compared with what was published.
 * - once: a published bundle found under exactly one prefix with its six objects (meta.json last);
 * - missing: a published bundle with no complete copy;
 * - duplicated: a published bundle complete under more than one prefix (or a complete bundle never published);
 * - orphaned: objects of a bundle copy without all six (its meta.json, the index of the copy, absent):
 *   what the owner's zone cannot show.
 */
export const OBJECT_NAMES = ['1-view.jpg', '2-sky.png', '3-static.png', '4-motion.png', '5-background.jpg', 'meta.json'];

export interface Tally {
  published: number;
  once: number;
  missing: number;
  duplicated: number;
  orphaned: number;
}

export function tallyBucket(keys: string[], published: { cameraId: string; bundleId: string }[]): Tally {
  const copies = new Map<string, Map<string, Set<string>>>(); // camera/bundle -> prefix -> names
  for (const k of keys) {
    const parts = k.split('/');
    if (parts.length !== 8 || parts[0] !== 'contributions') continue;
    const id = `${parts[2]}/${parts[6]}`;
    const prefix = parts.slice(0, 7).join('/');
    const byPrefix = copies.get(id) ?? new Map<string, Set<string>>();
    copies.set(id, byPrefix);
    const names = byPrefix.get(prefix) ?? new Set<string>();
    byPrefix.set(prefix, names);
    names.add(parts[7]);
  }
  const t: Tally = { published: published.length, once: 0, missing: 0, duplicated: 0, orphaned: 0 };
  const wanted = new Set(published.map((b) => `${b.cameraId}/${b.bundleId}`));
  for (const [id, byPrefix] of copies) {
    let complete = 0;
    for (const names of byPrefix.values()) {
      if (OBJECT_NAMES.every((n) => names.has(n))) complete++;
      else t.orphaned += names.size;
    }
    if (!wanted.has(id) && complete > 0) t.duplicated++; // never published: counted as an extra copy
  }
  for (const id of wanted) {
    const byPrefix = copies.get(id);
    const complete = byPrefix ? [...byPrefix.values()].filter((names) => OBJECT_NAMES.every((n) => names.has(n))).length : 0;
    if (complete === 0) t.missing++;
    else if (complete === 1) t.once++;
    else t.duplicated++;
  }
  return t;
}
