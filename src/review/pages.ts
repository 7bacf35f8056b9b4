/** The console's HTML: the escaping `html` template of the owner pages (src/web/html.ts), its own layout. */
import { FLAG_REASONS } from '../operator/records.js';
import { csrfField, html, type Html } from '../web/html.js';
import type { Annotation, Box, Item } from './ports.js';
import { LABELS } from './ports.js';

export function layout(o: { title: string; body: Html; reviewer?: string; csrf?: string; flash?: string | null }): string {
  const nav = o.reviewer
    ? html`<nav><a href="/">Queue</a><a href="/export/coco.json">COCO export</a><form method="post" action="/logout" class="inline">${csrfField(o.csrf)}<button type="submit">Sign out ${o.reviewer}</button></form></nav>`
    : html``;
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${o.title} · quietcam review</title><link rel="stylesheet" href="/static/review.css"></head><body>
<header><strong>quietcam review</strong>${nav}</header><main>
${o.flash ? html`<p class="flash" role="status">${o.flash}</p>` : ''}<h1>${o.title}</h1>
${o.body}</main></body></html>`.s;
}

export function loginPage(csrf: string, error?: string): string {
  const body = html`${error ? html`<p class="bad" role="alert">${error}</p>` : ''}
<p>Reviewer accounts are made by the operator (<code>quietcam review add-reviewer NAME</code>). There is no sign-up.</p>
<form method="post" action="/login">${csrfField(csrf)}
<label>Name <input type="text" name="name" autocomplete="username" required></label>
<label>Password <input type="password" name="password" autocomplete="current-password" required></label>
<label>Code from your authenticator app <input type="text" name="code" inputmode="numeric" pattern="[0-9]{6}" autocomplete="one-time-code" required></label>
<button type="submit">Sign in</button></form>`;
  return layout({ title: 'Sign in', body });
}

const itemUrl = (i: Item) => `/c/${i.ownerId}/${i.cameraId}/${i.bundleId}`;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

export function queuePage(o: { reviewer: string; csrf: string; flash: string | null; todo: Item[]; done: { item: Item; a: Annotation }[] }): string {
  const body = html`<p>Only contributions whose owners gave them for object annotation (ObjecTron), while that consent is in force. Every image you open is logged in its owner's access log, with your name.</p>
<p id="todo-count">${o.todo.length} to annotate.</p>
${o.todo.length ? html`<p><a id="next" href="${itemUrl(o.todo[0])}">Start with the oldest</a></p>
<table id="queue"><tr><th>Captured (UTC)</th><th>Contribution</th></tr>${o.todo.map((i) => html`<tr class="item"><td>${day(i.captureTimeMs)}</td><td><a href="${itemUrl(i)}">${i.cameraId} / ${i.bundleId}</a></td></tr>`)}</table>` : html`<p id="empty">Nothing to annotate.</p>`}
${o.done.length ? html`<h2>Answered</h2><table id="done"><tr><th>Contribution</th><th>Boxes</th></tr>${o.done.map((d) => html`<tr><td><a href="${itemUrl(d.item)}">${d.item.cameraId} / ${d.item.bundleId}</a></td><td>${d.a.boxes.length ? d.a.boxes.map((b) => b.label).join(', ') : 'no objects'}</td></tr>`)}</table>` : ''}`;
  return layout({ title: 'Queue', body, reviewer: o.reviewer, csrf: o.csrf, flash: o.flash });
}

export function itemPage(o: { reviewer: string; csrf: string; item: Item; boxes: Box[]; proposed: boolean; flash?: string | null }): string {
  const i = o.item;
  const body = html`<p>${i.cameraId} / ${i.bundleId}, captured ${day(i.captureTimeMs)} UTC, ${i.width}×${i.height}. ${o.proposed ? 'Boxes proposed by the detector are shown dashed: accept, move or remove them.' : ''}</p>
<p class="help">Draw a box with the mouse. Keys: <kbd>1</kbd>–<kbd>8</kbd> label the selected box (${LABELS.map((l, n) => `${n + 1} ${l}`).join(', ')}), <kbd>Tab</kbd> next box, arrows move it (<kbd>Shift</kbd>+arrows resize), <kbd>Delete</kbd> removes it, <kbd>Enter</kbd> saves, <kbd>N</kbd> answers "no objects".</p>
<div id="stage" data-width="${i.width}" data-height="${i.height}" data-boxes="${JSON.stringify(o.boxes)}" data-labels="${JSON.stringify(LABELS)}">
<img id="view" src="/img/${i.ownerId}/${i.cameraId}/${i.bundleId}" alt="camera view" width="${i.width}" height="${i.height}" draggable="false"></div>
<ul id="box-list"></ul>
<form method="post" action="${itemUrl(i)}/annotate" id="answer">${csrfField(o.csrf)}<input type="hidden" name="boxes" id="boxes-field" value="${JSON.stringify(o.boxes)}">
<button type="submit" id="save">Save boxes</button> <button type="submit" name="none" value="yes" id="no-objects">No objects in this image</button></form>
<form method="post" action="${itemUrl(i)}/flag" id="flag-form">${csrfField(o.csrf)}<fieldset><legend>Flag as inappropriate</legend>
<p>Intimate, a person indoors, a child, anything that should not have been sent: it is deleted from S3 at once, never shown to anyone again, and its owner is told why.</p>
<label>Why <select name="reason" id="flag-reason">${FLAG_REASONS.map((r) => html`<option value="${r}">${r}</option>`)}</select></label>
<button type="submit" class="danger" id="flag">Flag and delete</button></fieldset></form>
<script src="/static/annotate.js"></script>`;
  return layout({ title: 'Annotate', body, reviewer: o.reviewer, csrf: o.csrf, flash: o.flash });
}

export const REVIEW_CSS = `body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fafafa}
header{display:flex;gap:1.5em;align-items:center;padding:.6em 1.5em;background:#3b2a4a;color:#fff}
header a,header button{color:#fff;margin-right:1em;background:none;border:0;font:inherit;cursor:pointer;text-decoration:underline}
nav{display:flex;align-items:center}main{max-width:72em;margin:1.5em auto;padding:0 1.5em}form.inline{display:inline}
label{display:block;margin:.4em 0}input[type=text],input[type=password]{padding:.35em;font:inherit;min-width:16em}
button{padding:.35em .9em;font:inherit;cursor:pointer}button.danger{background:#a31b1b;color:#fff;border:0}
.flash{background:#e6f4e6;border:1px solid #8bc48b;padding:.6em}.bad{background:#fde4e4;border:1px solid #d77;padding:.6em}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:.4em;text-align:left}
#stage{position:relative;width:min(100%,960px);user-select:none;cursor:crosshair;line-height:0}#stage img{display:block;width:100%;height:auto}
.box{position:absolute;border:2px solid #ffd400;box-sizing:border-box}.box.proposed{border-style:dashed}.box.sel{border-color:#00e0ff}
.box span{position:absolute;top:-1.4em;left:-2px;background:#ffd400;color:#000;font:12px/1.2 system-ui;padding:0 .3em;white-space:nowrap}
.box.sel span{background:#00e0ff}#box-list li.sel{font-weight:bold}kbd{border:1px solid #aaa;border-radius:3px;padding:0 .25em;background:#fff}
fieldset{border:1px solid #ccc;margin:1em 0;padding:.8em}`;
