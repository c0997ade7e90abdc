// Opens HTML pages in Debian's Chromium (headless, through puppeteer) and
// checks what tests/html.rs asks, from a JSON spec given as the only
// argument:
//   { "pages": [abs path, ...],        every page to open
//     "root": abs dir,                  file:// requests must stay inside it
//     "svg": [abs path, ...],           pages that must show an SVG graph
//     "search": { "page", "query", "expect" } | null,
//     "screenshots": { "dir", "pages": { "name": abs path } } }
// Each page must load with no console error, no uncaught exception and no
// request that leaves `root` (no network at all); every link to a file
// must lead to a page of the set and, with a #fragment, to an element of
// that page; axe-core must find no serious or critical violation.
// Prints one line per problem and exits 1 if there is any.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL, fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const puppeteer = require("puppeteer");
const axePath = require.resolve("axe-core/axe.min.js");
const axeSource = fs.readFileSync(axePath, "utf8");

const spec = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const problems = [];
const ids = new Map(); // page path -> Set of ids
const links = []; // [from page, absolute URL]

const browser = await puppeteer.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--allow-file-access-from-files"],
});
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1200, height: 900 });
  await page.setRequestInterception(true);
  let current = "";
  page.on("request", (req) => {
    const url = req.url();
    if (url.startsWith("file://")) {
      const p = fileURLToPath(url);
      if (!p.startsWith(spec.root)) problems.push(`${current}: reads ${p}, outside the site`);
      req.continue();
    } else if (url.startsWith("data:") || url === "about:blank") {
      req.continue();
    } else {
      problems.push(`${current}: network request to ${url}`);
      req.abort();
    }
  });
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(`${current}: console error: ${msg.text()}`);
  });
  page.on("pageerror", (err) => problems.push(`${current}: uncaught: ${err.message}`));

  for (const file of spec.pages) {
    current = path.relative(spec.root, file);
    await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
    const found = await page.evaluate(() => ({
      ids: Array.from(document.querySelectorAll("[id]"), (e) => e.id),
      hrefs: Array.from(document.querySelectorAll("a[href]"), (a) => a.href),
      svg: !!document.querySelector("figure.graph svg g"),
      title: document.title,
    }));
    const seen = new Set();
    for (const id of found.ids) {
      if (seen.has(id)) problems.push(`${current}: duplicate id ${id}`);
      seen.add(id);
    }
    ids.set(file, seen);
    for (const h of found.hrefs) links.push([current, h]);
    if (!found.title) problems.push(`${current}: no title`);
    if (spec.svg.includes(file) && !found.svg) problems.push(`${current}: no SVG graph`);
    await page.addScriptTag({ content: axeSource });
    const axe = await page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ["violations"] });
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, n: v.nodes.length,
        first: v.nodes[0] && v.nodes[0].target.join(" ") }));
    });
    for (const v of axe) {
      if (v.impact === "serious" || v.impact === "critical") {
        problems.push(`${current}: axe ${v.impact} ${v.id} (${v.help}) on ${v.n} nodes, first ${v.first}`);
      }
    }
  }

  // Every link to a file resolves to a page of the set, and its fragment
  // to an element of that page.
  for (const [from, href] of links) {
    if (!href.startsWith("file://")) continue;
    const url = new URL(href);
    const target = fileURLToPath(url.origin === "null" ? `file://${url.pathname}` : url);
    const targetIds = ids.get(target);
    if (!targetIds) {
      if (!fs.existsSync(target)) problems.push(`${from}: link to missing ${target}`);
      else problems.push(`${from}: link to ${target}, not a page of the set`);
      continue;
    }
    const frag = decodeURIComponent(url.hash.slice(1));
    if (frag && !targetIds.has(frag)) problems.push(`${from}: link to ${path.basename(target)}#${frag}, no such anchor`);
  }

  if (spec.search) {
    const s = spec.search;
    current = `search on ${path.basename(s.page)}`;
    await page.goto(pathToFileURL(s.page).href, { waitUntil: "load" });
    await page.type("#search", s.query);
    const hits = await page.$$eval("#search-results a", (as) => as.map((a) => a.href));
    const hit = hits.find((h) => h.endsWith(s.expect));
    if (!hit) {
      problems.push(`${current}: "${s.query}" does not find ${s.expect} (found ${hits.join(", ") || "nothing"})`);
    } else {
      await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click(`#search-results a[href$="${s.expect}"]`)]);
      const frag = s.expect.split("#")[1];
      const there = await page.evaluate((f) => !!document.getElementById(f), frag);
      if (!there) problems.push(`${current}: following the hit does not reach #${frag}`);
    }
  }

  if (spec.screenshots) {
    fs.mkdirSync(spec.screenshots.dir, { recursive: true });
    for (const [name, file] of Object.entries(spec.screenshots.pages)) {
      current = `screenshot ${name}`;
      await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
      await page.screenshot({ path: path.join(spec.screenshots.dir, `${name}.png`), fullPage: false });
    }
  }
} finally {
  await browser.close();
}
for (const p of problems) console.log(p);
console.log(`${spec.pages.length} pages, ${links.length} links, ${problems.length} problems`);
process.exit(problems.length ? 1 : 0);
