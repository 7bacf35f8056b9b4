/**
 * The live-view page's one script (served as /static/live-view.js, same origin, no inline code):
 * counts down the seconds left, says whether frames arrive, and when the minute is over stops the
 * stream and says how to start again. The frames themselves are an MJPEG stream in an <img>
 * (multipart/x-mixed-replace), which needs no script at all.
 */
export const LIVE_VIEW_JS = `(function () {
  var state = document.getElementById('live-state');
  var img = document.getElementById('live-frame');
  if (!state || !img) return;
  var left = parseInt(state.getAttribute('data-seconds'), 10) || 0;
  var shown = function () { return img.naturalWidth > 0; };
  var tick = function () {
    if (left <= 0) {
      clearInterval(timer);
      img.removeAttribute('src');
      img.hidden = true;
      state.textContent = 'The live view has ended. Start it again for another minute.';
      return;
    }
    state.textContent = (shown() ? 'Live: ' : 'Waiting for the camera: ') + left + ' s left';
    state.setAttribute('data-frames', shown() ? 'yes' : 'no');
    left--;
  };
  var timer = setInterval(tick, 1000);
  tick();
})();
`;
