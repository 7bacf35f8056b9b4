/**
 * Server-rendered HTML: a tagged template that escapes every interpolated value unless it is
 * already `Html` (from another `html` template or `raw()`), and the page layout. No client script
 * but same-origin files on the few pages whose Content-Security-Policy allows them (security.ts).
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

/** A labelled input with its error next to it (aria-describedby), e.g. field('pw', 'Current password', 'password', errors). */
export function field(name: string, label: string, type: string, errors: Record<string, string>, extra: Html = html``, value = ''): Html {
  const err = errors[name];
  return html`<div class="field${err ? ' has-error' : ''}"><label for="f-${name}">${label}</label>
<input type="${type}" id="f-${name}" name="${name}" value="${value}" ${err ? html`aria-invalid="true" aria-describedby="e-${name}"` : ''} ${extra}>
${err ? html`<p class="field-error" id="e-${name}">${err}</p>` : ''}</div>`;
}

/** The hidden CSRF field every form carries. */
export const csrfField = (token: string | undefined) => html`<input type="hidden" name="_csrf" value="${token ?? ''}">`;

export function page(o: PageOptions): string {
  const nav = o.user
    ? html`<nav><a href="/cameras">Cameras</a><a href="/zone">Data Integrity Zone</a><a href="/access-log">Access log</a><a href="/status">Status</a><a href="/alerts">Alerts</a><a href="/alerts/history">Event history</a><a href="/account">Account</a>
<form method="post" action="/logout" class="inline">${csrfField(o.csrf)}<button type="submit">Sign out ${o.user}</button></form></nav>`
    : html`<nav><a href="/login">Sign in</a><a href="/signup">Create an account</a></nav>`;
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${o.title} · quietcam</title><link rel="stylesheet" href="/static/app.css"></head><body>
<header><strong>quietcam</strong>${nav}</header><main>
${o.flash ? html`<p class="flash" role="status">${o.flash}</p>` : ''}<h1>${o.title}</h1>
${o.body}</main></body></html>`.s;
}

/**
 * One stylesheet for every page: mobile first (a 390 px phone shows every page at its own width:
 * long ids and keys wrap, wide tables scroll inside their box or turn into cards), a desktop gets
 * a centred column. Colours keep a contrast of at least 4.5:1; focus is always visible.
 */
export const CSS = `*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1b1b1b;background:#f6f7f8;overflow-wrap:anywhere}
a{color:#0b57a4}a:hover{color:#083f77}
:focus-visible{outline:3px solid #f0a500;outline-offset:2px}
header{display:flex;flex-wrap:wrap;gap:.4em 1.2em;align-items:center;padding:.6em 1em;background:#20323f;color:#fff}
header strong{font-size:1.15em;letter-spacing:.02em}
nav{display:flex;flex-wrap:wrap;align-items:center;gap:.2em .9em}
header a,header button{color:#fff;background:none;border:0;padding:.25em 0;font:inherit;cursor:pointer;text-decoration:underline;text-underline-offset:3px}
main{max-width:72em;margin:1.2em auto;padding:0 1em}
h1{font-size:1.6em;margin:.3em 0 .6em}h2{font-size:1.2em;margin:1.6em 0 .5em}
section{margin-bottom:1em}
form.inline{display:inline}
fieldset{border:1px solid #c4c9ce;border-radius:6px;margin:1em 0;padding:.8em}
label{display:block;margin:.4em 0}
.field{margin:.7em 0}.field label{margin:0 0 .2em;font-weight:600}
input[type=text],input[type=password],input[type=date],select{display:block;width:100%;max-width:24em;padding:.5em;font:inherit;border:1px solid #8a949e;border-radius:4px;background:#fff;color:#1b1b1b}
input[type=checkbox],input[type=radio]{width:1.1em;height:1.1em;vertical-align:-.15em;margin-right:.3em}
.has-error input,.has-error select{border:2px solid #b3261e}
.field-error{color:#b3261e;margin:.25em 0 0;font-weight:600}
button,.button{display:inline-block;padding:.5em 1em;font:inherit;cursor:pointer;border:1px solid #20323f;border-radius:4px;background:#20323f;color:#fff;text-decoration:none;margin:.2em 0}
button:hover,.button:hover{background:#33495a;color:#fff}
button.danger,.button.danger{background:#a31b1b;border-color:#a31b1b;color:#fff}button.danger:hover,.button.danger:hover{background:#7f1414}
header button:hover{background:none}
.flash{background:#e6f4e6;border:1px solid #5e9e5e;padding:.6em;border-radius:4px}.warn{background:#fff4d6;border:1px solid #c99a2e;padding:.6em;border-radius:4px}
.bad{background:#fde4e4;border:1px solid #c55;padding:.6em;border-radius:4px}
code,.secret{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;background:#e9ecef;padding:.1em .3em;border-radius:3px;word-break:break-all}
pre{background:#e9ecef;padding:.8em;overflow-x:auto;white-space:pre-wrap;word-break:break-all;border-radius:4px}
.table-wrap{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;width:100%;background:#fff}th,td{border-bottom:1px solid #dde1e5;padding:.5em;text-align:left;vertical-align:top}
.thumbs{white-space:normal}.thumbs img{width:72px;height:54px;object-fit:cover;border:1px solid #bbb;margin:0 3px 3px 0;background:#000}
.full{display:flex;flex-wrap:wrap;gap:1em}.full figure{margin:0;flex:1 1 14em;max-width:24em}.full img{width:100%;height:auto;border:1px solid #bbb;background:#000;image-rendering:pixelated}
img.live{max-width:100%;height:auto;border:1px solid #bbb;background:#000}
ol.codes{columns:2;font-family:ui-monospace,monospace}
.totp-setup{display:flex;flex-wrap:wrap;gap:1em;align-items:flex-start}.totp-setup>div{flex:1 1 16em;min-width:0}
@media (min-width:701px){#filter{display:flex;flex-wrap:wrap;gap:.5em 1em;align-items:flex-end}#filter label{margin:0}#filter input,#filter select{min-width:12em}}
.qr{margin:0;width:200px;max-width:100%}.qr svg{display:block;width:100%;height:auto;background:#fff}.qr figcaption{font-size:.9em;color:#444}
@media (max-width:700px){
 table.cards thead{position:absolute;left:-9999px}
 table.cards,table.cards tbody,table.cards tr,table.cards td{display:block;width:100%}
 table.cards tr{border:1px solid #dde1e5;border-radius:6px;margin:0 0 .8em;padding:.3em .5em;background:#fff}
 table.cards td{border:0;padding:.25em 0}table.cards td[data-label]::before{content:attr(data-label) ": ";font-weight:600}
 main table:not(.cards):not(.list){display:block;overflow-x:auto;max-width:100%}
 #list table thead{position:absolute;left:-9999px}
 #list table,#list tbody,#list tr,#list td{display:block;width:100%}
 #list tr{border:1px solid #dde1e5;border-radius:6px;margin:0 0 .8em;padding:.3em .5em}
 #list td{border:0;padding:.2em 0}
}`;

/**
 * The one script: fills the sign-up form's hidden time-zone field from the browser, so times are
 * shown in the owner's zone from the start (without it the account starts on UTC; Account changes it).
 * Served same-origin (CSP `script-src 'self'`, no inline script).
 */
export const TZ_JS = `(function(){try{var z=Intl.DateTimeFormat().resolvedOptions().timeZone;if(!z)return;
var f=document.querySelectorAll('input[data-from-browser]');for(var i=0;i<f.length;i++)f[i].value=z;}catch(e){}})();`;
