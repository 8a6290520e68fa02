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
.table-wrap { max-width:100%; overflow-x:auto; }
.map-trial fieldset { min-width:0; }
.map-row { display:flex; flex-wrap:wrap; gap:.3rem .6rem; align-items:center; }
.map-row select, .map-row input { max-width:100%; min-width:0; }
.map-trial legend { overflow-wrap:anywhere; }
.map-trial h2, .map-trial p { overflow-wrap:anywhere; }
.grade-domains { display:grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 22rem), 1fr)); gap:.75rem; margin:.5rem 0 1rem; }
.grade-domain { border:1px solid var(--line); border-radius:.4rem; padding:.5rem .9rem .8rem; min-width:0; }
.grade-domain h3 { margin:.2rem 0 .4rem; font-size:1.05rem; }
.grade-facts { margin:0 0 .5rem; }
.grade-facts dt { font-weight:600; font-size:.9rem; color: var(--muted); }
.grade-facts dd { margin:0 0 .4rem; }
.grade-fields { display:flex; flex-wrap:wrap; gap:.4rem .9rem; margin-bottom:.4rem; }
.grade-fields label, .grade-form > label { display:flex; flex-direction:column; font-weight:600; font-size:.9rem; }
.grade-form textarea { width:100%; }
.grade-form button { margin-top:.4rem; }
.saved { color: var(--ok); font-weight:600; }
h1.cand-title { font-size:1.45rem; line-height:1.3; }
.full-title { margin:-.25rem 0 .75rem; }
.visually-hidden, .counts .lbl { position:absolute; width:1px; height:1px; overflow:hidden; clip:rect(0 0 0 0); clip-path: inset(50%); white-space:nowrap; }
.poll-status .mark { display:inline-block; width:1.2em; font-weight:700; }
.poll-status .mark.bad { color: var(--bad); } .poll-status .mark.ok { color: var(--ok); }
@media (max-width: 40rem) {
  table.counts, table.counts tbody, table.counts tr, table.counts th, table.counts td { display:block; }
  table.counts thead { position:absolute; width:1px; height:1px; overflow:hidden; clip:rect(0 0 0 0); clip-path: inset(50%); }
  table.counts tr { display:flex; flex-wrap:wrap; gap:.1rem 1rem; border:1px solid var(--line); border-radius:.4rem; padding:.5rem .75rem; margin:.5rem 0; }
  table.counts th[scope="row"] { flex-basis:100%; border:0; padding:0 0 .2rem; font-size:1.05rem; }
  table.counts td { border:0; padding:0; }
  table.counts td a { display:inline-block; min-height:24px; padding:.15rem 0; }
  .counts .lbl { position:static; width:auto; height:auto; overflow:visible; clip:auto; clip-path:none; color: var(--muted); }
  /* Tables of several columns become one block per row, each cell named by its column. */
  table.stack, table.stack tbody, table.stack tr, table.stack th, table.stack td { display:block; width:100%; }
  table.stack caption { display:block; text-align:left; }
  table.stack thead { position:absolute; width:1px; height:1px; overflow:hidden; clip:rect(0 0 0 0); clip-path: inset(50%); }
  table.stack tr { border:1px solid var(--line); border-radius:.4rem; padding:.4rem .7rem; margin:.5rem 0; }
  table.stack th, table.stack td { border:0; padding:.1rem 0; }
  table.stack td[data-label]::before { content: attr(data-label) ": "; font-weight:600; color: var(--muted); }
}
`;

/**
 * The JSON API helpers every curator script uses (one definition, interpolated into each script):
 * `api(method, url, body)` → {status, json} (status 0 when the server cannot be reached) and
 * `describe(res)`, a refusal in one line with the fields it names.
 */
export const CLIENT_HELPERS = `  function api(method, url, body) {
    return fetch(url, { method: method, credentials: 'same-origin', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (r) { return r.json().catch(function () { return {}; }).then(function (j) { return { status: r.status, json: j }; }); },
            function () { return { status: 0, json: { error: 'no connection to the server' } }; });
  }
  function describe(res) {
    var j = res.json || {};
    var msg = j.error || ('HTTP ' + res.status);
    if (j.fields && j.fields.length) msg += ': ' + j.fields.map(function (f) { return f.path + ' ' + f.message; }).join('; ');
    if (res.status === 409 && j.currentVersion) msg += ' (reload: current version ' + j.currentVersion + ')';
    return msg;
  }
`;

export const JS = `
(function () {
  'use strict';
  var live = document.getElementById('status');
  function say(msg) { if (live) live.textContent = msg; }
${CLIENT_HELPERS}
  // The screening queue (cards, keys, batch) has its own script: routes/screening-assets.ts.

  // ------------------------------------------------------------ simple command forms (withdraw, reopen, …)
  document.querySelectorAll('form[data-command]').forEach(function (f) {
    f.addEventListener('submit', function (e) {
      e.preventDefault();
      var body = { version: Number(f.dataset.version) };
      f.querySelectorAll('[name]').forEach(function (inp) { if (inp.value !== '' && inp.type !== 'hidden') body[inp.name] = inp.value; });
      say('Saving…');
      api('POST', f.dataset.command, body).then(function (res) {
        if (res.status === 200) { say('Saved: now ' + res.json.candidate.status); setTimeout(function () { location.reload(); }, 400); }
        else say('Not saved — ' + describe(res));
      });
    });
  });

})();
`;
