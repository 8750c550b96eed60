"""The preview's edit loop: from saving patient.md to the browser showing the new handout.

Run it with the Python that has publish installed (from any folder):

    python benchmarks/edit_loop.py [--runs N] [--source CHECKOUT] [--out FILE]

It copies the project's seeds/ to a temporary folder, starts `publish preview --port 0`
there on the default topic, and opens its handout in headless Chromium (Debian's
`chromium`, driven by puppeteer-core from .ci/node/node_modules through a small Node
script, with the launch flags of tests/browser/axe.mjs). Then, `--runs` times (10 by
default, after one warm-up edit, 0.3 to 0.8 s apart at random, as a writer saves at any
moment): it writes a paragraph with a new word into patient.md and times, in the
browser, until the page's text contains that word. The clock is one process's (Node's),
which both writes the file and watches the page.

Each edit is also split into its parts, from the same clock: until the server's event
stream announces the change (watchfiles noticing the write), until the page starts
loading again (the page's script reacting), the server rendering the handout (request
to first byte, from the browser's navigation timing), and the browser loading and
laying out the page until the text is there. A preview without the event stream (an
older checkout, through `--source`) shows the total only.

`--source CHECKOUT` runs the `publish` package and templates of another checkout (made,
for example, with `git archive <revision> | tar -x -C /tmp/old`), for comparing.

It prints a Markdown summary with the machine and how much CPU other processes took
meanwhile to stdout (and to FILE with `--out FILE`); progress goes to stderr. It takes
about half a minute.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from run import ROOT, Others, log, machine  # beside this file

TOPIC = Path("seeds") / "topics" / "ketamine-depression"
NODE_MODULES = ROOT / ".ci" / "node" / "node_modules"
TARGET_MS = 300

DRIVER = r"""
// Reads the job (JSON) on stdin; prints {"chromium", "runs": [{total, event, reload,
// render, browser}]} in ms (null where the preview has no event stream).
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';

const FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const job = JSON.parse(readFileSync(0, 'utf8'));
const puppeteer = createRequire(path.join(job.modules, 'noop.js'))('puppeteer-core');
const now = () => performance.timeOrigin + performance.now();  // epoch ms, as the page's

// When each event of the stream arrived (none when the preview has no stream).
const arrivals = [];
function listen() {
  http.get(job.events, { headers: { Accept: 'text/event-stream' } }, (response) => {
    if (response.statusCode !== 200) return response.resume();
    let buffer = '';
    response.setEncoding('utf8');
    response.on('data', (chunk) => {
      buffer += chunk;
      if (buffer.includes('data:')) arrivals.push(now());
      buffer = buffer.slice(buffer.lastIndexOf('\n') + 1);
    });
  }).on('error', () => undefined);
}

async function edit(page, original, label) {
  const word = `editloop${label}${Date.now().toString(36)}`;
  const shown = page.waitForFunction(
    (w) => document.body !== null && document.body.innerText.includes(w),
    { polling: 'mutation', timeout: 30_000 },
    word,
  );
  const events = arrivals.length;
  const written = now();
  writeFileSync(job.file, `${original}\nThe edit loop adds the word ${word}.\n`);
  await shown;
  const seen = now();
  const nav = await page.evaluate(() => {
    const entry = performance.getEntriesByType('navigation')[0];
    return {
      origin: performance.timeOrigin, request: entry.requestStart, first: entry.responseStart,
    };
  });
  const event = arrivals.length > events ? arrivals[events] : null;
  const firstByte = nav.origin + nav.first;
  return {
    total: seen - written,
    event: event === null ? null : event - written,
    reload: event === null ? null : nav.origin - event,
    render: event === null ? null : nav.first - nav.request,
    browser: event === null ? null : seen - firstByte,
  };
}

const profile = mkdtempSync(path.join(tmpdir(), 'edit-loop-chromium-'));
let browser;
try {
  browser = await puppeteer.launch({
    executablePath: job.chromium, headless: true, args: FLAGS, userDataDir: profile,
    timeout: 60_000, protocolTimeout: 60_000,
  });
  const page = await browser.newPage();
  await page.goto(job.url, { waitUntil: 'load', timeout: 60_000 });
  listen();
  await new Promise((resolve) => setTimeout(resolve, 500));
  const original = readFileSync(job.file, 'utf8');
  await edit(page, original, 'warm');
  const runs = [];
  for (let i = 0; i < job.runs; i += 1) {
    // A writer saves at any moment: a fixed gap would lock the edits to a poll's phase.
    await new Promise((resolve) => setTimeout(resolve, 300 + Math.random() * 500));
    runs.push(await edit(page, original, String(i)));
  }
  writeFileSync(job.file, original);
  process.stdout.write(`${JSON.stringify({ chromium: await browser.version(), runs })}\n`);
} finally {
  await browser?.close().catch(() => undefined);
  rmSync(profile, { recursive: true, force: true });
  process.exit(process.exitCode ?? 0);
}
"""


def start_preview(project: Path, source: Path) -> tuple[subprocess.Popen[str], str]:
    """`publish preview` of the default topic on a free port, and its address."""
    env = {**os.environ, "PYTHONPATH": str(source), "PYTHONUNBUFFERED": "1"}
    preview = subprocess.Popen(
        [sys.executable, "-m", "publish", "preview", "--port", "0", str(TOPIC)],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert preview.stdout is not None
    line = preview.stdout.readline()  # "Previewing <folder> at http://127.0.0.1:<port>/ ..."
    if " at http://" not in line:
        preview.kill()
        raise SystemExit(f"the preview did not start: {line!r}")
    return preview, line.split(" at ", 1)[1].split()[0]


def drive(url: str, patient: Path, runs: int) -> dict[str, object]:
    """Run the Node script against the preview at `url`; its JSON result."""
    chromium = shutil.which("chromium")
    node = shutil.which("node")
    if chromium is None or node is None or not (NODE_MODULES / "puppeteer-core").is_dir():
        raise SystemExit("needs chromium, node and .ci/node/node_modules/puppeteer-core")
    job = {
        "url": f"{url}handout",
        "events": f"{url}_events",
        "file": str(patient),
        "runs": runs,
        "chromium": chromium,
        "modules": str(NODE_MODULES),
    }
    done = subprocess.run(
        [node, "--input-type=module", "-e", DRIVER],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        timeout=60 + 30 * runs,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"the browser run failed:\n{done.stderr[-2000:]}")
    result: dict[str, object] = json.loads(done.stdout)
    return result


def summary(part: str, values: Sequence[float | None]) -> str:
    known = [v for v in values if v is not None]
    if not known:
        return f"| {part} | n/a | n/a |"
    return f"| {part} | {statistics.median(known):.0f} ms | {max(known):.0f} ms |"


def report(result: dict[str, object], runs: int, source: Path, others: str) -> str:
    measured: list[dict[str, float | None]] = result["runs"]  # type: ignore[assignment]
    totals = [r["total"] for r in measured if r["total"] is not None]
    median = statistics.median(totals)
    lines = [
        f"Machine: {machine()}, {result['chromium']}",
        f"Other processes during the run: {others}",
        f"Preview from: {source}",
        "",
        f"Edit loop, {runs} edits of patient.md (after one warm-up edit):",
        "",
        "| Part | Median | Worst |",
        "|---|---|---|",
        summary("Save to the new text in the browser (total)", totals),
        summary("Save to the change event (watchfiles)", [r["event"] for r in measured]),
        summary("Event to the page starting to reload", [r["reload"] for r in measured]),
        summary("Server render (request to first byte)", [r["render"] for r in measured]),
        summary("First byte to the text shown (browser)", [r["browser"] for r in measured]),
        "",
        f"Target: median ≤ {TARGET_MS} ms: {'met' if median <= TARGET_MS else 'not met'}.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="timed edits (default 10)")
    parser.add_argument(
        "--source", type=Path, default=ROOT, help="checkout whose publish to run (default: this)"
    )
    parser.add_argument("--out", type=Path, help="also write the summary to this file")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("runs must be at least 1")
    source = args.source.resolve()
    others = Others()
    with tempfile.TemporaryDirectory(prefix="edit-loop-") as work:
        project = Path(work)
        shutil.copytree(ROOT / "seeds", project / "seeds")
        preview, url = start_preview(project, source)
        log(f"preview at {url}; {args.runs} edits")
        try:
            result = drive(url, project / TOPIC / "patient.md", args.runs)
        finally:
            preview.terminate()
            preview.wait(timeout=10)
    text = report(result, args.runs, source, others.share())
    sys.stdout.write(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
