// Renders the plan comment of each bundled example as GitHub shows it, and saves screenshots
// under docs/img/ (the README shows them). GitHub's renderer is GFM with raw HTML (<details>),
// highlighted ```diff blocks and ```mermaid graphs; this does the same with micromark's GFM,
// GitHub's own markdown stylesheet, mermaid, and Debian's Chromium driven by playwright-core.
//
// Usage: npm run screenshots   (builds dist/ first; installs Chromium when missing)

/* global document */ // the functions passed to page.evaluate run in the browser

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';
import { chromium } from 'playwright-core';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'docs/img');
const CHROMIUM = process.env.XCLUSTER_CHROMIUM ?? '/usr/bin/chromium';
const require = createRequire(import.meta.url);

const EXAMPLES = [
  { name: 'ccr', config: 'examples/ccr/xcluster', live: 'examples/ccr/live' },
  { name: 'ccr-opensearch', config: 'examples/ccr-opensearch/xcluster', live: 'examples/ccr-opensearch/live' },
];

/** The plan comment's markdown, from the same entry the CLI and the Action use. */
function planMarkdown(example) {
  const args = [
    'dist/cli.js',
    'plan',
    '--config',
    example.config,
    '--from-snapshot',
    example.live,
    '--format',
    'markdown',
  ];
  try {
    return execFileSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  } catch (e) {
    if (e.status === 2) return e.stdout; // exit 2: the plan has changes, as the examples do
    throw e;
  }
}

/** GFM to HTML as GitHub does it; ```mermaid blocks become what mermaid draws. */
function toHtml(markdown) {
  const body = micromark(markdown, {
    allowDangerousHtml: true,
    extensions: [gfm()],
    htmlExtensions: [gfmHtml()],
  }).replace(/<pre><code class="language-mermaid">([\s\S]*?)<\/code><\/pre>/g, '<pre class="mermaid">$1</pre>');
  return `<!doctype html><html><head><meta charset="utf-8"><style>
    ${readFileSync(require.resolve('github-markdown-css/github-markdown-light.css'), 'utf8')}
    body { margin: 0; background: #fff; }
    .markdown-body { box-sizing: border-box; width: 900px; padding: 24px; }
    .markdown-body pre.mermaid { background: #fff; text-align: center; }
    .d-add { color: #116329; background: #dafbe1; } .d-remove { color: #82071e; background: #ffebe9; }
    .d-change { color: #953800; background: #fff1e5; }
  </style></head><body><article class="markdown-body">${body}</article></body></html>`;
}

/** GitHub colours ```diff lines by their first character: + green, - red, ! orange. */
function highlightDiffs() {
  const CLASSES = { '+': 'd-add', '-': 'd-remove', '!': 'd-change' };
  for (const code of document.querySelectorAll('code.language-diff')) {
    const lines = code.textContent.replace(/\n$/, '').split('\n');
    code.replaceChildren(
      ...lines.flatMap((line) => {
        const span = document.createElement('span');
        span.textContent = line;
        if (CLASSES[line[0]]) span.className = CLASSES[line[0]];
        return [span, document.createTextNode('\n')];
      }),
    );
  }
}

async function shoot(page, example) {
  await page.setContent(toHtml(planMarkdown(example)));
  await page.evaluate(highlightDiffs);
  await page.addScriptTag({ path: require.resolve('mermaid/dist/mermaid.min.js') });
  await page.evaluate(async () => {
    globalThis.mermaid.initialize({ startOnLoad: false, theme: 'default' });
    await globalThis.mermaid.run();
  });
  const article = page.locator('article');
  const files = [];
  const folded = join(OUT, `${example.name}-comment.png`);
  await article.screenshot({ path: folded });
  files.push(folded);
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
  const open = join(OUT, `${example.name}-comment-expanded.png`);
  await article.screenshot({ path: open });
  files.push(open);
  return files;
}

function ensureChromium() {
  if (existsSync(CHROMIUM)) return;
  execFileSync('bash', [join(ROOT, 'scripts/install-chromium.sh')], { stdio: 'inherit' });
}

ensureChromium();
mkdirSync(OUT, { recursive: true });
// The flags keep Chromium off the network this machine does not have (see the README).
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
try {
  const page = await browser.newPage({ deviceScaleFactor: 1 });
  for (const example of EXAMPLES) for (const file of await shoot(page, example)) console.log(`wrote ${file}`);
} finally {
  await browser.close();
}
