// axe-core (WCAG 2.1 A and AA) over local HTML pages in headless Chromium, at each width.
//
// Why a real browser: contrast, reflow and focus depend on layout, which only a browser
// computes. The network stays closed: every request that is not file: or data: is aborted
// before Chromium sends it, and recorded, so a test can assert a page fetches nothing.
//
// Job (JSON, as the first argument or on stdin):
//   {"pages": ["/abs/page.html" | "file:///abs/page.html", ...],
//    "widths": [1280, 390],                      // window widths, CSS px at 100% zoom
//    "zooms": [{"width": 640, "percent": 200}],  // optional: window width at a zoom level
//    "height": 800,                              // optional viewport height
//    "screenshots": "/abs/dir",                  // optional: full-page PNGs go here
//    "chromium": "/usr/bin/chromium"}            // optional; else `chromium` on PATH
// A zoom case lays the page out at width * 100 / percent CSS px (640 px at 200% is 320 CSS
// px), as the browser's zoom does: WCAG 1.4.10 reflow and 1.4.4 resize text.
//
// Prints {"chromium", "axe", "results": [{page, width, zoom, css_width, violations,
// blocked, overflow, scroll_width, inner_width, screenshot}]} and exits 0, violations or
// not. Exits 2 on a malformed job, 1 when the browser or a page could not be run.
// Modules come from the first NODE_PATH entry, else <repo>/.ci/node/node_modules.

import { mkdtempSync, readFileSync, rmSync, mkdirSync, accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const PAGE_TIMEOUT_MS = 60_000;
const LAUNCH_TIMEOUT_MS = 30_000;
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const LOCAL = new Set(['file:', 'data:']);
const FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

class JobError extends Error {}

function modulesDir() {
  const first = (process.env.NODE_PATH || '').split(path.delimiter).find(Boolean);
  const here = path.dirname(fileURLToPath(import.meta.url));
  return first ? path.resolve(first) : path.resolve(here, '../../.ci/node/node_modules');
}

function readJob() {
  const text = process.argv[2] ?? readFileSync(0, 'utf8');
  let job;
  try {
    job = JSON.parse(text);
  } catch (error) {
    throw new JobError(`the job is not JSON: ${error.message}`);
  }
  const positive = (n) => Number.isInteger(n) && n > 0;
  if (!Array.isArray(job.pages) || job.pages.length === 0) throw new JobError('"pages" must list pages');
  const widths = job.widths ?? [1280, 390];
  const zooms = job.zooms ?? [];
  if (!widths.every(positive)) throw new JobError('"widths" must be positive integers');
  if (!zooms.every((z) => positive(z.width) && positive(z.percent))) {
    throw new JobError('"zooms" must be {"width", "percent"} positive integers');
  }
  const views = [
    ...widths.map((width) => ({ width, percent: 100 })),
    ...zooms.map(({ width, percent }) => ({ width, percent })),
  ];
  return {
    pages: job.pages.map(pageUrl),
    views,
    height: job.height ?? 800,
    screenshots: job.screenshots ? path.resolve(job.screenshots) : null,
    chromium: job.chromium ?? which('chromium'),
  };
}

function pageUrl(page) {
  const url = /^[a-z]+:/i.test(page) ? new URL(page) : pathToFileURL(path.resolve(page));
  if (url.protocol !== 'file:') throw new JobError(`not a local page: ${page}`);
  return url.href;
}

function which(name) {
  for (const dir of (process.env.PATH || '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  throw new JobError(`${name} is not on PATH`);
}

// A screenshot's name: the page's path below the pages' common folder, then the view.
function shotNames(urls) {
  const files = urls.map((u) => fileURLToPath(u));
  let common = path.dirname(files[0]);
  const inside = (f) => path.relative(common, f).split(path.sep)[0] !== '..';
  while (!files.every(inside)) common = path.dirname(common);
  return new Map(files.map((f, i) => [urls[i], path.relative(common, f).replace(/\.html?$/i, '').split(path.sep).join('_')]));
}

function withTimeout(promise, what) {
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${PAGE_TIMEOUT_MS / 1000} s`)), PAGE_TIMEOUT_MS);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

async function check(browser, axeSource, job, url, view, shotName) {
  const page = await browser.newPage();
  const blocked = [];
  try {
    page.setDefaultTimeout(PAGE_TIMEOUT_MS);
    await page.setRequestInterception(true);
    page.on('request', (request) => {
      if (LOCAL.has(new URL(request.url()).protocol)) {
        request.continue();
      } else {
        blocked.push(request.url());
        request.abort('blockedbyclient');
      }
    });
    const cssWidth = Math.round((view.width * 100) / view.percent);
    await page.setViewport({ width: cssWidth, height: job.height, deviceScaleFactor: view.percent / 100 });
    const response = await page.goto(url, { waitUntil: 'load', timeout: PAGE_TIMEOUT_MS });
    if (response && !response.ok()) throw new Error(`${url}: status ${response.status()}`);
    await page.evaluate(() => document.fonts.ready.then(() => undefined));
    const layout = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      inner: window.innerWidth,
    }));
    await page.evaluate(axeSource);
    const report = await withTimeout(
      page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), TAGS),
      `axe on ${url}`,
    );
    let screenshot = null;
    if (job.screenshots) {
      const suffix = view.percent === 100 ? '' : `-zoom${view.percent}`;
      screenshot = path.join(job.screenshots, `${shotName}-${view.width}px${suffix}.png`);
      await page.screenshot({ path: screenshot, fullPage: true });
    }
    return {
      page: fileURLToPath(url),
      width: view.width,
      zoom: view.percent,
      css_width: cssWidth,
      violations: report.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        targets: v.nodes.map((n) => n.target.flat(Infinity).join(' >> ')),
      })),
      blocked,
      overflow: layout.scroll > layout.inner,
      scroll_width: layout.scroll,
      inner_width: layout.inner,
      screenshot,
    };
  } finally {
    await page.close().catch(() => undefined);
  }
}

async function main() {
  const job = readJob();
  const require = createRequire(path.join(modulesDir(), 'noop.js'));
  const puppeteer = require('puppeteer-core');
  const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  const axeVersion = require('axe-core/package.json').version;
  if (job.screenshots) mkdirSync(job.screenshots, { recursive: true });
  const names = shotNames(job.pages);
  const profile = mkdtempSync(path.join(tmpdir(), 'axe-chromium-'));
  let browser;
  try {
    browser = await puppeteer.launch({
      executablePath: job.chromium,
      headless: true,
      args: FLAGS,
      userDataDir: profile,
      timeout: LAUNCH_TIMEOUT_MS,
      protocolTimeout: PAGE_TIMEOUT_MS,
    });
    const results = [];
    for (const url of job.pages) {
      for (const view of job.views) {
        results.push(await check(browser, axeSource, job, url, view, names.get(url)));
      }
    }
    const chromium = await browser.version();
    process.stdout.write(`${JSON.stringify({ chromium, axe: axeVersion, results })}\n`);
  } finally {
    await browser?.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`axe.mjs: ${error.message}\n`);
  process.exitCode = error instanceof JobError ? 2 : 1;
});
