import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { givenApp, type TestApp } from '../helpers/app.js';
import { ensureClientBuilt, launchChromium } from './browser.js';

const BIDDER1_USCC = '91360702MA37U2D948';
const PASSWORD = 'Bid-2026-secret';

describe('certificates page in Chromium: key pair made in the page, CSR, PKCS#12', function () {
  this.timeout(120_000);
  let app: TestApp;
  let chromium: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let dir: string;

  before(async () => {
    ensureClientBuilt();
    app = await givenApp();
    chromium = await launchChromium();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-e2e-cert-'));
  });
  after(async () => {
    await chromium?.close();
    await app?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    const context = await chromium.browser.newContext({ locale: 'zh-CN', acceptDownloads: true });
    page = await context.newPage();
  });
  afterEach(async () => {
    await page.context().close();
  });

  it('lets bidder1 request a certificate and save a .p12 that OpenSSL opens with the password', async () => {
    const sentBodies: string[] = [];
    page.on('request', (req) => {
      if (req.url().includes('/api/')) sentBodies.push(req.postData() ?? '');
    });
    await page.goto(app.url);
    await page.locator('#username').fill('bidder1');
    await page.locator('#password').fill('demo1234');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('open-certificates').click();
    await page.getByTestId('certificates-page').waitFor();
    expect(await page.getByTestId('cert-subject-uscc').innerText()).to.equal(BIDDER1_USCC);

    await page.getByTestId('cert-request').click();
    await page.getByTestId('cert-issued').waitFor({ timeout: 60_000 });
    const serial = await page.getByTestId('cert-serial').innerText();
    expect(serial).to.match(/^[0-9a-f]{32}$/);
    await page.locator(`[data-testid="cert-list-item"][data-serial="${serial}"]`).waitFor();

    // A short password is refused before anything is written.
    await page.getByTestId('p12-password').fill('short');
    await page.getByTestId('p12-confirm').fill('short');
    await page.getByTestId('p12-save').click();
    await page.getByTestId('p12-error').waitFor();

    await page.getByTestId('p12-password').fill(PASSWORD);
    await page.getByTestId('p12-confirm').fill(PASSWORD);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('p12-save').click()]);
    expect(download.suggestedFilename()).to.equal(`tenderhall-${serial}.p12`);
    const p12 = path.join(dir, 'bidder1.p12');
    await download.saveAs(p12);

    const info = spawnSync('openssl', ['pkcs12', '-info', '-nokeys', '-in', p12, '-passin', `pass:${PASSWORD}`], { encoding: 'utf8' });
    expect(info.status, info.stderr).to.equal(0);
    expect(info.stdout + info.stderr).to.contain(`organizationIdentifier = ${BIDDER1_USCC}`);
    expect(info.stderr).to.match(/PBES2, PBKDF2, AES-256-CBC/);
    // The key inside matches the certificate, and a wrong password opens nothing.
    const keyOut = spawnSync('openssl', ['pkcs12', '-in', p12, '-nocerts', '-nodes', '-passin', `pass:${PASSWORD}`], { encoding: 'utf8' });
    expect(keyOut.status, keyOut.stderr).to.equal(0);
    fs.writeFileSync(path.join(dir, 'key.pem'), keyOut.stdout);
    const certOut = spawnSync('openssl', ['pkcs12', '-in', p12, '-nokeys', '-clcerts', '-passin', `pass:${PASSWORD}`], { encoding: 'utf8' });
    fs.writeFileSync(path.join(dir, 'cert.pem'), certOut.stdout);
    const keyModulus = spawnSync('openssl', ['rsa', '-in', path.join(dir, 'key.pem'), '-noout', '-modulus'], { encoding: 'utf8' }).stdout;
    const certModulus = spawnSync('openssl', ['x509', '-in', path.join(dir, 'cert.pem'), '-noout', '-modulus'], { encoding: 'utf8' }).stdout;
    expect(keyModulus).to.match(/^Modulus=/);
    expect(keyModulus).to.equal(certModulus);
    const wrong = spawnSync('openssl', ['pkcs12', '-info', '-nokeys', '-in', p12, '-passin', 'pass:wrong-password'], { encoding: 'utf8' });
    expect(wrong.status).to.not.equal(0);

    // The private key never went over the wire: only the CSR did.
    expect(sentBodies.join('\n')).not.to.contain('PRIVATE KEY');
    expect(sentBodies.join('\n')).to.contain('CERTIFICATE REQUEST');
  });
});
