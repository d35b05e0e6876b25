import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { build } from 'vite';
import { createPlatformCa, issueCertificate } from '../../crypto/ca.js';
import { certificateUscc } from '../../crypto/certificates.js';
import { createCsr } from '../../crypto/csr.js';
import { generateOpeningKeyPair } from '../../crypto/node/opening-key.js';
import { nodeProvider } from '../../crypto/node/provider.js';
import { openBid, verifyOuter } from '../../crypto/sealed-bid.js';
import { sameCertificate } from '../../crypto/signed-data.js';
import { projectRoot } from '../../server/kernel/paths.js';
import { givenApp, type TestApp } from '../helpers/app.js';
import { launchChromium } from './browser.js';

/** Bundles test/e2e/fixtures/seal-in-browser.ts for the page (an IIFE, like the client build would). */
async function browserBundle(): Promise<string> {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenderhall-seal-bundle-'));
  await build({
    configFile: false,
    logLevel: 'warn',
    root: projectRoot,
    build: {
      outDir,
      emptyOutDir: true,
      minify: false,
      lib: { entry: path.join(projectRoot, 'test/e2e/fixtures/seal-in-browser.ts'), formats: ['iife'], name: 'tenderhallSealTest', fileName: () => 'seal.js' },
    },
  });
  const code = fs.readFileSync(path.join(outDir, 'seal.js'), 'utf8');
  fs.rmSync(outDir, { recursive: true, force: true });
  return code;
}

describe('sealing in Chromium, opening on the server', function () {
  this.timeout(180_000);
  let app: TestApp;
  let chromium: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let bundle: string;

  before(async () => {
    bundle = await browserBundle();
    app = await givenApp();
    chromium = await launchChromium();
    // The app's CSP forbids inline scripts (as it should); this test injects its bundle, so it bypasses CSP.
    page = await (await chromium.browser.newContext({ bypassCSP: true })).newPage();
    // A page from the app's origin (http://127.0.0.1 is a secure context, so WebCrypto is there).
    await page.goto(`${app.url}/health`);
    await page.addScriptTag({ content: bundle });
  });
  after(async () => {
    await chromium?.close();
    await app?.stop();
  });

  it('seals a file with a key made in the page; the server-side code verifies and opens it, and so does openssl', async () => {
    expect(await page.evaluate(() => (globalThis as any).tenderhallTest.isSecureContext())).to.equal(true);
    const now = new Date();
    const ca = await createPlatformCa({ now });
    const subject = { commonName: '赣州宏达建设工程有限公司', organisation: '赣州宏达建设工程有限公司', uscc: '91360702MA37U2D948' };
    const csr = await page.evaluate((s) => (globalThis as any).tenderhallTest.makeKeyAndCsr(s), subject);
    expect(csr).to.contain('BEGIN CERTIFICATE REQUEST');
    const bidder = issueCertificate(ca.issuing, csr, { profile: 'bidder', now, expect: { uscc: subject.uscc, organisationName: subject.organisation } });
    expect(certificateUscc(bidder.certPem)).to.equal(subject.uscc);

    const opening = await generateOpeningKeyPair();
    const openingCert = issueCertificate(ca.issuing, createCsr(opening.privateKeyPem, { commonName: '开标密钥 T-2026-001' }), { profile: 'opening', now });

    const bidPackage = crypto.randomBytes(3 * 1024 * 1024 + 17);
    const sealed = await page.evaluate(
      ([data, cert, chain, openingPem]) => (globalThis as any).tenderhallTest.seal(data, cert, [chain], openingPem),
      [bidPackage.toString('base64'), bidder.certPem, ca.issuing.certPem, openingCert.certPem] as const,
    );
    const envelope = Buffer.from(sealed.envelope, 'base64');
    const signature = Buffer.from(sealed.signature, 'base64');

    const outer = await verifyOuter(envelope, signature, { provider: nodeProvider });
    expect(sameCertificate(outer.signerCertificatePem, bidder.certPem)).to.equal(true);
    const opened = await openBid(envelope, { certificatePem: openingCert.certPem, privateKeyPem: opening.privateKeyPem }, { provider: nodeProvider, signature });
    expect(Buffer.from(opened.bidPackage).equals(bidPackage)).to.equal(true);
    expect(sameCertificate(opened.innerSignerCertificatePem, bidder.certPem)).to.equal(true);

    // OpenSSL opens the browser-made envelope too (and its exit code says the tag verified).
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenderhall-browser-seal-'));
    try {
      fs.writeFileSync(path.join(dir, 'bid.sealed'), envelope);
      fs.writeFileSync(path.join(dir, 'opening.crt'), openingCert.certPem);
      fs.writeFileSync(path.join(dir, 'opening.key'), opening.privateKeyPem, { mode: 0o600 });
      const decrypt = spawnSync('openssl', ['cms', '-decrypt', '-binary', '-inform', 'DER', '-in', 'bid.sealed', '-recip', 'opening.crt', '-inkey', 'opening.key', '-out', 'inner.der'], { cwd: dir });
      expect(decrypt.status, decrypt.stderr?.toString()).to.equal(0);
      fs.writeFileSync(path.join(dir, 'root.crt'), ca.root.certPem);
      const verify = spawnSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', 'inner.der', '-CAfile', 'root.crt', '-purpose', 'any', '-out', 'package.bin'], { cwd: dir });
      expect(verify.status, verify.stderr?.toString()).to.equal(0);
      expect(fs.readFileSync(path.join(dir, 'package.bin')).equals(bidPackage)).to.equal(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
