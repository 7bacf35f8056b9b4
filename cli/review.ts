/**
 * `quietcam review`: the operator's review console (its own process, port and database).
 *
 *   quietcam review [--config FILE] [--db FILE] [--host H] [--port N] [--tls-proxy]
 *   quietcam review add-reviewer NAME      prints a one-time password and the TOTP secret, once
 *   quietcam review revoke NAME            at once: every open session of NAME stops working
 *   quietcam review list
 *   quietcam review export-coco FILE       COCO JSON of answers whose consent still allows ObjecTron
 *   quietcam review export-motion DIR [--operator NAME]   CDnet folders of Motion contributions
 *
 * --config FILE  a relay-format JSON config: only its `s3` section (bucket, region, endpoint) and
 *                dataDir are used; also QUIETCAM_* env vars (src/relay/config.ts)
 * --db FILE      the console's own database (default <dataDir>/review.db; never a home's relay.db)
 * --port N       default 8070 (also QUIETCAM_REVIEW_PORT)
 * Exit code 0 after SIGINT/SIGTERM, 2 on bad arguments, 1 on other failures.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { s3OperatorBucket } from '../src/adapters/s3-operator.js';
import { sharpMaskCodec, sharpWatermark } from '../src/adapters/sharp-watermark.js';
import { SqliteReviewStore } from '../src/adapters/sqlite-review.js';
import { openReviewDb } from '../src/adapters/sqlite-review-schema.js';
import { loadConfig } from '../src/relay/config.js';
import { buildCoco } from '../src/review/coco.js';
import { exportMotion } from '../src/review/motion-export.js';
import { personProposals } from '../src/review/person-proposals.js';
import { noProposals, type Proposer, type ReviewPorts } from '../src/review/ports.js';
import { LOOPBACK, startReviewServer } from '../src/review/server.js';
import { addReviewer } from '../src/review/reviewers.js';
import { checkPortsFree, portFlags, resolvePort } from './listen-ports.js';
import { writeFile } from 'node:fs/promises';

export const USAGE = 'quietcam review [--config FILE] [--db FILE] [--host H] [--port N] [--tls-proxy] [--no-proposals] | add-reviewer NAME | revoke NAME | list | export-coco FILE | export-motion DIR [--operator NAME]';

type Values = Record<string, string | boolean | undefined>;
interface Parsed { values: Values; cmd?: string; arg: string }

/** Flags and the subcommand, or the exit code after a usage error. */
function parse(args: string[]): Parsed | number {
  let values: Values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args, strict: true, allowPositionals: true,
      options: { config: { type: 'string' }, db: { type: 'string' }, host: { type: 'string' }, 'tls-proxy': { type: 'boolean', default: false }, 'no-proposals': { type: 'boolean', default: false }, operator: { type: 'string' }, ...portFlags(['review']) },
    }) as { values: Values; positionals: string[] });
  } catch (err) {
    console.error(`quietcam review: ${(err as Error).message}\nUsage: ${USAGE}`);
    return 2;
  }
  const [cmd, arg, ...extra] = positionals;
  const needsArg = ['add-reviewer', 'revoke', 'export-coco', 'export-motion'];
  if (extra.length || (cmd && ![...needsArg, 'list'].includes(cmd)) || (needsArg.includes(cmd) && !arg)) {
    console.error(`quietcam review: bad arguments\nUsage: ${USAGE}`);
    return 2;
  }
  return { values, cmd, arg };
}

/** add-reviewer, revoke and list (the database alone); null for the other commands. */
async function reviewerCommand(store: SqliteReviewStore, cmd: string | undefined, arg: string): Promise<number | null> {
  if (cmd === 'add-reviewer') {
    const r = await addReviewer(store, arg, Date.now());
    if (typeof r === 'string') {
      console.error(`quietcam review: ${r}`);
      return 1;
    }
    console.log(`reviewer ${r.name} added. Give them, once, by a safe channel:\n  password:    ${r.password}\n  TOTP secret: ${r.totpSecret}\n  ${r.uri}\nThey sign in with all three at the console. Revoke with: quietcam review revoke ${r.name}`);
    return 0;
  }
  if (cmd === 'revoke') {
    const ok = store.revoke(arg.toLowerCase(), Date.now());
    console.log(ok ? `${arg} revoked: their open sessions have ended` : `no reviewer '${arg}'`);
    return ok ? 0 : 1;
  }
  if (cmd === 'list') {
    for (const r of store.listReviewers()) console.log(`${r.name}\t${r.revokedMs ? `revoked ${new Date(r.revokedMs).toISOString()}` : 'active'}`);
    return 0;
  }
  return null;
}

/** export-coco and export-motion; null for the console itself. */
async function exportCommand(ports: ReviewPorts, cmd: string | undefined, arg: string, values: Values): Promise<number | null> {
  if (cmd === 'export-coco') {
    const coco = await buildCoco(ports);
    await writeFile(arg, JSON.stringify(coco, null, 1));
    console.log(`${arg}: ${coco.images.length} images, ${coco.annotations.length} boxes`);
    return 0;
  }
  if (cmd === 'export-motion') {
    const r = await exportMotion(ports, sharpMaskCodec, arg, (values.operator as string | undefined) ?? 'operator');
    console.log(`${arg}: ${r.frames} frames in ${r.folders.length} folder(s); score them with: quietcam eval ${r.folders.join(' ')}`);
    return 0;
  }
  return null;
}

/** The console on its checked host and port until SIGINT/SIGTERM. */
async function serve(ports: ReviewPorts, values: Values): Promise<number> {
  const host = (values.host as string | undefined) ?? '127.0.0.1';
  let port: number;
  try {
    port = resolvePort('review', values.port as string | undefined, process.env)!;
    if (!values['tls-proxy'] && !LOOPBACK.test(host)) throw new Error(`plain HTTP is for a loopback host only (got ${host}): put a TLS proxy in front and add --tls-proxy`);
  } catch (err) {
    console.error(`quietcam review: ${(err as Error).message}\nUsage: ${USAGE}`);
    return 2;
  }
  const taken = await checkPortsFree([{ name: 'review', host, port }]);
  if (taken) {
    console.error(`quietcam review: ${taken}`);
    return 2;
  }
  const server = await startReviewServer({ ports, host, port, config: { cookies: values['tls-proxy'] ? 'secure' : 'insecure-localhost' } });
  console.log(`review console ready: ${server.url}`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  return 0;
}

export async function run(args: string[]): Promise<number> {
  const o = parse(args);
  if (typeof o === 'number') return o;
  const { values, cmd, arg } = o;
  const relay = loadConfig({ file: values.config as string | undefined });
  const db = openReviewDb((values.db as string | undefined) ?? join(relay.dataDir, 'review.db'));
  const store = new SqliteReviewStore(db);
  try {
    const done = await reviewerCommand(store, cmd, arg);
    if (done !== null) return done;
    const bucket = s3OperatorBucket(relay.s3);
    const proposer = cmd === undefined && !values['no-proposals'] ? personDetectorProposals() : noProposals;
    const ports: ReviewPorts = { store, bucket, watermark: sharpWatermark, proposer, clock: Date.now };
    try {
      return (await exportCommand(ports, cmd, arg, values)) ?? (await serve(ports, values));
    } finally {
      bucket.close();
    }
  } finally {
    db.close();
  }
}

/**
 * Proposed person boxes from the project's person detector (NanoDet, src/adapters/person-nanodet.ts),
 * loaded at the first image a reviewer opens rather than at start (~70 MB and a few seconds).
 */
function personDetectorProposals(): Proposer {
  let detector: Promise<{ detect(jpeg: Uint8Array): Promise<{ boxes: { x: number; y: number; w: number; h: number; score: number }[] }> }> | undefined;
  return personProposals({
    async detect(jpeg) {
      detector ??= import('../src/adapters/person-nanodet.js').then((m) => m.nanodetPersonDetector());
      try {
        return await (await detector).detect(jpeg);
      } catch (err) {
        // a proposal is a convenience: the reviewer draws the boxes when the detector fails
        console.error(`quietcam review: no proposals for this image: ${(err as Error).message}`);
        return { boxes: [] };
      }
    },
  });
}
