/**
 * The live-view page's one script (served as /static/live-view.js, same origin, no inline code):
 * counts down the seconds left, says whether frames arrive, and when the live view ends stops the
 * stream and says so: when the minute is over, or earlier when the server says it no longer runs
 * (`live.json`, asked each second: the camera was removed, the session ended, another start). The
 * frames themselves are an MJPEG stream in an <img> (multipart/x-mixed-replace), which needs no
 * script at all.
 */
export const LIVE_VIEW_JS = `(function () {
  var state = document.getElementById('live-state');
  var img = document.getElementById('live-frame');
  if (!state || !img) return;
  var left = parseInt(state.getAttribute('data-seconds'), 10) || 0;
  var url = img.getAttribute('src').replace(/\\.mjpeg$/, '.json');
  var shown = function () { return img.naturalWidth > 0; };
  var end = function (why) {
    clearInterval(timer);
    if (state.getAttribute('data-ended')) return;
    left = 0;
    img.removeAttribute('src');
    img.hidden = true;
    state.setAttribute('data-ended', why);
    if (why === 'removed') { // its page and another start are gone with it
      var start = document.getElementById('live-start');
      var back = document.getElementById('live-back');
      if (start) start.hidden = true;
      if (back) { back.setAttribute('href', '/cameras'); back.textContent = 'Back to your cameras'; }
    }
    state.textContent = why === 'removed' ? 'The live view has ended: this camera is no longer on your account.'
      : why === 'stopped' ? 'The live view has ended. Start it again to see the camera.'
      : 'The live view has ended. Start it again for another minute.';
  };
  var ask = function () {
    fetch(url, { credentials: 'same-origin', cache: 'no-store' }).then(function (res) {
      if (res.status === 404) return end('removed');
      if (res.redirected || res.status === 401) return end('stopped'); // signed out: the sign-in page
      if (!res.ok) return;
      return res.json().then(function (s) { if (!s.running && left > 0) end('stopped'); });
    }).catch(function () {});
  };
  var tick = function () {
    if (left <= 0) return end('over');
    state.textContent = (shown() ? 'Live: ' : 'Waiting for the camera: ') + left + ' s left';
    state.setAttribute('data-frames', shown() ? 'yes' : 'no');
    left--;
    ask();
  };
  var timer = setInterval(tick, 1000);
  tick();
})();
`;
