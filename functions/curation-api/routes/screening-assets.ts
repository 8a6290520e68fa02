/**
 * The screening script and stylesheet (served from /curate/assets/screening.{js,css}; the CSP
 * forbids inline script and style). Plain browser JavaScript, no build step; it never inserts
 * HTML (textContent and attributes only). Feedback goes where the eyes are — the card's own
 * line — and to screen readers through the page's live region (#status).
 */
import { CLIENT_HELPERS } from '../ui-assets.js';
import { CANDIDATE_STATUSES, statusWord } from '../../../core/evidence/candidate.js';

export const SCREENING_CSS = `
mark.kw { color: inherit; padding: 0 .1em; border-radius: .15em; }
mark.kw-include { background: #d3f0dc; border-bottom: 2px solid #0d652d; }
mark.kw-exclude { background: #fde0dc; border-bottom: 2px dashed #a50e0e; }
.card-head { display:flex; gap:.5rem; align-items:flex-start; }
.card-head input[type=checkbox] { margin-top:.45rem; width:1.1rem; height:1.1rem; flex:none; }
article.cand.selected { background:#f0f5ff; }
article.cand[data-feedback="error"] .vote, .batchbar [data-batch-msg][data-feedback="error"] { color: var(--bad); }
article.cand[data-maybe="true"] { border-left: 4px solid #b06000; }
.terms { font-size:.9rem; color: var(--muted); margin:.25rem 0; }
.labels { margin:.25rem 0; min-height:0; }
.label { display:inline-block; background:#eef0f4; border:1px solid var(--line); border-radius:1rem; padding:0 .5rem; font-size:.85rem; margin-right:.25rem; }
.dups { border-left:3px solid var(--accent); padding-left:.6rem; margin:.4rem 0; }
.dups ul { margin:.2rem 0; }
.filters { display:flex; flex-wrap:wrap; gap:.4rem .6rem; align-items:center; margin:.5rem 0; }
.filters input[type=search] { min-width: 12rem; }
.filters input.year { width: 6rem; }
.pager { display:flex; gap:1rem; margin:.5rem 0; }
.batchbar { position: sticky; bottom: 0; background:#fff; border-top:2px solid var(--accent); padding:.5rem; display:flex; flex-wrap:wrap; gap:.4rem .6rem; align-items:center; z-index: 1; }
@media (max-width: 600px) { .filters input[type=search] { min-width: 0; width: 100%; } .batchbar { position: static; } }
`;

export const SCREENING_JS = `
(function () {
  var STATUS_WORDS = ${JSON.stringify(Object.fromEntries(CANDIDATE_STATUSES.map((s) => [s, statusWord(s)])))};
  function statusWord(s) { return Object.prototype.hasOwnProperty.call(STATUS_WORDS, s) ? STATUS_WORDS[s] : s; }
  'use strict';
  var queue = document.querySelector('[data-queue]');
  if (!queue) return;
  var live = document.getElementById('status');
  function say(msg) { if (live) live.textContent = msg; }
${CLIENT_HELPERS}  var items = Array.prototype.slice.call(queue.querySelectorAll('article.cand'));
  var cur = 0;
  var bar = document.querySelector('[data-batchbar]');

  function focusItem(i) {
    if (!items.length) return;
    cur = Math.max(0, Math.min(items.length - 1, i));
    items.forEach(function (el, k) { el.setAttribute('aria-current', k === cur ? 'true' : 'false'); });
    items[cur].focus();
  }
  /** Feedback at the card (where the eyes are) and in the live region (for screen readers). */
  function feedback(el, msg, kind) {
    var v = el.querySelector('[data-vote]');
    if (v) v.textContent = msg;
    el.dataset.feedback = kind || '';
    say(msg);
  }
  function labelOf(reason) {
    var sel = document.querySelector('select[data-reason]');
    if (!sel || !reason) return '';
    for (var i = 0; i < sel.options.length; i++) if (sel.options[i].value === reason) return sel.options[i].textContent.replace(/^\\d+\\.\\s*/, '');
    return reason;
  }
  function members(el) {
    if (el.dataset.members) return JSON.parse(el.dataset.members);
    return [{ studyId: el.dataset.study, version: Number(el.dataset.version), api: el.dataset.api }];
  }
  function update(el, cands) {
    var ms = members(el);
    cands.forEach(function (c) { ms.forEach(function (m) { if (m.studyId === c.studyId) m.version = c.version; }); });
    if (el.dataset.members) el.dataset.members = JSON.stringify(ms);
    el.dataset.version = String(ms[0].version);
    var st = el.querySelector('[data-cand-status]');
    if (st && cands[0]) st.textContent = statusWord(cands[0].status);
  }
  function labelsIn(el) {
    var inp = el.querySelector('[data-labels]');
    if (!inp) return [];
    return inp.value.split(',').map(function (x) { return x.trim(); }).filter(Boolean);
  }
  function showLabels(el, labels) {
    var p = el.querySelector('[data-label-list]');
    if (!p || !labels.length) return;
    var have = Array.prototype.map.call(p.querySelectorAll('.label'), function (s) { return s.textContent.toLowerCase(); });
    if (!p.firstChild) p.appendChild(document.createTextNode('Labels: '));
    labels.forEach(function (l) {
      if (have.indexOf(l.toLowerCase()) >= 0) return;
      var s = document.createElement('span'); s.className = 'label'; s.textContent = l; p.appendChild(s);
    });
  }
  function outcomeText(before, after) {
    if (after === before) return 'waiting for the second screener';
    if (after === 'conflict') return 'the screeners disagree: someone who did not vote resolves it';
    return 'now ' + statusWord(after);
  }
  function decide(el, decision, reason) {
    var body = { decision: decision };
    if (reason) body.reason = reason;
    var noteEl = el.querySelector('[data-note]');
    var note = noteEl ? noteEl.value.trim() : '';
    if (note) body.note = note;
    var labels = labelsIn(el);
    if (labels.length && decision !== undefined && el.dataset.status !== 'conflict') body.labels = labels;
    if (reason === 'other' && !note) {
      feedback(el, '"Other" needs a note: type why, then press Exclude', 'error');
      var sel0 = el.querySelector('select[data-reason]'); if (sel0) sel0.value = 'other';
      if (noteEl) noteEl.focus();
      return;
    }
    var conflict = el.dataset.status === 'conflict';
    var ms = members(el);
    var req;
    if (ms.length > 1 && !conflict) req = api('POST', queue.dataset.batch, Object.assign({ items: ms.map(function (m) { return { studyId: m.studyId, version: m.version }; }) }, body));
    else req = api('POST', el.dataset.api + '/' + (conflict ? 'resolve' : 'screen'), Object.assign({ version: Number(el.dataset.version) }, body));
    feedback(el, 'Saving…');
    var idx = items.indexOf(el);
    return req.then(function (res) {
      if (res.status !== 200) { feedback(el, 'Not saved — ' + describe(res), 'error'); return; }
      var cands = res.json.results ? res.json.results.map(function (r) { return r.candidate; }) : [res.json.candidate];
      var before = el.dataset.status;
      update(el, cands);
      var after = cands[0].status;
      var group = ms.length > 1 ? ' (all ' + ms.length + ' near-duplicate records)' : '';
      var msg;
      if (decision === 'maybe') {
        el.dataset.maybe = 'true';
        msg = 'You marked it maybe' + (note ? ' (“' + note + '”)' : '') + group + ': it stays in your to-do. ' + el.dataset.title;
      } else {
        el.dataset.maybe = '';
        var what = (decision === 'include' ? 'Included' : 'Excluded') + (reason ? ' — ' + labelOf(reason) : '') + (note ? ' (“' + note + '”)' : '');
        msg = (conflict ? 'Resolved: ' : 'Your vote: ') + what + group + ' · ' + outcomeText(before, after) + '. ' + el.dataset.title;
        el.dataset.done = 'true';
      }
      feedback(el, msg, 'ok');
      showLabels(el, labels);
      var u = el.querySelector('[data-undo]');
      if (u) u.hidden = !(after === before);
      el.dataset.status = after;
      var cb = el.querySelector('[data-select]'); if (cb && cb.checked) { cb.checked = false; updateSelection(); }
      if (idx === cur) focusItem(cur + 1);
    });
  }
  function undo(el) {
    var ms = members(el);
    feedback(el, 'Undoing…');
    var done = [];
    var chain = Promise.resolve({ status: 200 });
    ms.forEach(function (m) {
      chain = chain.then(function (prev) {
        if (prev.status !== 200) return prev;
        return api('POST', m.api + '/undo', { version: m.version }).then(function (res) { if (res.status === 200) done.push(res.json.candidate); return res; });
      });
    });
    chain.then(function (res) {
      update(el, done);
      if (res.status === 200) {
        el.dataset.done = ''; el.dataset.maybe = '';
        var u = el.querySelector('[data-undo]'); if (u) u.hidden = true;
        feedback(el, 'Decision undone: decide again. ' + el.dataset.title, 'ok');
        focusItem(items.indexOf(el));
      } else feedback(el, 'Not undone — ' + describe(res), 'error');
    });
  }
  function nextPage() {
    var a = document.querySelector('a[data-next-page]');
    if (a) { say('Opening the next page…'); location.href = a.href; }
    else say('This is the last card.');
  }

  // ---------------------------------------------------------------- selection and batch exclusion
  function selectedCards() { return items.filter(function (el) { var cb = el.querySelector('[data-select]'); return cb && cb.checked; }); }
  function updateSelection() {
    var cards = selectedCards();
    var n = cards.reduce(function (s, el) { return s + members(el).length; }, 0);
    items.forEach(function (el) { el.classList.toggle('selected', cards.indexOf(el) >= 0); });
    var c = bar && bar.querySelector('[data-selcount]');
    if (c) c.textContent = n + ' selected';
    return n;
  }
  function toggleSelect(el) {
    var cb = el.querySelector('[data-select]');
    if (!cb) return;
    cb.checked = !cb.checked;
    var n = updateSelection();
    say((cb.checked ? 'Selected' : 'Deselected') + ': ' + el.dataset.title + ' · ' + n + ' selected');
  }
  function barSay(msg, kind) {
    var m = bar && bar.querySelector('[data-batch-msg]');
    if (m) { m.textContent = msg; m.dataset.feedback = kind || ''; }
    say(msg);
  }
  function batchExclude() {
    var cards = selectedCards();
    if (!cards.length) { barSay('Select records first: x on a card', 'error'); return; }
    var sel = bar.querySelector('select[data-reason]');
    if (!sel.value) { barSay('Choose the exclusion reason for the ' + updateSelection() + ' selected record(s)', 'error'); sel.focus(); return; }
    var noteEl = bar.querySelector('[data-batch-note]');
    var note = noteEl.value.trim();
    if (sel.value === 'other' && !note) { barSay('"Other" needs a note: type why, then press Exclude selected', 'error'); noteEl.focus(); return; }
    var list = [];
    cards.forEach(function (el) { members(el).forEach(function (m) { list.push({ studyId: m.studyId, version: m.version }); }); });
    var body = { items: list, decision: 'exclude', reason: sel.value };
    if (note) body.note = note;
    barSay('Saving…');
    api('POST', queue.dataset.batch, body).then(function (res) {
      if (res.status !== 200) { barSay('Not saved — ' + describe(res), 'error'); return; }
      var cands = res.json.results.map(function (r) { return r.candidate; });
      var what = 'Excluded — ' + labelOf(sel.value) + (note ? ' (“' + note + '”)' : '');
      cards.forEach(function (el) {
        var before = el.dataset.status;
        var mine = cands.filter(function (c) { return members(el).some(function (m) { return m.studyId === c.studyId; }); });
        update(el, mine);
        var after = mine[0] ? mine[0].status : before;
        var v = el.querySelector('[data-vote]'); if (v) v.textContent = 'Your vote: ' + what + ' (batch of ' + cands.length + ') · ' + outcomeText(before, after) + '.';
        el.dataset.feedback = 'ok'; el.dataset.done = 'true'; el.dataset.status = after;
        var u = el.querySelector('[data-undo]'); if (u) u.hidden = !(after === before);
        var cb = el.querySelector('[data-select]'); if (cb) cb.checked = false;
      });
      updateSelection();
      barSay(what + ': ' + cands.length + ' record(s), one audited decision each.', 'ok');
      focusItem(cur);
    });
  }
  if (bar) {
    var bx = bar.querySelector('[data-batch-exclude]'); if (bx) bx.addEventListener('click', function (e) { e.preventDefault(); batchExclude(); });
    bar.addEventListener('submit', function (e) { e.preventDefault(); });
    var bc = bar.querySelector('[data-batch-clear]'); if (bc) bc.addEventListener('click', function () { selectedCards().forEach(function (el) { el.querySelector('[data-select]').checked = false; }); updateSelection(); barSay('Selection cleared'); });
  }

  items.forEach(function (el, k) {
    el.addEventListener('focus', function () { cur = k; items.forEach(function (x, j) { x.setAttribute('aria-current', j === k ? 'true' : 'false'); }); });
    el.querySelectorAll('[data-decide]').forEach(function (b) {
      b.addEventListener('click', function (e) {
        e.preventDefault();
        var d = b.getAttribute('data-decide');
        var sel = el.querySelector('select[data-reason]');
        if (d === 'exclude' && sel && !sel.value) { feedback(el, 'Choose an exclusion reason first', 'error'); sel.focus(); return; }
        decide(el, d, d === 'exclude' && sel ? sel.value : undefined);
      });
    });
    var ub = el.querySelector('[data-undo]');
    if (ub) ub.addEventListener('click', function (e) { e.preventDefault(); undo(el); });
    var af = el.querySelector('form[data-actions]');
    if (af) af.addEventListener('submit', function (e) { e.preventDefault(); });
    var cb = el.querySelector('[data-select]');
    if (cb) cb.addEventListener('change', updateSelection);
  });
  document.addEventListener('keydown', function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT')) return;
    var el = items[cur];
    if (e.key === 'j' || e.key === 'ArrowDown') { e.preventDefault(); if (cur >= items.length - 1) nextPage(); else focusItem(cur + 1); }
    else if (e.key === 'k' || e.key === 'ArrowUp') { e.preventDefault(); focusItem(cur - 1); }
    else if (e.key === 'b' && bar) { e.preventDefault(); var bs = bar.querySelector('select[data-reason]'); if (bs && !bs.value) { barSay('Choose the reason for the ' + updateSelection() + ' selected record(s), then press Exclude selected'); bs.focus(); } else batchExclude(); }
    else if ((e.key === 'o' || e.key === 'Enter') && el && t === el) { var a = el.querySelector('a[data-open]'); if (a) { e.preventDefault(); a.click(); } }
    else if (!el || !el.querySelector('[data-decide]')) return;
    else if (e.key === 'i') { e.preventDefault(); decide(el, 'include'); }
    else if (e.key === 'm') { if (el.querySelector('[data-decide="maybe"]')) { e.preventDefault(); decide(el, 'maybe'); } }
    else if (e.key === 'u') { var ubt = el.querySelector('[data-undo]'); if (ubt && !ubt.hidden) { e.preventDefault(); undo(el); } }
    else if (e.key === 'n') { var ne = el.querySelector('[data-note]'); if (ne) { e.preventDefault(); ne.focus(); } }
    else if (e.key === 'l') { var le = el.querySelector('[data-labels]'); if (le) { e.preventDefault(); le.focus(); } }
    else if (e.key === 'x') { if (el.querySelector('[data-select]')) { e.preventDefault(); toggleSelect(el); } }
    else if (e.key === 'e') { var s = el.querySelector('select[data-reason]'); if (s) { e.preventDefault(); s.focus(); } }
    else if (/^[1-9]$/.test(e.key)) {
      var sel = el.querySelector('select[data-reason]');
      var opt = sel && sel.options[Number(e.key)];
      if (opt) { e.preventDefault(); decide(el, 'exclude', opt.value); }
    }
  });
  if (document.querySelector('[data-queue] article.cand') && !document.querySelector('form[data-extraction]')) focusItem(0);
})();
`;
