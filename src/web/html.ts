/**
 * Server-rendered HTML: a tagged template that escapes every interpolated value unless it is
 * already `Html` (from another `html` template or `raw()`), and the page layout. No client script:
 * the Content-Security-Policy forbids scripts altogether.
 */
export class Html {
  constructor(readonly s: string) {}
  toString(): string {
    return this.s;
  }
}

export function esc(s: string): string {
  return s.replace(/[&<>"'`=]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Trusted markup (constants only). */
export const raw = (s: string) => new Html(s);

function render(v: unknown): string {
  if (v instanceof Html) return v.s;
  if (Array.isArray(v)) return v.map(render).join('');
  if (v === null || v === undefined || v === false) return '';
  return esc(String(v));
}

/** @example html`<p>${userText}</p>` // userText is escaped */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new Html(out);
}

export interface PageOptions {
  title: string;
  body: Html;
  /** Signed-in user's name, for the navigation; absent = signed out. */
  user?: string;
  csrf?: string;
  flash?: string | null;
}

/** The hidden CSRF field every form carries. */
export const csrfField = (token: string | undefined) => html`<input type="hidden" name="_csrf" value="${token ?? ''}">`;

export function page(o: PageOptions): string {
  const nav = o.user
    ? html`<nav><a href="/cameras">Cameras</a><a href="/zone">Data Integrity Zone</a><a href="/access-log">Access log</a><a href="/status">Status</a><a href="/alerts">Alerts</a>
<form method="post" action="/logout" class="inline">${csrfField(o.csrf)}<button type="submit">Sign out ${o.user}</button></form></nav>`
    : html`<nav><a href="/login">Sign in</a><a href="/signup">Create an account</a></nav>`;
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${o.title} · quietcam</title><link rel="stylesheet" href="/static/app.css"></head><body>
<header><strong>quietcam</strong>${nav}</header><main>
${o.flash ? html`<p class="flash" role="status">${o.flash}</p>` : ''}<h1>${o.title}</h1>
${o.body}</main></body></html>`.s;
}

export const CSS = `body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fafafa}
header{display:flex;gap:1.5em;align-items:center;padding:.6em 1.5em;background:#20323f;color:#fff}
header a,header button{color:#fff;margin-right:1em;background:none;border:0;font:inherit;cursor:pointer;text-decoration:underline}
nav{display:flex;align-items:center}main{max-width:72em;margin:1.5em auto;padding:0 1.5em}
form.inline{display:inline}fieldset{border:1px solid #ccc;margin:1em 0;padding:.8em}label{display:block;margin:.4em 0}
input[type=text],input[type=password],input[type=date],select{padding:.35em;font:inherit;min-width:16em}
button{padding:.35em .9em;font:inherit;cursor:pointer}button.danger{background:#a31b1b;color:#fff;border:0}
.flash{background:#e6f4e6;border:1px solid #8bc48b;padding:.6em}.warn{background:#fff4d6;border:1px solid #e0b84b;padding:.6em}
.bad{background:#fde4e4;border:1px solid #d77;padding:.6em}code,.secret{font-family:ui-monospace,monospace;background:#eee;padding:.1em .3em}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:.4em;text-align:left;vertical-align:top}
.thumbs img{width:96px;height:72px;object-fit:cover;border:1px solid #bbb;margin-right:3px;background:#000}
.full img{max-width:100%;border:1px solid #bbb;background:#000}.full figure{display:inline-block;margin:0 1em 1em 0;max-width:45%}
ol.codes{columns:2;font-family:ui-monospace,monospace}`;
