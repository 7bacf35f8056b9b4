/**
 * What the owner sees once, right after "Add camera": the camera's broker login (username = camera
 * id, password = the pairing token), its MAC secret, and the provisioning file for
 * `npm run firmware:flash -- --config FILE` (Wi-Fi left empty to fill in). None of it is stored in
 * the clear (only hashes of the token, and the secret, which cannot give the token back), and the
 * page is sent with `Cache-Control: no-store` (security.ts), never in a URL. The same page, for a
 * new login of an existing camera (lost or stolen board): the old token stops working.
 */
import type { FastifyInstance } from 'fastify';
import { newCameraCredentials, provisioningRecord } from '../../adapters/broker-credentials.js';
import { pushConfig } from '../consent.js';
import { requireAccount, sendPage, type WebContext } from '../context.js';
import { csrfField, html, page, type Html } from '../html.js';
import type { Account, WebCamera } from '../ports.js';

/**
 * The broker address a board on the LAN uses: the configured one, else the host the owner opened
 * these pages with (the broker runs on the same home server), port 1883.
 */
export function boardBrokerUrl(configured: string, requestHost: string): string {
  if (configured) return configured;
  const host = /^[A-Za-z0-9.-]+$|^\[[0-9A-Fa-f:.]+\]$/.test(requestHost) ? requestHost : '127.0.0.1';
  return `mqtt://${host}:1883`;
}

export function pairingBody(o: { cameraId: string; token: string; macSecret: string; broker: string }): Html {
  const json = JSON.stringify(provisioningRecord({ broker: o.broker, cameraId: o.cameraId, token: o.token, macSecret: o.macSecret }), null, 2);
  const href = `data:application/json;base64,${Buffer.from(json + '\n', 'utf8').toString('base64')}`;
  return html`<p class="warn">Copy these into the camera now. They are shown only this once; if you lose them, add the camera again.</p>
<table><tr><th>Camera id</th><td><code id="camera-id">${o.cameraId}</code></td></tr>
<tr><th>MQTT username</th><td><code id="mqtt-username">${o.cameraId}</code></td></tr>
<tr><th>MQTT password (pairing token)</th><td><code id="pairing-token">${o.token}</code></td></tr>
<tr><th>Message secret</th><td><code id="mac-secret">${o.macSecret}</code></td></tr>
<tr><th>Broker</th><td><code id="broker-url">${o.broker}</code></td></tr></table>
<h2>Provisioning file</h2>
<p>Fill in your Wi-Fi name and password, then flash it: <code>npm run firmware:flash -- --board esp32-cam-ai-thinker --port /dev/ttyUSB0 --config quietcam-${o.cameraId}.json</code>.</p>
<p><a id="provisioning-download" download="quietcam-${o.cameraId}.json" href="${href}">Download quietcam-${o.cameraId}.json</a></p>
<pre id="provisioning">${json}</pre>`;
}

/** The form on a camera's page: a new login and secret, for a lost, stolen or replaced board. */
export function newLoginForm(cam: WebCamera, csrf: string): Html {
  return html`<h2>Broker login</h2><form method="post" action="/cameras/${cam.cameraId}/new-login">${csrfField(csrf)}
<p>Lost the camera's login, or the board was stolen or replaced? Make a new login and secret: the old ones stop working at the camera's next connection, and the board must be provisioned again.</p>
<button type="submit" class="danger">Make a new login</button></form>`;
}

/**
 * POST /cameras/:id/new-login: new credentials for the owner's camera, shown once, like pairing.
 * `own` resolves the owner's camera or throws 404 (cameras.ts ownCamera).
 */
export function registerNewLogin(app: FastifyInstance, ctx: WebContext, own: (a: Account, id: unknown) => WebCamera): void {
  app.post('/cameras/:id/new-login', async (req, reply) => {
    const a = requireAccount(req);
    const cam = own(a, (req.params as { id: string }).id);
    const cred = newCameraCredentials(cam.cameraId);
    ctx.ports.cameras.replaceCredentials(cam.cameraId, cred);
    ctx.log.info(`web: new broker login for camera ${cam.cameraId}`);
    // the retained config again, signed with the new secret (the relay verifies with it from now on too)
    await pushConfig(ctx.ports, ctx.ports.cameras.get(cam.cameraId)!, ctx.config.publishTimeoutMs);
    const body = html`${pairingBody({ cameraId: cam.cameraId, token: cred.token, macSecret: cred.macSecret, broker: boardBrokerUrl(ctx.config.boardBrokerUrl, req.hostname) })}
<p><a href="/cameras/${cam.cameraId}">Back to ${cam.name}</a></p>`;
    return sendPage(reply, page({ title: `New login for "${cam.name}"`, body, user: a.username, csrf: req.session!.csrf }));
  });
}
