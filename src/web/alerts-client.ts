/**
 * The only scripts of the owner pages (served as files from this origin; the alert pages' CSP
 * allows `script-src 'self'` and nothing inline): the Web Push button, the live alert feed, and
 * the service worker that shows a push as a notification. Plain ES2017, no build step.
 */

/** /static/alerts.js */
export const ALERTS_JS = `'use strict';
(function () {
  function b64url(s) {
    var p = s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4);
    return Uint8Array.from(atob(p), function (c) { return c.charCodeAt(0); });
  }
  var btn = document.getElementById('push-subscribe');
  var state = document.getElementById('push-state');
  if (btn) btn.addEventListener('click', async function () {
    try {
      if (!('serviceWorker' in navigator) || !('PushManager' in window)) throw new Error('this browser has no Web Push');
      if ((await Notification.requestPermission()) !== 'granted') throw new Error('notifications are not allowed');
      var reg = await navigator.serviceWorker.register('/alerts-sw.js');
      await navigator.serviceWorker.ready;
      var sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: b64url(btn.dataset.key) });
      var res = await fetch('/alerts/push', { method: 'POST', credentials: 'same-origin',
        headers: { 'content-type': 'application/json', 'x-csrf-token': btn.dataset.csrf }, body: JSON.stringify(sub) });
      if (!res.ok) throw new Error('the server said ' + res.status);
      state.textContent = 'This browser gets alerts.';
    } catch (e) {
      state.textContent = 'Not subscribed: ' + e.message;
    }
  });
  var list = document.getElementById('alert-list');
  if (list && window.EventSource) {
    var es = new EventSource('/alerts/feed?after=' + encodeURIComponent(list.dataset.after || '0'));
    es.onmessage = function (ev) {
      var a = JSON.parse(ev.data);
      var li = document.createElement('li');
      li.className = 'alert-item';
      li.dataset.seq = String(a.seq);
      var img = document.createElement('img');
      img.src = '/alerts/' + a.seq + '/image';
      img.alt = 'person at ' + a.cameraName;
      var t = document.createElement('span');
      // a.at: formatted by the server in the owner's zone, as the page's own rows (routes/alert-feed.ts)
      t.textContent = ' ' + (a.at || new Date(a.atMs).toISOString()) + ', ' + a.cameraName + ', score ' + a.score.toFixed(2);
      li.appendChild(img);
      li.appendChild(t);
      list.insertBefore(li, list.firstChild);
      var none = document.getElementById('no-alerts');
      if (none) none.remove();
    };
  }
})();
`;

/** /alerts-sw.js (scope '/'): a push becomes a notification; a click opens the page it names (this site only), else the alerts page. */
export const ALERTS_SW_JS = `'use strict';
self.addEventListener('push', function (e) {
  var m = {};
  try { m = e.data ? e.data.json() : {}; } catch (err) { m = {}; }
  // a notice (src/alerts/notice.ts: a consent reminder) brings its own sentence, its time already in
  // the owner's zone; a person alert brings its time (shown in this device's zone) and score
  var body = typeof m.text === 'string' ? m.text : (m.at ? new Date(m.at).toLocaleString() : '') + (m.score ? ', score ' + m.score : '');
  // one notification per camera and kind: a reminder does not replace a person alert
  var tag = 'quietcam-' + (m.kind || 'person') + '-' + (m.camera || '');
  e.waitUntil(self.registration.showNotification(m.title || 'quietcam: a person', { body: body, tag: tag, data: { page: m.page } }));
});
self.addEventListener('notificationclick', function (e) {
  e.notification.close();
  var url = '/alerts';
  try { var u = new URL(e.notification.data.page, self.location.origin); if (u.origin === self.location.origin) url = u.href; } catch (err) {}
  e.waitUntil(self.clients.openWindow(url));
});
`;
