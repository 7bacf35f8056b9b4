/**
 * The annotation page's script, served as /static/annotate.js (same origin; the CSP allows only
 * 'self' scripts, no inline code or handlers). Boxes live in image pixels; the page shows them
 * scaled. Mouse: drag to draw, click a box to select it. Keys: 1-8 label, Tab next, arrows move,
 * Shift+arrows resize, Delete removes, Enter saves, N answers "no objects". The form posts the boxes as JSON.
 */
export const ANNOTATE_JS = `(function () {
  'use strict';
  var stage = document.getElementById('stage');
  if (!stage) return;
  var img = document.getElementById('view');
  var list = document.getElementById('box-list');
  var field = document.getElementById('boxes-field');
  var form = document.getElementById('answer');
  var W = +stage.dataset.width, H = +stage.dataset.height;
  var labels = JSON.parse(stage.dataset.labels);
  var boxes = JSON.parse(stage.dataset.boxes).map(function (b) { return { label: b.label, x: b.x, y: b.y, w: b.w, h: b.h, proposed: !!b.proposed }; });
  var sel = boxes.length ? 0 : -1;
  var drag = null;
  function scale() { return img.clientWidth / W || 1; }
  function clamp(b) {
    b.w = Math.max(2, Math.min(b.w, W)); b.h = Math.max(2, Math.min(b.h, H));
    b.x = Math.max(0, Math.min(b.x, W - b.w)); b.y = Math.max(0, Math.min(b.y, H - b.h));
  }
  function render() {
    var s = scale();
    Array.prototype.slice.call(stage.querySelectorAll('.box')).forEach(function (e) { e.remove(); });
    list.textContent = '';
    boxes.forEach(function (b, i) {
      var d = document.createElement('div');
      d.className = 'box' + (b.proposed ? ' proposed' : '') + (i === sel ? ' sel' : '');
      d.style.left = b.x * s + 'px'; d.style.top = b.y * s + 'px'; d.style.width = b.w * s + 'px'; d.style.height = b.h * s + 'px';
      d.dataset.index = String(i);
      var t = document.createElement('span'); t.textContent = b.label; d.appendChild(t);
      stage.appendChild(d);
      var li = document.createElement('li');
      li.textContent = (i + 1) + ': ' + b.label + ' ' + b.x + ',' + b.y + ' ' + b.w + 'x' + b.h + (b.proposed ? ' (proposed)' : '');
      if (i === sel) li.className = 'sel';
      list.appendChild(li);
    });
    field.value = JSON.stringify(boxes.map(function (b) { return { label: b.label, x: b.x, y: b.y, w: b.w, h: b.h }; }));
  }
  function point(ev) {
    var r = img.getBoundingClientRect(), s = scale();
    return { x: Math.round((ev.clientX - r.left) / s), y: Math.round((ev.clientY - r.top) / s) };
  }
  stage.addEventListener('mousedown', function (ev) {
    ev.preventDefault();
    var hit = ev.target.closest && ev.target.closest('.box');
    if (hit) { sel = +hit.dataset.index; boxes[sel].proposed = false; render(); return; }
    drag = point(ev);
  });
  window.addEventListener('mouseup', function (ev) {
    if (!drag) return;
    var p = point(ev), x = Math.max(0, Math.min(drag.x, p.x)), y = Math.max(0, Math.min(drag.y, p.y));
    var b = { label: labels[0], x: x, y: y, w: Math.min(W, Math.max(drag.x, p.x)) - x, h: Math.min(H, Math.max(drag.y, p.y)) - y, proposed: false };
    drag = null;
    if (b.w < 3 || b.h < 3) return;
    clamp(b); boxes.push(b); sel = boxes.length - 1; render();
  });
  document.addEventListener('keydown', function (ev) {
    if (ev.target && /^(INPUT|SELECT|TEXTAREA)$/.test(ev.target.tagName)) return;
    var b = boxes[sel], step = ev.altKey ? 1 : 5;
    if (ev.key >= '1' && ev.key <= String(labels.length) && b) { b.label = labels[+ev.key - 1]; b.proposed = false; }
    else if (ev.key === 'Tab' && boxes.length) { sel = (sel + (ev.shiftKey ? boxes.length - 1 : 1)) % boxes.length; }
    else if ((ev.key === 'Delete' || ev.key === 'Backspace') && b) { boxes.splice(sel, 1); sel = Math.min(sel, boxes.length - 1); }
    else if (ev.key === 'Enter') { render(); form.requestSubmit(document.getElementById('save')); return; }
    else if (ev.key === 'n' || ev.key === 'N') { form.requestSubmit(document.getElementById('no-objects')); return; }
    else if (ev.key.indexOf('Arrow') === 0 && b) {
      var dx = ev.key === 'ArrowLeft' ? -step : ev.key === 'ArrowRight' ? step : 0;
      var dy = ev.key === 'ArrowUp' ? -step : ev.key === 'ArrowDown' ? step : 0;
      if (ev.shiftKey) { b.w += dx; b.h += dy; } else { b.x += dx; b.y += dy; }
      b.proposed = false; clamp(b);
    } else return;
    ev.preventDefault(); render();
  });
  form.addEventListener('submit', function (ev) {
    if (ev.submitter && ev.submitter.id === 'no-objects') field.value = '[]';
  });
  if (img.complete) render(); else img.addEventListener('load', render);
  window.addEventListener('resize', render);
})();
`;
