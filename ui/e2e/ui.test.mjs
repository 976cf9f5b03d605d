// The web UI in a real headless Chromium (Debian's chromium, driven by playwright-core) against a
// real Cup server on a real git daemon remote. Started by io.cup.e2e.WebUiBrowserTest, which gives:
//   CUP_URL            the server, http://127.0.0.1:<port>
//   CUP_REMOTE         the bare remote repository (a path) the server tracks, branch main
//   CUP_ADMIN_TOKEN    alice: reads, writes and may merge and close proposals
//   CUP_WRITER_TOKEN   bob: reads and writes, may not merge
//   CUP_SCREENSHOTS    where to put screenshots of the main pages (docs/ui/)
//   CHROMIUM           the browser binary (default /usr/bin/chromium)
// Each test() is one step of one user's visit; they run in order and share the browser.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const URL_ = process.env.CUP_URL;
const REMOTE = process.env.CUP_REMOTE;
const ADMIN = process.env.CUP_ADMIN_TOKEN;
const WRITER = process.env.CUP_WRITER_TOKEN;
const SHOTS = process.env.CUP_SCREENSHOTS;
const WAIT = 20_000;

let browser;
let context;
let page;
const cspViolations = [];
const pageErrors = [];
let proposalId;

function git(...args) {
  return execFileSync('git', args, { encoding: 'utf8' }).trim();
}

function remote(...args) {
  return git('--git-dir', REMOTE, ...args);
}

/** axe-core on the page as it is: no serious or critical violation. */
async function axe(name) {
  await page.evaluate(AXE);
  const result = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { resultTypes: ['violations'] }),
  );
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    [],
    `axe-core on the ${name} page`,
  );
}

async function shot(name) {
  if (SHOTS) {
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  }
}

/** Waits for the write's answer: the "Proposed" status, or fails with the alert shown instead. */
async function proposed() {
  const done = page.getByRole('status').filter({ hasText: 'Proposed' });
  const refused = page.getByRole('alert');
  await done.or(refused).first().waitFor();
  if (!(await done.count())) {
    assert.fail(`the write was refused: ${await refused.first().innerText()}`);
  }
  return done;
}

async function goto(path) {
  await page.goto(`${URL_}/ui${path}`);
}

before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
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
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  page.setDefaultTimeout(WAIT);
  page.on('console', (m) => {
    if (/Content.Security.Policy|Refused to/i.test(m.text())) {
      cspViolations.push(m.text());
    }
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));
});

after(async () => {
  await browser?.close();
});

test('a browser asking for / is sent to the UI, which asks to sign in', async () => {
  await page.goto(`${URL_}/`);
  assert.equal(new URL(page.url()).pathname, '/ui/');
  await page.getByRole('heading', { name: 'Sign in to Cup' }).waitFor();
  await axe('sign-in');
  await shot('sign-in');
});

test('a token the server does not know is refused with its message', async () => {
  await page.getByLabel('Token', { exact: true }).fill('not-a-token');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('alert').filter({ hasText: 'Sign-in failed' }).waitFor();
  const text = await page.getByRole('alert').filter({ hasText: 'Sign-in failed' }).innerText();
  assert.doesNotMatch(text, /[{}]/, 'a readable message, not JSON');
});

test('signing in with a token shows who is signed in', async () => {
  await page.getByLabel('Token', { exact: true }).fill(ADMIN);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByText('Signed in as').waitFor();
  assert.equal(await page.getByTestId('username').innerText(), 'alice');
});

test('the catalog groups the served kinds and searches them', async () => {
  await goto('/');
  await page.getByRole('heading', { name: 'flipt.io', level: 2 }).waitFor();
  await page.getByRole('link', { name: 'Flag', exact: true }).waitFor();
  await page.getByRole('link', { name: 'Segment', exact: true }).waitFor();
  await page.getByRole('link', { name: 'flags in default' }).waitFor();
  await axe('catalog');
  await shot('catalog');
  await page.getByLabel('Search kinds').fill('segm');
  await page.getByRole('link', { name: 'Flag', exact: true }).waitFor({ state: 'detached' });
  await page.getByRole('link', { name: 'Segment', exact: true }).waitFor();
  await page.getByLabel('Search kinds').fill('');
});

test('a kind lists its resources with printer columns and filters by label', async () => {
  await page.getByRole('link', { name: 'flags in default' }).click();
  await page.getByRole('link', { name: 'dark-mode' }).waitFor();
  await page.getByRole('columnheader', { name: 'Enabled' }).waitFor();
  await page.getByRole('link', { name: 'new-checkout' }).waitFor();
  await page.getByText('Live', { exact: true }).waitFor();
  await axe('list');
  await shot('list');
  await page.getByLabel('Label filter').fill('team=web');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.getByRole('link', { name: 'new-checkout' }).waitFor({ state: 'detached' });
  await page.getByRole('link', { name: 'dark-mode' }).waitFor();
  await page.getByLabel('Label filter').fill('');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.getByRole('link', { name: 'new-checkout' }).waitFor();
});

test('a push to the remote appears in the open list without a reload', async () => {
  await page.getByText('Live', { exact: true }).waitFor();
  await page.evaluate(() => (window.__sameDocument = true));
  const work = mkdtempSync(join(tmpdir(), 'cup-ui-push-'));
  try {
    git('clone', '-q', REMOTE, work);
    const file = join(work, 'default', 'features.yml');
    const features = readFileSync(file, 'utf8');
    assert.match(features, /^flags:\n/m, 'default/features.yml lists its flags under "flags:"');
    writeFileSync(
      file,
      features.replace(
        /^flags:\n/m,
        'flags:\n- key: pushed-flag\n  name: Pushed flag\n  type: BOOLEAN_FLAG_TYPE\n  enabled: false\n',
      ),
    );
    git('-C', work, '-c', 'user.name=Carol Pusher', '-c', 'user.email=carol@example.com', 'commit', '-qam', 'Add pushed-flag by hand');
    git('-C', work, 'push', '-q', 'origin', 'HEAD:main');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  await page.getByRole('link', { name: 'pushed-flag' }).waitFor();
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the page was not reloaded');
});

test('a lost connection is shown and retried', async () => {
  await context.setOffline(true);
  await page.getByRole('link', { name: 'Proposals', exact: true }).click();
  const banner = page.getByRole('status').filter({ hasText: 'The connection to the server was lost' });
  await banner.waitFor();
  await context.setOffline(false);
  await page.getByRole('heading', { name: 'Proposals', level: 1 }).waitFor();
  await page.getByText('Loading…').waitFor({ state: 'detached' });
  await banner.waitFor({ state: 'detached' });
  assert.equal(await page.getByRole('alert').count(), 0, 'the retried read succeeded');
  await page.goBack();
  await page.getByRole('link', { name: 'dark-mode' }).waitFor();
});

test('a resource shows its fields, labels and history', async () => {
  await page.getByRole('link', { name: 'dark-mode' }).click();
  await page.getByRole('heading', { name: 'Flag dark-mode' }).waitFor();
  await page.getByRole('heading', { name: 'History' }).waitFor();
  await page.getByText('team=web').waitFor();
  const entries = page.locator('ol.history > li');
  await entries.first().waitFor();
  assert.ok((await entries.count()) >= 1, 'at least the commit that created it');
  await axe('resource');
  await shot('resource');
});

test('editing through the form, previewing and proposing changes exactly that file on a branch', async () => {
  await page.getByRole('link', { name: 'Edit' }).click();
  const enabled = page.getByRole('switch', { name: 'enabled' });
  await enabled.waitFor();
  assert.equal(await enabled.isChecked(), true);
  await enabled.click();
  await page.getByRole('button', { name: 'Preview change' }).click();
  const preview = page.getByRole('region', { name: 'Preview of the change' });
  await preview.waitFor();
  const diffText = await preview.innerText();
  assert.match(diffText, /enabled: false/);
  assert.match(diffText, /enabled: true/);
  await axe('edit');
  await shot('edit-preview');
  const mainBefore = remote('rev-parse', 'main');
  await page.getByRole('button', { name: 'Propose change' }).click();
  const done = await proposed();
  proposalId = (await done.getByRole('link').first().innerText()).replace(/^proposal /, '');
  assert.match(proposalId, /^[0-9a-z]+$/);
  const branch = `cup/proposal/${proposalId}`;
  assert.deepEqual(remote('diff', '--name-only', mainBefore, branch).split('\n'), ['default/features.yml']);
  const changed = remote('diff', '-U0', mainBefore, branch)
    .split('\n')
    .filter((l) => /^[-+](?![-+])/.test(l));
  assert.deepEqual(changed, ['-  enabled: true', '+  enabled: false'], 'one line of dark-mode changes');
  assert.equal(remote('rev-parse', 'main'), mainBefore, 'main does not move before the merge');
});

test("the server's 422 appears at the field it names", async () => {
  await goto('/r/flipt.io/v1alpha1/namespaces/default/flags/new-checkout/edit');
  const key = page.getByLabel('key*', { exact: true }).first(); // spec.key, before the variants' keys
  await key.waitFor();
  await key.fill('not a valid key!');
  await page.getByRole('button', { name: 'Preview change' }).click();
  await page.getByRole('alert').filter({ hasText: 'The server refused it' }).waitFor();
  const group = page.locator('.form-group', { has: page.locator('#field_spec_key') }).last();
  await group.getByText('(server)').waitFor();
  assert.match(await group.innerText(), /pattern|match/i);
});

test('the proposals page lists the proposal and an approver merges it from its page', async () => {
  await goto('/proposals');
  const row = page.getByRole('row').filter({ hasText: 'dark-mode' });
  await row.waitFor();
  assert.match(await row.innerText(), /open/i);
  assert.match(await row.innerText(), /alice/);
  await axe('proposals');
  await shot('proposals');
  await row.getByRole('link').first().click();
  await page.getByRole('region', { name: 'Changes of this proposal' }).waitFor();
  const merge = page.getByRole('button', { name: 'Merge' });
  await merge.waitFor();
  await axe('proposal');
  await shot('proposal');
  const mainBefore = remote('rev-parse', 'main');
  await merge.click();
  await page.locator('.state.merged').first().waitFor();
  const mainAfter = remote('rev-parse', 'main');
  assert.notEqual(mainAfter, mainBefore, 'main moved');
  assert.match(remote('show', `main:default/features.yml`), /key: dark-mode[\s\S]*?enabled: false/);
});

test("the merged change is in the resource's history, with its proposal", async () => {
  await goto('/r/flipt.io/v1alpha1/namespaces/default/flags/dark-mode');
  await page.getByRole('link', { name: `proposal ${proposalId}` }).waitFor();
  const entry = page.locator('ol.history > li').filter({ hasText: proposalId });
  await entry.getByRole('button', { name: 'Show changes' }).click();
  await entry.getByText('enabled: false').first().waitFor();
  assert.equal(await page.getByRole('switch').count(), 0);
});

test('a user who may not merge sees no Merge button, and may stack changes onto a proposal', async () => {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('Token', { exact: true }).fill(WRITER);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByText('Signed in as').waitFor();
  assert.equal(await page.getByTestId('username').innerText(), 'bob');

  await goto('/r/flipt.io/v1alpha1/namespaces/default/flags/search-ranking-v2/edit');
  await page.getByRole('switch', { name: 'enabled' }).click();
  await page.getByRole('button', { name: 'Propose change' }).click();
  const done = await proposed();
  const id = (await done.getByRole('link').first().innerText()).replace(/^proposal /, '');

  await goto('/r/flipt.io/v1alpha1/namespaces/default/flags/new-checkout/edit');
  await page.getByRole('switch', { name: 'enabled' }).click();
  await page.getByLabel('Open proposal').selectOption(id);
  await page.getByRole('button', { name: 'Add to proposal' }).click();
  await proposed();

  await goto(`/proposals/${id}`);
  await page.getByRole('region', { name: 'Changes of this proposal' }).waitFor();
  await page.getByRole('link', { name: 'Flag default/new-checkout' }).waitFor();
  await page.getByRole('link', { name: 'Flag default/search-ranking-v2' }).waitFor();
  await page.getByRole('button', { name: 'Close' }).waitFor(); // its author may close it
  assert.equal(await page.getByRole('button', { name: 'Merge' }).count(), 0);
  await page.getByText('You may not merge this proposal').waitFor();
  const files = remote('diff', '--name-only', 'main', `cup/proposal/${id}`).split('\n');
  assert.deepEqual(files, ['default/features.yml']);
  assert.equal(remote('rev-list', '--count', `main..cup/proposal/${id}`), '2', 'two commits, one per change');
});

test('a new resource from the schema, and a delete after confirmation', async () => {
  await goto('/r/flipt.io/v1alpha1/flags/new?namespace=default');
  await page.getByLabel('Name*', { exact: true }).fill('from-the-form');
  await page.getByLabel('key*', { exact: true }).first().fill('from-the-form');
  await page.getByLabel('name*', { exact: true }).fill('From the form');
  await page.getByLabel('type*', { exact: true }).selectOption('BOOLEAN_FLAG_TYPE');
  await page.getByRole('switch', { name: 'enabled' }).click();
  await page.getByRole('button', { name: 'Preview change' }).click();
  await page.getByRole('region', { name: 'Preview of the change' }).getByText('from-the-form').first().waitFor();
  await page.getByRole('button', { name: 'Propose change' }).click();
  await proposed();

  await goto('/r/flipt.io/v1alpha1/namespaces/default/flags/pushed-flag');
  await page.getByRole('button', { name: 'Delete' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('status').filter({ hasText: 'Deletion proposed' }).waitFor();
});

test('the pages fit a phone-sized screen', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  const pages = {
    '/': page.getByRole('link', { name: 'Flag', exact: true }),
    '/r/flipt.io/v1alpha1/flags?namespace=default': page.getByRole('link', { name: 'dark-mode' }),
    '/proposals': page.getByRole('link', { name: /dark-mode/ }).first(),
  };
  for (const [path, shown] of Object.entries(pages)) {
    await goto(path);
    await shown.waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${path} scrolls sideways by ${overflow}px at 390px`);
  }
  await goto('/r/flipt.io/v1alpha1/flags?namespace=default');
  await page.getByRole('link', { name: 'dark-mode' }).waitFor();
  await shot('list-phone');
  await page.setViewportSize({ width: 1280, height: 800 });
});

test('no Content-Security-Policy violation and no script error on any page', () => {
  assert.deepEqual(cspViolations, []);
  assert.deepEqual(pageErrors, []);
});
