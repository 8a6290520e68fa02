/**
 * The extraction form's and the adjudication page's stylesheet and script (/curate/assets/
 * extraction.css, extraction.js). Plain browser JavaScript, no build step, no HTML inserted (text
 * and attributes only). The reporting formats come from core/curation/field-labels.ts (one definition).
 */
import { FORMATS } from '../../../core/curation/field-labels.js';
import { CLIENT_HELPERS } from '../ui-assets.js';

export const EXTRACTION_CSS = `
form[data-extraction-form] fieldset, fieldset.adjudicate { min-width: 0; }
form[data-extraction-form] .grid { grid-template-columns: repeat(auto-fill, minmax(min(10rem, 100%), 1fr)); }
form[data-extraction-form] input, form[data-extraction-form] select, form[data-extraction-form] textarea { width: 100%; }
form[data-extraction-form] .arm-name { font-weight: 600; grid-column: 1 / -1; }
.registry { border-left: 4px solid var(--accent); padding: .25rem .6rem; background: #eef3fd; }
.err:empty { display: none; }
fieldset.adjudicate .sides { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(13rem, 100%), 1fr)); gap: .5rem 1rem; }
fieldset.adjudicate .side { display: flex; gap: .4rem; align-items: flex-start; font-weight: 400; }
fieldset.adjudicate input[type="text"] { width: 100%; }
[data-analyses] .yes { color: var(--ok); font-weight: 600; }
/* On a phone a choice list takes the whole row, so its choice reads in full ("Depressive symptoms", not "Depressive sympt"). */
@media (max-width: 40rem) { form[data-extraction-form] .grid > label:has(> select), form[data-extraction-form] .grid > .other-wrap { grid-column: 1 / -1; } }
form[data-extraction-form] .hint { display:block; font-size:.85rem; }
`;

export const EXTRACTION_JS = `
(function () {
  'use strict';
  var FORMATS = ${JSON.stringify(Object.fromEntries(Object.entries(FORMATS).map(([k, v]) => [k, v.stats])))};
  var OTHER = '__other__';
${CLIENT_HELPERS}  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); }
  function li(list, text, cls) { var x = document.createElement('li'); x.textContent = text; if (cls) x.className = cls; list.appendChild(x); return x; }
  function segments(path) {
    var out = [], re = /([A-Za-z_$][\\w$]*)|\\[(\\d+)\\]|\\["((?:[^"\\\\]|\\\\.)*)"\\]/g, m;
    while ((m = re.exec(path))) out.push(m[1] !== undefined ? m[1] : m[2] !== undefined ? Number(m[2]) : JSON.parse('"' + m[3] + '"'));
    return out;
  }
  function setPath(obj, path, value) {
    var s = segments(path), o = obj;
    for (var i = 0; i < s.length - 1; i++) {
      if (o[s[i]] === undefined) o[s[i]] = typeof s[i + 1] === 'number' ? [] : {};
      o = o[s[i]];
    }
    o[s[s.length - 1]] = value;
  }

  // ------------------------------------------------------------ the extraction form
  var form = document.querySelector('form[data-extraction-form]');
  if (form) (function () {
    var status = form.querySelector('[data-xf-status]');
    function say(msg) { if (status) status.textContent = msg; }
    var touched = {}, all = false, last = { errors: [] }, proposal = null;
    function visible(el) { return !el.closest('[hidden]'); }
    function valueOf(el) {
      var v = el.value;
      if (el.hasAttribute('data-has-other') && v === OTHER) { var o = form.querySelector('[data-other-for="' + el.dataset.path + '"]'); v = o ? o.value.trim() : ''; }
      if (v === '' || v === undefined) return undefined;
      if (el.dataset.kind === 'number') { var n = Number(String(v).trim()); return String(v).trim() !== '' && Number.isFinite(n) ? n : v; }
      return v;
    }
    /** The form as JSON, plus which DOM row each sent row is (rows left empty are not sent). */
    function collect() {
      var out = { arms: [], outcomes: [], moderators: {} }, keep = { arms: [], outcomes: [] };
      ['arms', 'outcomes'].forEach(function (kind) {
        var rows = form.querySelectorAll(kind === 'arms' ? '[data-arm-row]' : '[data-outcome-row]');
        rows.forEach(function (row, i) {
          var o = {}, any = false;
          row.querySelectorAll('[data-path]').forEach(function (el) {
            if (!visible(el)) return;
            var v = valueOf(el);
            if (v === undefined) return;
            var rel = el.dataset.path.replace(/^\\w+\\[\\d+\\]\\.?/, '');
            setPath(o, rel, v);
            if (rel === 'instrument' && el.value === OTHER) o.instrumentOther = true;
            if (!/^(id|role|format)$/.test(rel)) any = true;
          });
          if (any) { keep[kind].push(i); out[kind].push(o); }
        });
      });
      form.querySelectorAll('[data-path]').forEach(function (el) {
        if (el.closest('[data-arm-row],[data-outcome-row]') || !visible(el)) return;
        var v = valueOf(el);
        if (v !== undefined) setPath(out, el.dataset.path, v);
      });
      if (out.rob && out.rob.domains === undefined) out.rob.domains = {};
      return { form: out, keep: keep };
    }
    var keepNow = { arms: [], outcomes: [] };
    /** A path of the sent form → the path of its field on the page. */
    function toPage(path) {
      return path.replace(/^form\\./, '').replace(/^(arms|outcomes)\\[(\\d+)\\]/, function (_, k, i) { var d = keepNow[k][Number(i)]; return k + '[' + (d === undefined ? i : d) + ']'; });
    }
    function shows(path) {
      if (all) return true;
      if (touched[path]) return true;
      return Object.keys(touched).some(function (t) { return t.indexOf(path + '.') === 0; });
    }
    function showErrors(errors) {
      form.querySelectorAll('[aria-invalid]').forEach(function (el) { el.removeAttribute('aria-invalid'); });
      form.querySelectorAll('.err[data-for]').forEach(function (el) { el.textContent = ''; });
      var summary = document.getElementById('errors');
      if (summary) clear(summary);
      var n = 0;
      errors.forEach(function (e) {
        var path = toPage(e.path);
        if (!shows(path)) return;
        n++;
        var el = form.querySelector('[data-path="' + path.replace(/"/g, '\\\\"') + '"]');
        var msg = form.querySelector('.err[data-for="' + path.replace(/"/g, '\\\\"') + '"]');
        if (el) el.setAttribute('aria-invalid', 'true');
        if (msg) msg.textContent = e.message;
        if (summary && all) {
          var item = li(summary, '');
          var a = document.createElement(el && el.id ? 'a' : 'span');
          if (el && el.id) a.href = '#' + el.id;
          // A refusal from the server may name a field without its label: the live preview's has it.
          var known = e.label ? null : (last.errors || []).filter(function (x) { return x.label && toPage(x.path) === path; })[0];
          a.textContent = (e.label || (known && known.label) || path) + ': ' + e.message;
          item.appendChild(a);
        }
      });
      var v = document.getElementById('validity');
      if (v) v.textContent = errors.length === 0 ? 'The extraction is complete.' : all ? errors.length + ' thing(s) to fix before accepting:' : '';
      return n;
    }
    function round(x) { return Math.round(x * 1000) / 1000; }
    function showEffects(outcomes) {
      var rows = form.querySelectorAll('[data-outcome-row]');
      rows.forEach(function (row) { var c = row.querySelector('[data-effect]'); if (c) c.textContent = '—'; });
      keepNow.outcomes.forEach(function (domIndex, k) {
        var cell = rows[domIndex] && rows[domIndex].querySelector('[data-effect]');
        if (!cell) return;
        var o = outcomes[k];
        if (!o) { cell.textContent = 'not computable yet: fill in the statistics the format asks for'; return; }
        var e = o.effect, d = o.data;
        cell.textContent = 'g = ' + e.yi.toFixed(3) + ' [' + e.ciLower.toFixed(3) + ', ' + e.ciUpper.toFixed(3) + '], SE ' + e.se.toFixed(3) +
          (d.sd1 !== undefined ? ' · from n ' + d.n1 + '/' + d.n2 + ', mean ' + round(d.m1) + '/' + round(d.m2) + ', SD ' + round(d.sd1) + '/' + round(d.sd2) : '') +
          (d.conversions ? ' · ' + d.conversions.join('; ') : '');
      });
    }
    function showAnalyses(entries) {
      var list = form.querySelector('[data-analyses]');
      if (!list || !entries) return;
      clear(list);
      entries.forEach(function (e) { li(list, e.enters ? e.label + ', ' + e.timepoint + ': yes' : e.label + ': ' + e.reason, e.enters ? 'yes' : ''); });
    }
    function showRob(p) {
      if (p !== undefined) proposal = p;
      var out = form.querySelector('[data-rob-proposal]');
      var names = { low: 'Low risk', some: 'Some concerns', high: 'High risk' };
      if (out) out.textContent = proposal ? names[proposal] : 'judge all five domains';
      var sel = form.querySelector('[data-rob-overall]'), wrap = form.querySelector('[data-override-wrap]');
      if (sel && wrap) wrap.hidden = !(sel.value && sel.value !== proposal);
    }
    var timer, seq = 0;
    function preview() {
      var c = collect(), mine = ++seq;
      api('POST', form.dataset.api + '/preview', { form: c.form }).then(function (res) {
        if (mine !== seq) return;
        if (res.status !== 200) { say('Checking is unavailable: ' + ((res.json && res.json.error) || 'HTTP ' + res.status)); return; }
        keepNow = c.keep;
        last = res.json;
        showRob(res.json.robProposal);
        showErrors(res.json.errors);
        showEffects(res.json.outcomes);
        showAnalyses(res.json.analyses);
      });
    }
    function schedule(ms) { clearTimeout(timer); timer = setTimeout(preview, ms); }
    function syncFormat(row) {
      var sel = row.querySelector('[data-format]');
      var f = sel ? sel.value : 'mean-sd', stats = FORMATS[f] || [];
      row.querySelectorAll('[data-stats]').forEach(function (g) { g.hidden = f === 'effect'; });
      row.querySelectorAll('[data-stat]').forEach(function (el) { el.hidden = stats.indexOf(el.dataset.stat) < 0; });
      var eff = row.querySelector('[data-effect-fields]');
      if (eff) eff.hidden = f !== 'effect';
    }
    function syncInstruments(row) {
      var o = row.querySelector('[data-outcome-select]'), ins = row.querySelector('[data-instrument-select]');
      if (!o || !ins) return;
      Array.prototype.forEach.call(ins.options, function (opt) { var g = opt.getAttribute('data-group'); opt.hidden = !!(g && o.value && g !== o.value); });
    }
    function armsList() {
      return Array.prototype.map.call(form.querySelectorAll('[data-arm-row]'), function (row) {
        var id = row.querySelector('[data-arm-id]'), label = row.querySelector('[data-path$=".label"]'), role = row.querySelector('[data-arm-role]');
        return { id: id ? id.value : '', label: label ? label.value.trim() : '', role: role ? role.value : '' };
      });
    }
    function syncArmSelects() {
      var arms = armsList();
      form.querySelectorAll('select[data-arm-select]').forEach(function (sel) {
        var want = sel.getAttribute('data-arm-select'), cur = sel.value;
        while (sel.options.length > 1) sel.remove(1);
        arms.forEach(function (a, i) {
          if ((a.role && a.role !== want) || !a.id) return;
          var opt = document.createElement('option');
          opt.value = a.id; opt.textContent = (a.label || ('Arm ' + (i + 1))) + (a.role ? '' : ' (role not chosen yet)');
          sel.appendChild(opt);
        });
        sel.value = cur;
        if (sel.value !== cur) sel.value = '';
        // One arm of this role (and none awaiting a role): chosen for the curator.
        var fit = arms.filter(function (a) { return a.id && a.role === want; });
        if (!sel.value && sel.options.length === 2 && fit.length === 1) sel.value = fit[0].id;
      });
    }
    function syncOther(sel) {
      var wrap = sel.closest('.other-wrap');
      var w = wrap && wrap.querySelector('[data-other-wrap]');
      if (w) w.hidden = sel.value !== OTHER;
    }
    function syncRow(row) {
      syncFormat(row); syncInstruments(row);
      row.querySelectorAll('[data-has-other]').forEach(syncOther);
      row.querySelectorAll('[data-nojs-note]').forEach(function (el) { el.hidden = true; });
    }
    // Without JavaScript every field shows (the page posts them as a plain form); with it, only those that apply.
    form.querySelectorAll('[data-outcome-row]').forEach(syncRow);
    var prop0 = form.querySelector('[data-rob-proposal]');
    showRob(prop0 && prop0.getAttribute('data-proposal') ? prop0.getAttribute('data-proposal') : null);
    syncArmSelects();
    form.addEventListener('focusout', function (e) { var p = e.target && e.target.dataset && (e.target.dataset.path || e.target.dataset.otherFor); if (p) { touched[p] = true; showErrors(last.errors || []); } });
    form.addEventListener('input', function () { schedule(300); });
    form.addEventListener('change', function (e) {
      var t = e.target, row = t.closest('[data-outcome-row]');
      if (t.dataset.path) touched[t.dataset.path] = true;
      if (t.dataset.otherFor) touched[t.dataset.otherFor] = true;
      if (t.hasAttribute('data-has-other')) syncOther(t);
      if (row) syncRow(row);
      if (t.closest('[data-arm-row]')) syncArmSelects();
      if (t.hasAttribute('data-rob-overall')) showRob();
      schedule(50);
    });
    form.querySelectorAll('button[data-add]').forEach(function (b) {
      b.hidden = false;
      b.addEventListener('click', function () {
        var tpl = document.getElementById(b.dataset.add), target = document.getElementById(b.dataset.target);
        var n = target.querySelectorAll('[data-row]').length;
        var node = tpl.content.cloneNode(true);
        node.querySelectorAll('[data-path],[data-for],[data-other-for],[id],[for],[aria-describedby],[name]').forEach(function (el) {
          ['data-path', 'data-for', 'data-other-for', 'id', 'for', 'aria-describedby', 'name'].forEach(function (a) { var v = el.getAttribute(a); if (v) el.setAttribute(a, v.split('__i__').join(String(n))); });
        });
        var legend = node.querySelector('legend');
        if (legend) legend.textContent = legend.textContent.trim() + ' ' + (n + 1);
        var id = node.querySelector('[data-arm-id]');
        if (id) { var k = n + 1, ids = armsList().map(function (a) { return a.id; }); while (ids.indexOf('arm' + k) >= 0) k++; id.value = 'arm' + k; }
        target.appendChild(node);
        var row = target.querySelectorAll('[data-row]')[n];
        if (row.hasAttribute('data-outcome-row')) syncRow(row);
        syncArmSelects();
        var first = row.querySelector('input:not([type=hidden]),select');
        if (first) first.focus();
      });
    });
    function send(action) {
      var c = collect();
      keepNow = c.keep;
      say('Saving…');
      api('POST', form.dataset.api + '/' + action, { version: Number(form.dataset.version), form: c.form }).then(function (res) {
        if (res.status === 200) {
          var v = String(res.json.candidate.version);
          form.dataset.version = v;
          document.querySelectorAll('[data-cand-version]').forEach(function (el) { el.textContent = v; });
          say(action === 'accept' ? 'Accepted: the analysis will be updated.' : 'Draft saved (version ' + v + ').');
          if (res.json.validation) { last = res.json.validation; showErrors(last.errors); showEffects(last.outcomes); }
          if (action === 'accept') setTimeout(function () { location.reload(); }, 600);
        } else {
          all = true;
          var fields = (res.json && res.json.fields) || [];
          if (fields.length) showErrors(fields);
          var j = res.json || {};
          say('Not saved: ' + (j.error || 'HTTP ' + res.status) + (res.status === 409 && j.currentVersion ? ' (reload: someone saved version ' + j.currentVersion + ')' : '') + (fields.length ? ' (see the list above the form)' : ''));
        }
      });
    }
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var action = e.submitter && e.submitter.value === 'accept' ? 'accept' : 'draft';
      if (action === 'accept') { all = true; showErrors(last.errors || []); }
      send(action);
    });
    preview();
  })();

  // ------------------------------------------------------------ adjudication of two drafts
  var adj = document.querySelector('form[data-adjudicate]');
  if (adj) adj.addEventListener('submit', function (e) {
    e.preventDefault();
    var status = document.getElementById('status');
    function say(m) { if (status) status.textContent = m; }
    var choices = [], missing = [];
    adj.querySelectorAll('fieldset[data-choice]').forEach(function (fs) {
      var r = fs.querySelector('input[type=radio]:checked');
      var label = fs.querySelector('legend').textContent;
      if (!r) { missing.push(label); return; }
      var c = { path: fs.dataset.choice, from: r.value };
      if (r.value === 'typed') {
        var t = fs.querySelector('[data-typed]').value.trim();
        var n = Number(t);
        c.value = fs.dataset.numeric === 'true' && t !== '' && Number.isFinite(n) ? n : t;
      }
      choices.push(c);
    });
    if (missing.length) { say('Choose a value for: ' + missing.join('; ')); return; }
    say('Accepting…');
    api('POST', adj.dataset.adjudicate, { version: Number(adj.dataset.version), base: adj.dataset.base, choices: choices }).then(function (res) {
      if (res.status === 200) { say('Accepted with your choices: the analysis will be updated.'); setTimeout(function () { location.href = adj.dataset.page; }, 600); }
      else {
        var j = res.json || {};
        say('Not accepted: ' + (j.error || 'HTTP ' + res.status) + ((j.fields || []).length ? ' — ' + j.fields.map(function (f) { return (f.label || f.path) + ': ' + f.message; }).join('; ') : ''));
      }
    });
  });
})();
`;
