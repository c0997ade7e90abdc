//! The site's and the reports' look (one stylesheet, with a print view)
//! and the search box's script. Both are constants of the binary: a page
//! never fetches a font, a style or a script from anywhere.

/// The stylesheet: `style.css` of the site, inlined in every report.
pub const CSS: &str = r#"
:root { --fg: #1b1f24; --muted: #4a5260; --line: #d0d7de; --bg: #ffffff; --code: #f6f8fa;
  --link: #0b5cad; --kw: #8a2be2; --str: #0a6b2d; --lit: #9a4a00; --com: #5c6670; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: var(--bg);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
main { max-width: 68rem; margin: 0 auto; padding: 1rem 1.5rem 4rem; }
a { color: var(--link); }
code, pre { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.92em; }
pre.code { background: var(--code); border: 1px solid var(--line); border-radius: 6px;
  padding: 0.75rem 1rem; line-height: 1.4; white-space: pre-wrap; overflow-wrap: anywhere; }
pre.code a { text-decoration: none; }
pre.code a:hover, pre.code a:focus { text-decoration: underline; }
.k { color: var(--kw); font-weight: 600; } .s { color: var(--str); } .l { color: var(--lit); }
.c { color: var(--com); font-style: italic; } .n { color: inherit; } a.n { color: var(--link); }
.def { font-weight: 700; background: #fff3bf; }
header.top { display: flex; gap: 1.5rem; align-items: center; flex-wrap: wrap;
  padding: 0.6rem 1.5rem; border-bottom: 1px solid var(--line); background: #f3f5f8; }
header.top .home { font-weight: 700; text-decoration: none; }
form.search { position: relative; display: flex; gap: 0.5rem; align-items: center; }
form.search input { width: 22rem; max-width: 60vw; padding: 0.3rem 0.5rem; font: inherit;
  border: 1px solid #8c959f; border-radius: 4px; }
#search-results { position: absolute; top: 2.2rem; left: 0; z-index: 10; margin: 0; padding: 0;
  list-style: none; background: #fff; border: 1px solid var(--line); min-width: 28rem; max-height: 60vh;
  overflow-y: auto; box-shadow: 0 4px 12px rgba(0,0,0,0.12); }
#search-results:empty { display: none; }
#search-results li { padding: 0.3rem 0.6rem; border-bottom: 1px solid #eef1f4; }
#search-results .hit-title { color: var(--muted); }
.card { border: 1px solid var(--line); border-left: 6px solid #5b8def; border-radius: 6px;
  padding: 0.5rem 1rem; margin: 1.5rem 0 0.5rem; break-inside: avoid; }
.card.redline { border-left-color: #c62828; }
.card h3 { margin: 0.2rem 0 0.4rem; }
.card .title, .decl .title { font-weight: 400; }
a.self { color: inherit; text-decoration: none; }
.kind { font-size: 0.75em; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted);
  border: 1px solid var(--line); border-radius: 3px; padding: 0 0.3em; font-weight: 600; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 0.1rem 1rem; margin: 0.4rem 0; }
dl.meta dt { color: var(--muted); font-weight: 600; } dl.meta dd { margin: 0; }
.source { font-style: italic; }
.sev { border-radius: 3px; padding: 0 0.4em; font-weight: 600; }
.sev-low { background: #e6f4ea; color: #14532d; } .sev-medium { background: #fff4cc; color: #5c4400; }
.sev-high { background: #ffe2cc; color: #7a2e00; } .sev-critical { background: #ffd6d6; color: #7f1010; }
ul.exc { list-style: none; padding-left: 1rem; border-left: 2px solid #e9c46a; margin: 0.3rem 0; }
ul.exc li { margin: 0.3rem 0; }
.decl { margin: 1.5rem 0 0.5rem; } .decl h3 { margin: 0 0 0.3rem; }
.path { color: var(--muted); }
figure.graph { margin: 1rem 0; border: 1px solid var(--line); border-radius: 6px; padding: 0.5rem; }
figure.graph .scroll { overflow: auto; max-height: 36rem; }
figure.graph text { font-family: system-ui, sans-serif; }
figcaption { color: var(--muted); font-size: 0.9em; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; width: 100%; }
th, td { text-align: left; border-bottom: 1px solid var(--line); padding: 0.3rem 0.5rem; vertical-align: top; }
td.num { text-align: right; } th { background: #f3f5f8; }
blockquote { border-left: 4px solid var(--line); margin: 1rem 0; padding: 0 1rem; color: #333a44; }
.note { color: var(--muted); }
.side { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
.side > div { min-width: 0; }
.label { display: inline-block; border-radius: 3px; padding: 0 0.4em; font-weight: 600; background: #e8eaf0; }
.label.stricter, .label.violation, .label.possible_violation, .label.removed { background: #ffd6d6; color: #7f1010; }
.label.looser, .label.added, .label.compliant, .label.excused { background: #e6f4ea; color: #14532d; }
.label.other, .label.changed, .label.renamed, .label.conflict { background: #fff4cc; color: #5c4400; }
ol.timeline { list-style: none; padding-left: 1rem; border-left: 3px solid #5b8def; }
ol.timeline li { margin: 0.5rem 0; }
ol.timeline time { font-weight: 600; margin-right: 0.5rem; }
mark.decisive { background: #fff3bf; padding: 0 0.2em; }
mark.deciding { background: #ffe08a; color: var(--fg); font-weight: 600; padding: 0 0.2em;
  border-bottom: 2px solid #8a6100; }
mark.decisive mark.deciding { background: #ffd24d; }
.vh { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
  clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0; }
ins { background: #d7f5dd; text-decoration: none; } del { background: #ffd6d6; }
details > summary { cursor: pointer; }
@media (max-width: 50rem) { .side { grid-template-columns: 1fr; } }
@media print {
  header.top, form.search, #search-results { display: none; }
  main { max-width: none; padding: 0; }
  body { font-size: 11pt; }
  a { color: inherit; text-decoration: none; }
  pre.code { white-space: pre-wrap; border-color: #999; }
  .card, .decl, figure.graph, tr { break-inside: avoid; }
  h1, h2, h3 { break-after: avoid; }
  figure.graph .scroll { max-height: none; overflow: visible; }
  details { display: block; } details > * { display: block; }
}
"#;

/// The search box: every word typed must occur in a norm's name, title or
/// source; the first 50 matches are listed as links.
pub const SEARCH_JS: &str = r#"
(function () {
  var input = document.getElementById("search");
  var list = document.getElementById("search-results");
  if (!input || !list || typeof NORMA_INDEX === "undefined") return;
  var prefix = document.body.getAttribute("data-root") || "";
  function show() {
    var words = input.value.toLowerCase().split(/\s+/).filter(function (w) { return w; });
    list.textContent = "";
    if (!words.length) return;
    var shown = 0;
    for (var i = 0; i < NORMA_INDEX.length && shown < 50; i++) {
      var e = NORMA_INDEX[i];
      var hay = (e.name + " " + e.title + " " + e.source).toLowerCase();
      if (!words.every(function (w) { return hay.indexOf(w) >= 0; })) continue;
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = prefix + e.href;
      a.textContent = e.name;
      li.appendChild(a);
      if (e.title) {
        var t = document.createElement("span");
        t.className = "hit-title";
        t.textContent = " " + e.title;
        li.appendChild(t);
      }
      list.appendChild(li);
      shown++;
    }
    if (!shown) {
      var none = document.createElement("li");
      none.textContent = "No norm matches.";
      list.appendChild(none);
    }
  }
  input.addEventListener("input", show);
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") { input.value = ""; show(); }
  });
})();
"#;
