// The UI's "Sign in with <issuer>" (authorization code flow with PKCE) in a real headless Chromium
// against a real OIDC issuer on loopback (io.cup.testing.auth.OidcIssuer, HTTPS) and a real Cup.
// Started by io.cup.e2e.WebUiOidcTest, which gives:
//   CUP_URL               the server, http://127.0.0.1:<port> (OIDC with the issuer, RBAC)
//   OIDC_ISSUER           the issuer, https://127.0.0.1:<port>
//   OIDC_CLIENT_ID        the UI's client id at the issuer
//   OIDC_CERTIFICATE_PIN  base64 SHA-256 of the issuer certificate's public key: Chromium accepts
//                         that certificate and no other it would not trust anyway
//   OIDC_USERNAME         the name Cup gives the user the issuer signs in (its username claim)
//   NODE_EXTRA_CA_CERTS   the issuer's CA, for this process's own requests to it
//   CHROMIUM              the browser binary (default /usr/bin/chromium)
// Each test() is one step; they run in order and share the browser.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const URL_ = process.env.CUP_URL;
const ISSUER = process.env.OIDC_ISSUER;
const CLIENT_ID = process.env.OIDC_CLIENT_ID;
const USERNAME = process.env.OIDC_USERNAME;
const TOKEN_ENDPOINT = `${ISSUER}/token`;
const CALLBACK = `${URL_}/ui/callback`;
const WAIT = 20_000;

let browser;
let context;
let page;
const cspViolations = [];
const pageErrors = [];
const authorizeRequests = [];
const tokenRequests = [];

function watch(p) {
  p.setDefaultTimeout(WAIT);
  p.on('console', (m) => {
    if (/Content.Security.Policy|Refused to/i.test(m.text())) {
      cspViolations.push(m.text());
    }
  });
  p.on('pageerror', (e) => pageErrors.push(e.message));
  p.on('request', (r) => {
    if (r.url().startsWith(`${ISSUER}/authorize?`)) {
      authorizeRequests.push(new URL(r.url()));
    } else if (r.url() === TOKEN_ENDPOINT && r.method() === 'POST') {
      tokenRequests.push(r.postData());
    }
  });
}

/** The token endpoint's answer to `form`, asked from the UI's page (so CORS applies). */
async function postToToken(form) {
  return page.evaluate(
    async ([url, body]) => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body,
      });
      return { status: response.status, body: await response.json() };
    },
    [TOKEN_ENDPOINT, form.toString()],
  );
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
      `--ignore-certificate-errors-spki-list=${process.env.OIDC_CERTIFICATE_PIN}`,
    ],
  });
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  watch(page);
});

after(async () => {
  await browser?.close();
});

test('the sign-in page offers the issuer', async () => {
  await page.goto(`${URL_}/ui/`);
  await page.getByRole('heading', { name: 'Sign in to Cup' }).waitFor();
  await page.getByRole('button', { name: `Sign in with ${new URL(ISSUER).host}` }).waitFor();
  await page.evaluate(AXE);
  const result = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { resultTypes: ['violations'] }),
  );
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.help}`), [], 'axe-core on the sign-in page');
});

test('signing in at the issuer ends back in the UI, signed in with the ID token', async () => {
  await page.getByRole('button', { name: `Sign in with ${new URL(ISSUER).host}` }).click();
  await page.getByTestId('username').filter({ hasText: USERNAME }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/ui/', 'back where the sign-in started');

  assert.equal(authorizeRequests.length, 1, 'one trip to the authorization endpoint');
  const asked = authorizeRequests[0].searchParams;
  assert.equal(asked.get('response_type'), 'code');
  assert.equal(asked.get('client_id'), CLIENT_ID);
  assert.equal(asked.get('redirect_uri'), CALLBACK);
  assert.equal(asked.get('code_challenge_method'), 'S256');
  assert.match(asked.get('code_challenge'), /^[A-Za-z0-9_-]{43}$/);

  assert.equal(tokenRequests.length, 1, 'one code exchange');
  const form = new URLSearchParams(tokenRequests[0]);
  assert.equal(form.get('grant_type'), 'authorization_code');
  assert.equal(form.get('redirect_uri'), CALLBACK);
  assert.equal(form.get('client_id'), CLIENT_ID);
  assert.ok(form.get('code_verifier'), 'the verifier travels with the code, and only there');
  assert.ok(!asked.has('code_verifier'));

  const kept = await page.evaluate(() => ({
    token: sessionStorage.getItem('cup.token'),
    pkce: sessionStorage.getItem('cup.oidc.pkce'),
  }));
  assert.equal(kept.pkce, null, 'the verifier is forgotten once used');
  const claims = JSON.parse(Buffer.from(kept.token.split('.')[1], 'base64url').toString());
  assert.equal(claims.iss, ISSUER);
  assert.equal(claims.aud, CLIENT_ID, 'the ID token, whose audience is the UI');
});

test('the token opens pages that need it: the catalog and the flags', async () => {
  await page.getByRole('heading', { name: 'flipt.io', level: 2 }).waitFor();
  await page.getByRole('link', { name: 'Flag', exact: true }).waitFor();
  await page.getByRole('link', { name: 'flags in default' }).click();
  await page.getByRole('link', { name: 'dark-mode' }).waitFor();
});

test('the issuer refuses the code again, and a tampered one', async () => {
  const used = new URLSearchParams(tokenRequests[0]);
  const replayed = await postToToken(used);
  assert.deepEqual([replayed.status, replayed.body.error], [400, 'invalid_grant'], 'a replayed code');

  const tampered = new URLSearchParams(used);
  tampered.set('code', `${used.get('code').slice(0, -1)}${used.get('code').endsWith('A') ? 'B' : 'A'}`);
  const refused = await postToToken(tampered);
  assert.deepEqual([refused.status, refused.body.error], [400, 'invalid_grant'], 'a tampered code');
});

test('a code taken on its way back is useless without the verifier of its challenge', async () => {
  // as someone who saw the redirect to the callback would: a real code, not the verifier
  const authorize = new URL(`${ISSUER}/authorize`);
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: CALLBACK,
    scope: 'openid',
    state: 'theirs',
    code_challenge: Buffer.alloc(32, 7).toString('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  const redirect = await fetch(authorize, { redirect: 'manual' });
  assert.equal(redirect.status, 302);
  const code = new URL(redirect.headers.get('location')).searchParams.get('code');
  assert.ok(code);
  const guessed = await postToToken(
    new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: CALLBACK,
      client_id: CLIENT_ID,
      code_verifier: 'a-verifier-that-is-not-the-one-behind-this-challenge-0123',
    }),
  );
  assert.deepEqual([guessed.status, guessed.body.error], [400, 'invalid_grant']);
});

test("an answer whose state is not this tab's sign-in is refused in words, and nothing is exchanged", async () => {
  const other = await browser.newContext();
  const stranger = await other.newPage();
  watch(stranger);
  const exchanges = tokenRequests.length;
  try {
    await stranger.goto(`${URL_}/ui/`);
    await stranger.getByRole('button', { name: `Sign in with ${new URL(ISSUER).host}` }).waitFor();
    // this tab started a sign-in of its own (as the button leaves it), then gets someone else's answer
    await stranger.evaluate(() =>
      sessionStorage.setItem('cup.oidc.pkce', JSON.stringify({ verifier: 'v'.repeat(43), state: 'mine', returnTo: '/' })),
    );
    await stranger.goto(`${URL_}/ui/callback?code=x&state=wrong`);
    const alert = stranger.getByRole('alert').filter({ hasText: 'Sign-in failed' });
    await alert.waitFor();
    assert.match(await alert.innerText(), /does not belong to a sign-in started here/);
    assert.equal(await stranger.evaluate(() => sessionStorage.getItem('cup.token')), null);
    assert.equal(tokenRequests.length, exchanges, 'no code was sent to the issuer');
  } finally {
    await other.close();
  }
});

test('no Content-Security-Policy violation and no page error on the way', () => {
  assert.deepEqual(cspViolations, []);
  assert.deepEqual(pageErrors, []);
});
