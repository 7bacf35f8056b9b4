/**
 * Live view: on the camera's page, the owner asks the board for its latest frames, a few per
 * second for a minute (src/web/camera-link.ts signs the request; the board checks it). Only the
 * signed-in owner of the camera can start one (another account gets the same 404 as for no
 * camera), each start is written to the owner's access log like any other access, and the frames
 * go only to that owner's open page as an MJPEG stream: kept in memory one frame at a time,
 * never written, never uploaded. A stream ends when the minute is over, when the page closes, when
 * the session ends (sign-out, expiry), checked every second, and at once when the camera is
 * removed (endLiveViews, from the removal; the check catches any other way a camera leaves the
 * account). The page's script asks `live.json` each second and says when the view has ended.
 */
import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError, requireAccount, seeOther, sendPage, type WebContext } from '../context.js';
import { csrfField, html, page, type Html } from '../html.js';
import { LIVE_VIEW_JS } from '../live-view-client.js';
import type { Account, WebCamera } from '../ports.js';
import { CSP_WITH_OWN_SCRIPTS } from '../security.js';
import { takeFlash } from '../session.js';

export const LIVE = {
  seconds: 60, // one minute per start: enough to see who is at the door; the board caps it too (its profile's liveView)
  fps: 2, // a few small JPEGs a second (the board caps it at its profile's maxFps)
  checkMs: 1000, // the session and the end are checked once a second
  boundary: 'quietcam-live-frame',
};

interface LiveSession {
  accountId: string; cameraId: string; counter: number; untilMs: number;
  /** Its open streams' stop functions. */
  streams: Set<() => void>;
}

/** Running live views per pages instance, by `<account>/<camera>`. */
const running = new WeakMap<WebContext, Map<string, LiveSession>>();

function sessionsOf(ctx: WebContext): Map<string, LiveSession> {
  let m = running.get(ctx);
  if (!m) running.set(ctx, (m = new Map()));
  return m;
}

function active(ctx: WebContext, a: Account, cameraId: string): LiveSession | null {
  const s = sessionsOf(ctx).get(`${a.id}/${cameraId}`);
  return s && s.untilMs > ctx.ports.clock() ? s : null;
}

/**
 * End every live view of a camera now (it is being removed): its sessions are forgotten and their
 * open streams closed; frames that still come are refused anyway (no secret any more).
 * @example await removeCamera(ports, config, cam, false); endLiveViews(ctx, cam.cameraId);
 */
export function endLiveViews(ctx: WebContext, cameraId: string): number {
  let ended = 0;
  for (const [key, s] of sessionsOf(ctx)) {
    if (s.cameraId !== cameraId) continue;
    sessionsOf(ctx).delete(key);
    for (const stop of [...s.streams]) stop();
    ended++;
  }
  return ended;
}

/** The section on the camera's page: what live view does, and the button. */
export function liveViewSection(ctx: WebContext, cam: WebCamera, csrf: string, online: boolean): Html {
  if (!ctx.ports.cameraLink) return html`<h2>Live view</h2><p>Live view needs the home's broker, which these pages are not connected to.</p>`;
  return html`<h2>Live view</h2><form method="post" action="/cameras/${cam.cameraId}/live" id="live-start">${csrfField(csrf)}
<p>The camera sends its latest pictures, ${LIVE.fps} a second for a minute, to this page only: they are not stored or uploaded. Each live view is written to your <a href="/access-log">access log</a>.${online ? '' : ' The camera does not seem to be online: it may not answer.'}</p>
<button type="submit">Live view</button></form>`;
}

function livePage(ctx: WebContext, req: FastifyRequest, a: Account, cam: WebCamera): string {
  const s = active(ctx, a, cam.cameraId);
  const left = s ? Math.ceil((s.untilMs - ctx.ports.clock()) / 1000) : 0;
  const body = html`${s ? html`<p id="live-state" role="status" data-seconds="${left}">Waiting for the camera: ${left} s left</p>
<p><img id="live-frame" class="live" src="/cameras/${cam.cameraId}/live.mjpeg" alt="Live view of ${cam.name}"></p>` : html`<p id="live-state">No live view running.</p>`}
<form method="post" action="/cameras/${cam.cameraId}/live" id="live-start">${csrfField(req.session!.csrf)}<button type="submit">${s ? 'Start again (another minute)' : 'Live view'}</button></form>
<p><a href="/cameras/${cam.cameraId}" id="live-back">Back to ${cam.name}</a></p>${s ? html`<script src="/static/live-view.js" defer></script>` : ''}`;
  return page({ title: `Live view: ${cam.name}`, body, user: a.username, csrf: req.session!.csrf, flash: takeFlash(ctx, req) });
}

/** POST /cameras/:id/live: ask the board, log the access, then show the page. */
function startRoute(app: FastifyInstance, ctx: WebContext, own: (a: Account, id: unknown) => WebCamera): void {
  const { ports } = ctx;
  app.post('/cameras/:id/live', async (req, reply) => {
    const a = requireAccount(req);
    const cam = own(a, (req.params as { id: string }).id);
    const link = ports.cameraLink;
    if (!link) throw new HttpError(503, 'Live view needs the home\'s broker, which these pages are not connected to.');
    if (!cam.secret) throw new HttpError(409, 'This camera has no message secret yet: make a new login for it first.');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), ctx.config.publishTimeoutMs)));
    let counter: number;
    try {
      counter = await Promise.race([link.requestLive(cam.cameraId, { seconds: LIVE.seconds, fps: LIVE.fps }), timeout]);
    } catch {
      throw new HttpError(503, 'The home\'s broker did not take the request. Try again in a moment.');
    } finally {
      clearTimeout(timer);
    }
    const now = ports.clock();
    ports.accessLog.record({
      ownerId: cam.ownerId, viewerId: a.id, viewer: a.username, viewerRole: a.role, cameraId: cam.cameraId, bundleId: 'live',
      object: 'live view', why: `live view for ${LIVE.seconds} s, started by the owner`, atMs: now,
    });
    sessionsOf(ctx).set(`${a.id}/${cam.cameraId}`, { accountId: a.id, cameraId: cam.cameraId, counter, untilMs: now + LIVE.seconds * 1000, streams: new Set() });
    ctx.log.info(`web: live view of camera ${cam.cameraId} started`);
    return seeOther(reply, `/cameras/${cam.cameraId}/live`);
  });
}

/** GET /cameras/:id/live: the page (the frames if a live view runs, else the button); live.json: whether it still runs, for the page's script. */
function pageRoute(app: FastifyInstance, ctx: WebContext, own: (a: Account, id: unknown) => WebCamera): void {
  app.get('/static/live-view.js', async (_req, reply) => reply.header('cache-control', 'no-cache').type('text/javascript; charset=utf-8').send(LIVE_VIEW_JS));
  app.get('/cameras/:id/live', async (req, reply) => {
    const a = requireAccount(req);
    const cam = own(a, (req.params as { id: string }).id);
    reply.header('content-security-policy', CSP_WITH_OWN_SCRIPTS);
    return sendPage(reply, livePage(ctx, req, a, cam));
  });
  app.get('/cameras/:id/live.json', async (req, reply) => {
    const a = requireAccount(req);
    const cam = own(a, (req.params as { id: string }).id); // a removed camera: 404, which the script shows as ended
    const s = active(ctx, a, cam.cameraId);
    const secondsLeft = s ? Math.ceil((s.untilMs - ctx.ports.clock()) / 1000) : 0;
    return reply.header('cache-control', 'no-store').send({ running: s !== null, secondsLeft });
  });
}

/** GET /cameras/:id/live.mjpeg: the frames answering this owner's request, as they come, until the minute is over. */
function streamRoute(app: FastifyInstance, ctx: WebContext, own: (a: Account, id: unknown) => WebCamera): void {
  const { ports } = ctx;
  const streams = new Set<() => void>();
  app.addHook('onClose', async () => { for (const stop of [...streams]) stop(); });
  // the camera still this account's (removed, or its account deleted: the stream ends)
  const stillOwned = (a: Account, cameraId: string) => ports.cameras.get(cameraId)?.ownerId === a.id;
  app.get('/cameras/:id/live.mjpeg', async (req, reply) => {
    const a = requireAccount(req);
    const cam = own(a, (req.params as { id: string }).id);
    const s = active(ctx, a, cam.cameraId);
    if (!s || !ports.cameraLink) throw new HttpError(404, 'No live view is running for this camera: start one on its page.');
    const sessionId = req.session!.id;
    const session = s.counter % 4294967296;
    const out = new PassThrough();
    const unwatch = ports.cameraLink.watch(cam.cameraId, (f) => {
      // a browser that reads slower than the board sends skips frames (at most two wait), never queues a minute of them
      if (f.session !== session || out.writableLength > 2 * f.jpeg.length) return;
      out.write(`--${LIVE.boundary}\r\nContent-Type: image/jpeg\r\nContent-Length: ${f.jpeg.length}\r\n\r\n`);
      out.write(Buffer.from(f.jpeg.buffer, f.jpeg.byteOffset, f.jpeg.byteLength));
      out.write('\r\n');
    });
    const check = setInterval(() => {
      const web = ports.sessions.get(sessionId);
      if (!web || web.stage !== 'full' || web.expiresMs <= ports.clock() || active(ctx, a, cam.cameraId)?.counter !== s.counter || !stillOwned(a, cam.cameraId)) stop();
    }, LIVE.checkMs);
    const stop = () => {
      clearInterval(check);
      unwatch();
      streams.delete(stop);
      s.streams.delete(stop);
      if (!out.writableEnded) out.end();
    };
    streams.add(stop);
    s.streams.add(stop);
    req.raw.on('close', stop);
    reply.header('cache-control', 'no-store').header('content-type', `multipart/x-mixed-replace; boundary=${LIVE.boundary}`);
    return reply.send(out);
  });
}

/** The live-view routes; `own` resolves the signed-in owner's camera or throws 404 (cameras.ts ownCamera). */
export function registerLiveView(app: FastifyInstance, ctx: WebContext, own: (a: Account, id: unknown) => WebCamera): void {
  startRoute(app, ctx, own);
  pageRoute(app, ctx, own);
  streamRoute(app, ctx, own);
}
