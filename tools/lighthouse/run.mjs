// Audits pages with Lighthouse in one headless Chromium (the system's, named by CHROME_PATH:
// Lighthouse downloads no browser of its own) and writes, per page, the score of each
// category and the audits that lost points. `cargo xtask lighthouse` runs it and judges.
//
//   node run.mjs pages.json out.json
//
// pages.json: [{"name": "article (fa)", "url": "http://127.0.0.1:1234/help/fa/..."}, ...]
// out.json:   [{"name", "url", "scores": {"accessibility": 100, ...},
//               "failing": {"seo": [{"id", "title", "score"}], ...}}, ...]
// Lighthouse's defaults otherwise: a mobile phone, simulated slow 4G.

import { readFileSync, writeFileSync } from "node:fs";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";

const CATEGORIES = ["performance", "accessibility", "best-practices", "seo"];

/** The score from which Lighthouse's report lists an audit as passed. */
function passed(audit) {
  switch (audit.scoreDisplayMode) {
    case "binary":
      return 1;
    case "numeric":
    case "metricSavings":
      return 0.9;
    default:
      // informative, manual, notApplicable, error: not scored
      return -Infinity;
  }
}

const [pagesFile, outFile] = process.argv.slice(2);
if (!pagesFile || !outFile) {
  console.error("usage: node run.mjs pages.json out.json");
  process.exit(2);
}
const pages = JSON.parse(readFileSync(pagesFile, "utf8"));
if (!process.env.CHROME_PATH) {
  console.error("CHROME_PATH must name the Chromium to use");
  process.exit(2);
}

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH,
  // Root in CI: no sandbox. A container's small /dev/shm: use /tmp.
  chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  logLevel: "error",
});

const results = [];
try {
  for (const page of pages) {
    const started = Date.now();
    const run = await lighthouse(page.url, {
      port: chrome.port,
      output: "json",
      logLevel: "error",
      onlyCategories: CATEGORIES,
    });
    const lhr = run.lhr;
    if (lhr.runtimeError) {
      throw new Error(`${page.name}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
    }
    const scores = {};
    const failing = {};
    for (const id of CATEGORIES) {
      const category = lhr.categories[id];
      scores[id] = category.score === null ? null : Math.round(category.score * 100);
      failing[id] = category.auditRefs
        .map((ref) => lhr.audits[ref.id])
        .filter((a) => a && a.score !== null && a.score < passed(a))
        .map((a) => ({ id: a.id, title: a.title, score: a.score }));
    }
    results.push({
      name: page.name,
      url: page.url,
      final_url: lhr.finalDisplayedUrl,
      seconds: Math.round((Date.now() - started) / 100) / 10,
      scores,
      failing,
    });
    console.error(`lighthouse: ${page.name} done in ${results.at(-1).seconds} s`);
  }
} finally {
  await chrome.kill();
}
writeFileSync(outFile, JSON.stringify(results, null, 2));
