/**
 * What an owner sees to link an authenticator app: the key grouped in fours, a QR code of the
 * `otpauth://` link drawn here as inline SVG (the `qrcode` package, no network, no script, no
 * image URL carrying the key), and the link as text. Used at sign-up and for a new phone.
 */
import QRCode from 'qrcode';
import { html, raw, type Html } from './html.js';
import { totpUri } from './totp.js';

/** Inline SVG of `text` as a QR code (error correction M: ~15% of a smudged screen still reads). */
export async function qrSvg(text: string, label: string): Promise<Html> {
  const svg = await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  // qrcode's SVG is its own markup from the encoded modules (paths of numbers): no text of ours inside it
  return html`<figure class="qr">${raw(svg.replace('<svg ', `<svg role="img" aria-label="${label}" `))}<figcaption>Scan with your authenticator app</figcaption></figure>`;
}

export async function totpSetupBlock(issuer: string, user: string, secret: string): Promise<Html> {
  const uri = totpUri(issuer, user, secret);
  const grouped = secret.replace(/(.{4})/g, '$1 ').trim();
  return html`<div class="totp-setup">${await qrSvg(uri, 'QR code of the two-step verification key')}
<div><p>In your authenticator app (any TOTP app), scan the code, or add an account with this key:</p>
<p class="secret" id="totp-secret">${grouped}</p>
<p>or paste this setup link into the app: <code id="totp-uri">${uri}</code></p></div></div>`;
}
