// Times Cup's web UI list page in headless Chromium: navigation start → the first row rendered
// (first render) and → the page live (list loaded and the watch open: "interactive"), median of
// N fresh page loads. Usage: node list-page.mjs URL PATH ROW_NAME [N]
import { chromium } from '../../ui/node_modules/playwright-core/index.mjs';

const [url, path, row, runs = '5'] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const samples = [];
try {
  for (let i = 0; i < Number(runs) + 1; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const start = Date.now();
    await page.goto(`${url}${path}`, { waitUntil: 'commit' });
    await page.getByRole('link', { name: row, exact: true }).waitFor({ timeout: 30_000 });
    const firstRender = Date.now() - start;
    await page.getByText('Live', { exact: true }).waitFor({ timeout: 30_000 });
    const interactive = Date.now() - start;
    // what the browser downloaded as script before the first render (the initial JavaScript)
    const scripts = await page.evaluate(() =>
      performance.getEntriesByType('resource')
        .filter((r) => r.initiatorType === 'script' || r.name.endsWith('.js'))
        .map((r) => ({ name: r.name.split('/').pop(), transfer: r.transferSize, decoded: r.decodedBodySize })),
    );
    if (i > 0) samples.push({ firstRender, interactive, scripts }); // the first load warms the server
    await context.close();
  }
} finally {
  await browser.close();
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
console.log(JSON.stringify({
  runs: samples.length,
  firstRenderMs: samples.map((s) => s.firstRender),
  interactiveMs: samples.map((s) => s.interactive),
  medianFirstRenderMs: median(samples.map((s) => s.firstRender)),
  medianInteractiveMs: median(samples.map((s) => s.interactive)),
  scripts: samples[0]?.scripts,
}));
