/**
 * What the owner sees once, right after "Add camera": the camera's broker login (username = camera
 * id, password = the pairing token), its MAC secret, and the provisioning file for
 * `npm run firmware:flash -- --config FILE` (Wi-Fi left empty to fill in). None of it is stored in
 * the clear (only hashes of the token, and the secret, which cannot give the token back), and the
 * page is sent with `Cache-Control: no-store` (security.ts), never in a URL.
 */
import { provisioningRecord } from '../../adapters/broker-credentials.js';
import { html, type Html } from '../html.js';

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
