/**
 * The curator UI's stylesheet and script, served as static files from /curate/assets/ (so the CSP
 * can forbid inline script and style). Plain browser JavaScript, no build step. The script never
 * inserts HTML: it sets textContent and attributes only.
 */
export const CSS = `
:root { color-scheme: light; --fg:#1a1a1a; --muted:#4a4a4a; --bg:#fff; --accent:#0b57d0; --bad:#a50e0e; --ok:#0d652d; --line:#c4c4c4; }
* { box-sizing: border-box; }
body { font: 16px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg); margin: 0; }
header.top { display:flex; flex-wrap:wrap; gap:.5rem 1rem; align-items:center; padding:.5rem 1rem; border-bottom:1px solid var(--line); }
main, article, p, h1, h2, li, td, th { overflow-wrap:anywhere; }
input, select, textarea { max-width:100%; }
.skip { top: 0; }
header.top nav a { margin-right: 1rem; }
main { padding: 1rem; max-width: 72rem; margin: 0 auto; }
a { color: var(--accent); }
:focus-visible { outline: 3px solid #e37400; outline-offset: 2px; }
.skip { position:absolute; left:-999px; } .skip:focus { left: 1rem; top: .5rem; background:#fff; padding:.25rem; }
.badge { display:inline-block; border:1px solid var(--muted); border-radius:.25rem; padding:0 .4rem; font-size:.85rem; margin-right:.25rem; }
.score { font-weight: 700; }
.muted { color: var(--muted); }
article.cand { border:1px solid var(--line); border-radius:.4rem; padding:.75rem 1rem; margin:.75rem 0; }
article.cand[aria-current="true"] { border-color: var(--accent); box-shadow: 0 0 0 2px var(--accent); }
article.cand h2 { font-size:1.1rem; margin:.2rem 0; }
.abstract { max-height: 9rem; overflow:auto; white-space: pre-wrap; }
.actions { display:flex; flex-wrap:wrap; gap:.5rem; align-items:center; margin-top:.5rem; }
button { font: inherit; padding:.3rem .8rem; border:1px solid var(--muted); background:#f3f3f3; border-radius:.3rem; cursor:pointer; color: var(--fg); }
button.primary { background: var(--accent); color:#fff; border-color: var(--accent); }
a.button { display:inline-block; font-weight:600; padding:.4rem 1rem; background: var(--accent); color:#fff; border-radius:.3rem; text-decoration:none; }
label { font-weight:600; }
input, select, textarea { font: inherit; padding:.2rem .3rem; border:1px solid var(--muted); border-radius:.2rem; color: var(--fg); background:#fff; }
input[aria-invalid="true"], select[aria-invalid="true"] { border:2px solid var(--bad); }
.err { color: var(--bad); font-size:.85rem; display:block; }
.status { min-height:1.5rem; font-weight:600; }
.vote { font-weight:600; color: var(--ok); min-height:1.5rem; margin:.25rem 0; }
ul.votes { margin:.25rem 0; }
[hidden] { display:none !important; }
table { border-collapse: collapse; margin:.5rem 0; }
th, td { border:1px solid var(--line); padding:.25rem .4rem; text-align:left; vertical-align: top; }
fieldset { border:1px solid var(--line); margin:.75rem 0; }
.grid { display:grid; grid-template-columns: repeat(auto-fill, minmax(9rem, 1fr)); gap:.4rem .75rem; }
.grid label { display:flex; flex-direction:column; font-weight:500; font-size:.9rem; }
.effect { font-weight:700; }
kbd { border:1px solid var(--muted); border-radius:.2rem; padding:0 .25rem; font-size:.85rem; }
`;

export const JS = `
(function () {
  'use strict';
  var live = document.getElementById('status');
  function say(msg) { if (live) live.textContent = msg; }
  function api(method, url, body) {
    return fetch(url, { method: method, credentials: 'same-origin', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (r) { return r.json().catch(function () { return {}; }).then(function (j) { return { status: r.status, json: j }; }); });
  }
  function describe(res) {
    var j = res.json || {};
    var msg = j.error || ('HTTP ' + res.status);
    if (j.fields && j.fields.length) msg += ': ' + j.fields.map(function (f) { return f.path + ' ' + f.message; }).join('; ');
    if (res.status === 409 && j.currentVersion) msg += ' (reload: current version ' + j.currentVersion + ')';
    return msg;
  }

  // The screening queue (cards, keys, batch) has its own script: routes/screening-assets.ts.

  // ------------------------------------------------------------ simple command forms (withdraw, reopen, …)
  document.querySelectorAll('form[data-command]').forEach(function (f) {
    f.addEventListener('submit', function (e) {
      e.preventDefault();
      var body = { version: Number(f.dataset.version) };
      f.querySelectorAll('[name]').forEach(function (inp) { if (inp.value !== '') body[inp.name] = inp.value; });
      say('Saving…');
      api('POST', f.dataset.command, body).then(function (res) {
        if (res.status === 200) { say('Saved: now ' + res.json.candidate.status); setTimeout(function () { location.reload(); }, 400); }
        else say('Not saved — ' + describe(res));
      });
    });
  });

  // ------------------------------------------------------------ extraction form: live validation
  var form = document.querySelector('form[data-extraction]');
  if (!form) return;
  function setPath(obj, path, value) {
    var parts = path.replace(/\\[(\\d+)\\]/g, '.$1').split('.');
    var o = obj;
    for (var i = 0; i < parts.length - 1; i++) {
      var k = parts[i], nextIsIndex = /^\\d+$/.test(parts[i + 1]);
      if (o[k] === undefined) o[k] = nextIsIndex ? [] : {};
      o = o[k];
    }
    o[parts[parts.length - 1]] = value;
  }
  function compact(v) {
    if (Array.isArray(v)) return v.filter(function (x) { return x !== undefined; }).map(compact).filter(function (x) { return !(x && typeof x === 'object' && Object.keys(x).length === 0); });
    if (v && typeof v === 'object') { var o = {}; Object.keys(v).forEach(function (k) { var c = compact(v[k]); if (c !== undefined && !(c && typeof c === 'object' && !Array.isArray(c) && Object.keys(c).length === 0)) o[k] = c; }); return o; }
    return v;
  }
  function collect() {
    var out = { arms: [], outcomes: [], moderators: {} };
    form.querySelectorAll('[data-path]').forEach(function (el) {
      var v = el.value;
      if (v === '' || v === undefined) return;
      if (el.dataset.kind === 'number') { var n = Number(v); v = v.trim() === '' ? undefined : n; if (v !== undefined && !Number.isFinite(n)) v = v; }
      if (v !== undefined) setPath(out, el.dataset.path, v);
    });
    var rowsWithData = function (arr, keys) { return (arr || []).filter(function (r) { return r && Object.keys(r).some(function (k) { return keys.indexOf(k) < 0; }); }); };
    out = compact(out);
    out.outcomes = rowsWithData(out.outcomes, ['format']);
    out.arms = out.arms || [];
    out.moderators = out.moderators || {};
    return out;
  }
  function showErrors(errors) {
    form.querySelectorAll('[aria-invalid]').forEach(function (el) { el.removeAttribute('aria-invalid'); });
    form.querySelectorAll('.err[data-for]').forEach(function (el) { el.textContent = ''; });
    var summary = document.getElementById('errors');
    var rest = [];
    errors.forEach(function (e) {
      var el = form.querySelector('[data-path="' + e.path.replace(/"/g, '') + '"]');
      var msg = form.querySelector('.err[data-for="' + e.path.replace(/"/g, '') + '"]');
      if (el) { el.setAttribute('aria-invalid', 'true'); }
      if (msg) msg.textContent = e.message; else rest.push(e.path + ': ' + e.message);
    });
    if (summary) {
      while (summary.firstChild) summary.removeChild(summary.firstChild);
      rest.forEach(function (t) { var li = document.createElement('li'); li.textContent = t; summary.appendChild(li); });
    }
  }
  function showEffects(outcomes) {
    form.querySelectorAll('[data-effect]').forEach(function (el) { el.textContent = '—'; });
    var rows = form.querySelectorAll('[data-outcome-row]');
    var k = 0;
    rows.forEach(function (row) {
      var any = Array.prototype.some.call(row.querySelectorAll('[data-path]'), function (el) { return el.value !== '' && !/\\.format$/.test(el.dataset.path); });
      if (!any) return;
      var o = outcomes[k++];
      var cell = row.querySelector('[data-effect]');
      if (!cell) return;
      if (!o) { cell.textContent = 'not computable yet'; return; }
      var e = o.effect, d = o.data;
      cell.textContent = 'g = ' + e.yi.toFixed(3) + ' [' + e.ciLower.toFixed(3) + ', ' + e.ciUpper.toFixed(3) + '], SE ' + e.se.toFixed(3) +
        (d.sd1 !== undefined ? ' · from n ' + d.n1 + '/' + d.n2 + ', mean ' + round(d.m1) + '/' + round(d.m2) + ', SD ' + round(d.sd1) + '/' + round(d.sd2) : '') +
        (d.conversions ? ' · ' + d.conversions.join('; ') : '');
    });
  }
  function round(x) { return Math.round(x * 1000) / 1000; }
  var timer;
  function preview() {
    api('POST', form.dataset.api + '/preview', { form: collect() }).then(function (res) {
      if (res.status !== 200) { say('Validation unavailable — ' + describe(res)); return; }
      var prefix = '';
      showErrors(res.json.errors.map(function (e) { return { path: prefix + e.path, message: e.message }; }));
      showEffects(res.json.outcomes);
      var v = document.getElementById('validity');
      if (v) v.textContent = res.json.valid ? 'The extraction is valid.' : res.json.errors.length + ' problem(s) to fix before accepting.';
    });
  }
  form.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(preview, 250); });
  form.addEventListener('change', function () { clearTimeout(timer); timer = setTimeout(preview, 50); });
  form.querySelectorAll('button[data-add]').forEach(function (b) {
    b.addEventListener('click', function () {
      var tpl = document.getElementById(b.dataset.add);
      var target = document.getElementById(b.dataset.target);
      var n = target.querySelectorAll('[data-row]').length;
      var node = tpl.content.cloneNode(true);
      node.querySelectorAll('[data-path],[data-for],[id],[for]').forEach(function (el) {
        ['data-path', 'data-for', 'id', 'for'].forEach(function (a) { var v = el.getAttribute(a); if (v) el.setAttribute(a, v.split('__i__').join(String(n))); });
      });
      target.appendChild(node);
      var first = target.querySelectorAll('[data-row]')[n].querySelector('input,select');
      if (first) first.focus();
    });
  });
  function send(action) {
    var body = { version: Number(form.dataset.version), form: collect() };
    say('Saving…');
    api('POST', form.dataset.api + '/' + action, body).then(function (res) {
      if (res.status === 200) {
        form.dataset.version = String(res.json.candidate.version);
        say(action === 'accept' ? 'Accepted: the analysis will be updated.' : 'Draft saved (version ' + res.json.candidate.version + ').');
        if (res.json.validation) { showErrors(res.json.validation.errors); showEffects(res.json.validation.outcomes); }
        if (action === 'accept') setTimeout(function () { location.reload(); }, 500);
      } else {
        if (res.json && res.json.fields) showErrors(res.json.fields.map(function (f) { return { path: f.path.replace(/^form\\./, ''), message: f.message }; }));
        say('Not saved — ' + describe(res));
      }
    });
  }
  form.addEventListener('submit', function (e) { e.preventDefault(); send(e.submitter && e.submitter.value === 'accept' ? 'accept' : 'draft'); });
  preview();
})();
`;
