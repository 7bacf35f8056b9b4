/**
 * The consent reminder on the page (Cameras and Data Integrity Zone): each camera whose consent
 * ends within the reminder window or has ended, what was agreed and until when (in the owner's
 * time zone, named), and a one-click "Renew" that is the camera page's re-confirmation
 * (POST /cameras/<id>/reconfirm: a new consent record for another year, same purposes), coming
 * back to the page it was on; and where the reminder went through the alert channels, if it did.
 * The yearly "are you still happy contributing?" question.
 */
import type { WebContext } from './context.js';
import { consentState } from './consent.js';
import { choiceLabel } from './consent-text.js';
import { csrfField, html, type Html } from './html.js';
import type { Account, WebCamera } from './ports.js';
import { formatTime } from './time.js';

/** The owner's cameras a reminder is due for, with where each stands. */
export function dueCameras(ctx: WebContext, a: Account): { cam: WebCamera; expired: boolean; daysLeft: number }[] {
  const now = ctx.ports.clock();
  const out: { cam: WebCamera; expired: boolean; daysLeft: number }[] = [];
  for (const cam of ctx.ports.cameras.listByOwner(a.id)) {
    const st = consentState(cam, now, ctx.config.consent.remindMs);
    if (st.kind === 'expired') out.push({ cam, expired: true, daysLeft: 0 });
    else if (st.kind === 'active' && st.remind) out.push({ cam, expired: false, daysLeft: st.daysLeft });
  }
  return out;
}

/** The banner, or nothing when no reminder is due. `back`: the page the renew returns to. */
export function reminderBanner(ctx: WebContext, a: Account, csrf: string, back: '/cameras' | '/zone'): Html {
  const due = dueCameras(ctx, a);
  if (!due.length) return html``;
  const when = (ms: number) => `${formatTime(ms, a.timeZone).slice(0, 16)} (${a.timeZone})`;
  const sent = ctx.ports.reminders.forOwner(a.id, 200);
  /** Where the reminder of this consent version went, if it went out through the channels. */
  const told = (cam: WebCamera) => {
    const r = sent.find((x) => x.cameraId === cam.cameraId && x.consentVersion === cam.consent!.version);
    const to = r ? Object.entries(r.deliveries) : [];
    return to.length ? html`<br><small class="told">Also sent on ${formatTime(r!.sentMs, a.timeZone).slice(0, 16)}: ${to.map(([ch, st]) => `${ch} ${st}`).join(', ')}.</small>` : '';
  };
  return html`<section class="warn reminder" id="reminder" aria-labelledby="h-reminder"><h2 id="h-reminder">Still happy contributing?</h2>
<ul>${due.map(({ cam, expired, daysLeft }) => html`<li class="reminder-item" data-camera="${cam.cameraId}">
${expired
    ? html`Your consent for <a href="/cameras/${cam.cameraId}">${cam.name}</a> ("${choiceLabel(cam.consent!.purposes)}") ended on ${when(cam.consent!.expiresMs)}: nothing is uploaded from it now.`
    : html`Your consent for <a href="/cameras/${cam.cameraId}">${cam.name}</a> ("${choiceLabel(cam.consent!.purposes)}") ends in ${daysLeft} day(s), on ${when(cam.consent!.expiresMs)}.`}
${told(cam)}
<form method="post" action="/cameras/${cam.cameraId}/reconfirm" class="inline">${csrfField(csrf)}<input type="hidden" name="back" value="${back}">
<button type="submit" id="renew-${cam.cameraId}">Renew "${choiceLabel(cam.consent!.purposes)}" for a year</button></form></li>`)}</ul>
<p>Or do nothing: contributions stop at the end, and everything else keeps working.</p></section>`;
}
