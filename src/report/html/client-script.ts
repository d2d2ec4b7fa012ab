/**
 * The report's only script, inlined (allowed by its sha256 in the page's CSP): filter
 * and sort the findings, expand/collapse all, open everything for printing. It reads
 * the findings index from the JSON data block and never inserts markup (no innerHTML):
 * it only moves, shows and hides elements the page already has.
 */
export const CLIENT_SCRIPT = `(function () {
  'use strict';
  var dataEl = document.getElementById('pr-data');
  var list = document.getElementById('findings-list');
  if (!dataEl || !list) return;
  var data = JSON.parse(dataEl.textContent || '{}');
  var index = data.findings || [];
  var items = Array.prototype.slice.call(list.querySelectorAll('details.finding'));
  var byI = {};
  items.forEach(function (el) { byI[el.getAttribute('data-i')] = el; });
  var $ = function (id) { return document.getElementById(id); };
  var controls = $('controls');
  if (controls) controls.hidden = false;
  var fKind = $('f-kind'), fServer = $('f-server'), fSev = $('f-sev'), fText = $('f-text'), sortBy = $('f-sort'), count = $('f-count');
  var SEV = { error: 0, warning: 1, info: 2 };
  function cmp(a, b) { return a < b ? -1 : a > b ? 1 : 0; }
  function apply() {
    var k = fKind ? fKind.value : '', s = fServer ? fServer.value : '', v = fSev ? fSev.value : '';
    var q = fText ? fText.value.trim().toLowerCase() : '';
    var order = index.slice();
    var by = sortBy ? sortBy.value : 'importance';
    order.sort(function (a, b) {
      if (by === 'time') return cmp(a.time, b.time) || cmp(a.i, b.i);
      if (by === 'severity') return cmp(SEV[a.severity], SEV[b.severity]) || cmp(a.i, b.i);
      if (by === 'kind') return cmp(a.kind, b.kind) || cmp(a.i, b.i);
      if (by === 'server') return cmp(a.server, b.server) || cmp(a.i, b.i);
      return cmp(a.i, b.i);
    });
    var shown = 0;
    order.forEach(function (f) {
      var el = byI[String(f.i)];
      if (!el) return;
      var ok = (!k || f.kind === k) && (!s || f.server === s) && (!v || f.severity === v) &&
        (!q || (el.textContent || '').toLowerCase().indexOf(q) >= 0);
      el.hidden = !ok;
      if (ok) shown++;
      list.appendChild(el);
    });
    if (count) count.textContent = shown === items.length ? items.length + ' findings' : shown + ' of ' + items.length + ' findings shown';
  }
  [fKind, fServer, fSev, sortBy].forEach(function (el) { if (el) el.addEventListener('change', apply); });
  if (fText) fText.addEventListener('input', apply);
  function setAll(open) { items.forEach(function (el) { if (!el.hidden) el.open = open; }); }
  var ex = $('expand-all'), co = $('collapse-all');
  if (ex) ex.addEventListener('click', function () { setAll(true); });
  if (co) co.addEventListener('click', function () { setAll(false); });
  var before = null;
  window.addEventListener('beforeprint', function () {
    before = items.map(function (el) { return el.open; });
    items.forEach(function (el) { el.open = true; });
  });
  window.addEventListener('afterprint', function () {
    if (before) items.forEach(function (el, i) { el.open = before[i]; });
    before = null;
  });
  function openHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id ? document.getElementById(id) : null;
    if (el && el.tagName === 'DETAILS') { el.hidden = false; el.open = true; el.scrollIntoView(); }
  }
  window.addEventListener('hashchange', openHash);
  apply();
  openHash();
})();`;
