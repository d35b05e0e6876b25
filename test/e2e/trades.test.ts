import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import type { BidReceiptView, BidView } from '../../contracts/bids.js';
import type { DocumentView, TradeView } from '../../contracts/trades.js';
import { createPkcs12 } from '../../crypto/pkcs12.js';
import { bearer, givenApp, type TestApp } from '../helpers/app.js';
import { enrol, publishedTrade, uploadDocument } from '../helpers/trades.js';
import { idNumber } from '../credit/helpers.js';
import { ensureClientBuilt, launchChromium } from './browser.js';

const PASSWORD = 'Bid-2026-secret';

/**
 * Chromium: the public portal, then bidder1 registers (报名) for a published trade, loads its key
 * file (.p12) into the page, fills in the bid, seals it in the page to the trade's opening
 * certificate and uploads it with a progress bar; the receipt it sees is the server's.
 */
describe('trades and sealed bids in Chromium', function () {
  this.timeout(300_000);
  let app: TestApp;
  let chromium: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let dir: string;
  let trade: TradeView;
  let keyFile: string;
  let attachment: string;

  before(async () => {
    ensureClientBuilt();
    app = await givenApp();
    chromium = await launchChromium();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-e2e-trades-'));
    trade = await publishedTrade(app, 'construction');
    // bidder1's key pair and certificate, saved the way the certificates page saves them: a .p12.
    const signer = await enrol(app, 'bidder1');
    keyFile = path.join(dir, 'bidder1.p12');
    fs.writeFileSync(keyFile, createPkcs12(signer.privateKeyPem, [signer.certificatePem, ...(signer.chainPem ?? [])], PASSWORD, { friendlyName: 'bidder1' }));
    attachment = path.join(dir, '技术标.pdf');
    fs.writeFileSync(attachment, crypto.randomBytes(2 * 1024 * 1024 + 123));
  });
  after(async () => {
    await chromium?.close();
    await app?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    const context = await chromium.browser.newContext({ locale: 'zh-CN', acceptDownloads: true });
    page = await context.newPage();
  });
  afterEach(async () => {
    await page.context().close();
  });

  it('shows the published notice to anyone: kind, method, Beijing-time deadline, documents with SHA-256, opening certificate, limits', async () => {
    await page.goto(`${app.url}/#/trades`);
    const row = page.locator(`[data-testid="trade-row"][data-trade-id="${trade.id}"]`);
    await row.waitFor();
    expect(await row.getByTestId('trade-kind').innerText()).to.equal('工程建设');
    expect(await row.getByTestId('trade-method').innerText()).to.equal('公开招标');
    // 2027-01-05T01:30Z is 09:30 in Beijing
    expect(await row.getByTestId('trade-deadline').innerText()).to.contain('2027-01-05 09:30');

    await row.getByTestId('trade-link').click();
    await page.getByTestId('trade-detail').waitFor();
    expect(await page.getByTestId('trade-code').innerText()).to.equal(trade.code);
    expect(await page.getByTestId('trade-details').getAttribute('data-kind')).to.equal('construction');
    expect(await page.getByTestId('opening-cert-serial').innerText()).to.equal(trade.openingCertificateSerial);
    const documents = (await app.http.get(`/api/trades/${trade.id}/documents`)).body.documents as DocumentView[];
    expect(await page.getByTestId('document-sha256').allInnerTexts()).to.deep.equal(documents.map((d) => d.sha256));
    const limits = await page.getByTestId('trade-limit').allInnerTexts();
    expect(limits.length).to.equal(trade.limits.length).and.to.be.greaterThan(0);
    expect(limits.join('\n')).to.match(/日|工作日/);
    // anonymous: no download links, no bidding
    expect(await page.getByTestId('document-download').count()).to.equal(0);
    expect(await page.getByTestId('bidder-section').count()).to.equal(0);
  });

  it('lets bidder1 register, seal a bid in the page and upload it with progress; a 504 shows failure, the real upload shows the server’s receipt', async () => {
    await page.goto(`${app.url}/#/trades/${trade.id}`);
    await page.getByTestId('trade-detail').waitFor();
    await page.getByTestId('nav-login').click();
    await page.locator('#username').fill('bidder1');
    await page.locator('#password').fill('demo1234');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('home-page').waitFor();
    await page.getByTestId('nav-trades').click();
    await page.locator(`[data-testid="trade-row"][data-trade-id="${trade.id}"] [data-testid="trade-link"]`).click();
    await page.getByTestId('trade-detail').waitFor();

    // 报名
    await page.getByTestId('register-trade').click();
    await page.getByTestId('registered').waitFor();
    await page.getByTestId('document-download').first().waitFor();

    // the key file, opened in the page with its password (a wrong one first)
    await page.getByTestId('bid-panel').waitFor();
    await page.getByTestId('bid-keyfile').setInputFiles(keyFile);
    await page.getByTestId('bid-key-password').fill('wrong-password');
    await page.getByTestId('bid-key-load').click();
    await page.getByTestId('bid-key-error').waitFor();
    await page.getByTestId('bid-key-password').fill(PASSWORD);
    await page.getByTestId('bid-key-load').click();
    await page.getByTestId('bid-key-loaded').waitFor();

    await page.getByTestId('bid-price').fill('9,876,543.21');
    expect(await page.getByTestId('bid-price-fen').innerText()).to.contain('987654321');
    await page.getByTestId('bid-duration').fill('170');
    await page.getByTestId('bid-quality').fill('合格');
    await page.getByTestId('bid-pm').fill('张伟');
    // the project manager's ID number is checked before sealing (a bad one would be refused at the opening)
    const pmId = idNumber(31);
    await page.getByTestId('bid-pm-id').fill(pmId.slice(0, 17) + (pmId.endsWith('0') ? '1' : '0'));
    await page.getByTestId('bid-submit').click();
    expect(await page.getByTestId('bid-form-error').innerText()).to.contain('项目经理身份证号');
    await page.getByTestId('bid-pm-id').fill(pmId);
    await page.getByTestId('bid-notes').fill('含税价');
    await page.getByTestId('bid-attachments').setInputFiles(attachment);

    // Record every progress value the page shows while uploading.
    // (a string: this file is typechecked without the DOM library)
    await page.evaluate(`
      window.progressSeen = [];
      new MutationObserver(() => {
        const bar = document.querySelector('[data-testid="bid-uploading"] [data-testid="bid-progress"]');
        if (bar) window.progressSeen.push(bar.getAttribute('data-percent') ?? '');
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-percent'] });
    `);

    // A gateway timeout is a failure, never a success.
    const bidsUrl = `**/api/trades/${trade.id}/bids`;
    await page.route(bidsUrl, (route) =>
      route.request().method() === 'POST' ? route.fulfill({ status: 504, contentType: 'text/html', body: '<html>504 Gateway Time-out</html>' }) : route.continue(),
    );
    await page.getByTestId('bid-submit').click();
    await page.getByTestId('bid-upload-error').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('bid-upload-done').count()).to.equal(0);
    expect(await page.getByTestId('bid-receipt').count()).to.equal(0);
    await page.unroute(bidsUrl);
    const token = await app.tokenFor('bidder1');
    expect(((await app.http.get(`/api/trades/${trade.id}/bids`).set(bearer(token))).body.bids as BidView[]).length).to.equal(0);

    // The real upload.
    await page.evaluate('window.progressSeen.length = 0');
    await page.getByTestId('bid-submit').click();
    await page.getByTestId('bid-upload-done').waitFor({ timeout: 120_000 });
    const seen = (await page.evaluate('window.progressSeen')) as string[];
    expect(seen.length, 'the progress bar was shown while uploading').to.be.greaterThan(0);
    expect(seen).to.include('100');
    expect(await page.getByTestId('bid-upload-error').count()).to.equal(0);

    // The receipt shown is the server's.
    await page.getByTestId('bid-receipt').waitFor();
    const shownSha = await page.getByTestId('receipt-sha256').innerText();
    const stored = (await app.http.get(`/api/trades/${trade.id}/bids`).set(bearer(token))).body.bids as BidView[];
    expect(stored).to.have.length(1);
    expect(stored[0]!.status).to.equal('current');
    expect(shownSha).to.equal(stored[0]!.sha256);
    expect(await page.getByTestId('receipt-trade').innerText()).to.equal(trade.code);
    expect(await page.getByTestId('receipt-seq').innerText()).to.equal('1');
    await page.locator(`[data-testid="bid-history-row"][data-bid-id="${stored[0]!.id}"][data-status="current"]`).waitFor();

    // The receipt file (.p7s) is the DER the server signed.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('receipt-download').click()]);
    const saved = path.join(dir, 'receipt.p7s');
    await download.saveAs(saved);
    const receipt = (await app.http.get(`/api/trades/${trade.id}/bids/${stored[0]!.id}/receipt`).set(bearer(token))).body as BidReceiptView;
    expect(fs.readFileSync(saved).equals(Buffer.from(receipt.receipt, 'base64'))).to.equal(true);

    // Replacing before the deadline: a second seal and upload; the first becomes "replaced".
    await page.getByTestId('bid-price').fill('9800000');
    await page.getByTestId('bid-submit').click();
    await page.locator('[data-testid="receipt-seq"]', { hasText: '2' }).waitFor({ timeout: 120_000 });
    const after = (await app.http.get(`/api/trades/${trade.id}/bids`).set(bearer(token))).body.bids as BidView[];
    const current = after.find((b) => b.status === 'current')!;
    expect(after.map((b) => b.status).sort()).to.deep.equal(['current', 'replaced']);
    expect(await page.getByTestId('receipt-sha256').innerText()).to.equal(current.sha256);
    await page.locator(`[data-testid="bid-history-row"][data-bid-id="${stored[0]!.id}"][data-status="replaced"]`).waitFor();
  });

  it('lets staff create a trade in the form, upload its tender documents, see publication refused by rule code with the earliest date, and read the download register', async () => {
    await page.goto(app.url);
    await page.locator('#username').fill('staff');
    await page.locator('#password').fill('demo1234');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('home-page').waitFor();
    await page.getByTestId('nav-trades').click();
    await page.getByTestId('trade-new-link').click();
    await page.getByTestId('trade-create-page').waitFor();

    await page.getByTestId('create-title').fill('章贡区沙河镇道路排水工程（浏览器）');
    await page.getByTestId('create-region').fill('360702');
    await page.getByTestId('create-tenderee').selectOption({ label: '赣州市章贡区城市建设投资有限公司' });
    await page.getByTestId('create-amount').fill('10000000');
    await page.getByTestId('create-bid-security').fill('200000');
    await page.getByTestId('create-lot-name').fill('第一标段');
    await page.getByTestId('create-lot-amount').fill('10000000');
    await page.getByTestId('create-qualifications').fill('具有独立法人资格\n近三年无重大违法记录');
    await page.getByTestId('create-documents-until').fill('2026-11-30T17:00');
    // Too early: the clock stands at 2026-11-25 and the construction minimum is 20 days.
    await page.getByTestId('create-bid-deadline').fill('2026-12-01T09:30');
    await page.getByTestId('create-opening-place').fill('赣州市公共资源交易中心 不见面开标大厅');
    const officials = ['official1', 'official2', 'official3'].map((u) => app.seed!.users[u]!);
    // the officials come from GET /api/officials, with their certificates; tick all three
    const boxes = page.getByTestId('create-official');
    await boxes.first().waitFor();
    expect(await boxes.count()).to.equal(3);
    for (let i = 0; i < 3; i++) await boxes.nth(i).check();
    await page.getByTestId('create-details-site').fill('赣州市章贡区沙河镇');
    await page.getByTestId('create-details-scope').fill('道路及排水工程施工');
    await page.getByTestId('create-details-durationDays').fill('180');
    await page.getByTestId('create-details-qualityStandard').fill('合格');
    await page.getByTestId('create-submit').click();

    const detail = page.locator('[data-testid="trade-detail"][data-state="draft"]');
    await Promise.race([detail.waitFor(), page.locator('[data-testid="create-error"], [data-testid="create-problem"]').waitFor().then(async () => {
      throw new Error(`create failed: ${await page.locator('[data-testid="create-error"], [data-testid="create-problem"]').innerText()}`);
    })]);
    const id = Number(await detail.getAttribute('data-trade-id'));
    const created = (await app.http.get(`/api/trades/${id}`).set(bearer(await app.tokenFor('staff')))).body as TradeView;
    expect(created.notice.amountFen).to.equal(1_000_000_000);
    expect(created.bidDeadline).to.equal('2026-12-01T01:30:00.000Z');
    expect(created.notice.officials).to.deep.equal(officials);

    await page.getByTestId('doc-title').fill('招标文件');
    await page.getByTestId('doc-file').setInputFiles({ name: '招标文件.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 招标文件正文') });
    await page.getByTestId('doc-submit').click();
    await page.getByTestId('doc-uploaded').waitFor();
    const docs = (await app.http.get(`/api/trades/${id}/documents`).set(bearer(await app.tokenFor('staff')))).body.documents as DocumentView[];
    expect(docs).to.have.length(1);
    await page.locator('[data-testid="document-sha256"]', { hasText: docs[0]!.sha256 }).waitFor();

    for (const official of ['official1', 'official2', 'official3']) await enrol(app, official);
    await page.getByTestId('transition-publish').click();
    const error = page.locator('[data-testid="transition-error"][data-code="DEADLINE_TOO_EARLY"]');
    await error.waitFor();
    // The same refusal over the API names the earliest date the page shows.
    const refused = await app.http.post(`/api/trades/${id}/transitions/publish`).set(bearer(await app.tokenFor('staff'))).send({});
    expect(refused.status).to.equal(422);
    expect(refused.body.code).to.equal('DEADLINE_TOO_EARLY');
    expect(await page.getByTestId('transition-error-facts').innerText()).to.contain(refused.body.earliest as string);

    // The download register of the published trade names bidder1's registration.
    await page.goto(`${app.url}/#/trades/${trade.id}`);
    await page.getByTestId('download-register-load').click();
    await page.locator('[data-testid="register-registrations"] li', { hasText: '赣州宏达建设工程有限公司' }).waitFor();
  });

  it('tells bidder1 live of a clarification affecting bids (badge), and flags the earlier bid as predating it', async () => {
    await page.goto(app.url);
    await page.locator('#username').fill('bidder1');
    await page.locator('#password').fill('demo1234');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('home-page').waitFor();
    await page.goto(`${app.url}/#/trades/${trade.id}`);
    await page.getByTestId('bid-history').waitFor();
    expect(await page.getByTestId('notifications-badge').count()).to.equal(0);

    app.clock.advance(60 * 60_000); // an hour after the bids
    const res = await uploadDocument(app, trade.id, 'clarification', '澄清一', Buffer.from('澄清内容'), 'staff', true);
    expect(res.status, res.text).to.equal(201);
    await page.getByTestId('notifications-badge').waitFor({ timeout: 30_000 });
    await page.getByTestId('nav-notifications').click();
    await page.getByTestId('notification').first().waitFor();
    expect(await page.getByTestId('notification').first().innerText()).to.contain(trade.title);

    await page.goto(`${app.url}/#/trades/${trade.id}`);
    await page.locator('[data-testid="bid-history-row"][data-status="current"][data-predates-amendment="true"]').waitFor();
  });
});
