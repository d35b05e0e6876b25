import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { BrowserContext, Page } from 'playwright-core';
import type { OpeningView } from '../../contracts/opening.js';
import type { TradeView } from '../../contracts/trades.js';
import { nodeProvider } from '../../crypto/node/provider.js';
import { createPkcs12 } from '../../crypto/pkcs12.js';
import { unlockBid } from '../../crypto/sealed-bid.js';
import { bearer, givenApp, type TestApp } from '../helpers/app.js';
import { closeBidding, startOpening } from '../helpers/opening.js';
import { enrol, publishedTrade, register, sealedBidFor, uploadBid } from '../helpers/trades.js';
import { ensureClientBuilt, launchChromium } from './browser.js';

const PASSWORD = 'Open-2026-secret';
const PRICES: Record<string, number> = { bidder1: 987_654_321, bidder2: 912_345_678, bidder3: 955_500_000 };

/**
 * Chromium, the acceptance point of the remote opening hall (不见面开标): two officials, each in a
 * browser context of their own, load their key file (.p12) into the hall page, decrypt their share
 * of the opening key there and submit it; bidder1, in a third context, watches the three bids open
 * live (no reload) and, once staff publish the record, confirms it online.
 */
describe('the opening hall in Chromium', function () {
  this.timeout(300_000);
  let app: TestApp;
  let chromium: Awaited<ReturnType<typeof launchChromium>>;
  let dir: string;
  let trade: TradeView;
  const keyFiles: Record<string, string> = {};
  const contexts: BrowserContext[] = [];

  before(async () => {
    ensureClientBuilt();
    app = await givenApp();
    chromium = await launchChromium();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-e2e-opening-'));
    // unlockMode 'officials', 2 of 3 (noticeFor's defaults); publishedTrade enrols the officials first
    trade = await publishedTrade(app, 'construction', 'open_tender', { title: '章贡区沙河大道排水管网改造工程（开标大厅）', unlockMode: 'officials', threshold: 2 });
    for (const bidder of Object.keys(PRICES)) {
      expect((await register(app, trade.id, bidder)).status).to.equal(201);
      const res = await uploadBid(app, trade.id, bidder, await sealedBidFor(app, trade, bidder, PRICES[bidder]));
      expect(res.status, res.text).to.equal(201);
    }
    // The officials' key files: the same key pairs their shares were sealed to, saved as .p12 the way the certificates page saves them.
    for (const official of ['official1', 'official2']) {
      const holder = await enrol(app, official);
      keyFiles[official] = path.join(dir, `${official}.p12`);
      fs.writeFileSync(keyFiles[official], createPkcs12(holder.privateKeyPem, [holder.certificatePem, ...(holder.chainPem ?? [])], PASSWORD, { friendlyName: official }));
    }
    await closeBidding(app, trade);
    const started = await startOpening(app, trade);
    expect(started.state).to.equal('unlocking');
    expect(started.pending).to.equal(3);
  });
  after(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await chromium?.close();
    await app?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function signedIn(username: string): Promise<Page> {
    const context = await chromium.browser.newContext({ locale: 'zh-CN' });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(app.url);
    await page.locator('#username').fill(username);
    await page.locator('#password').fill('demo1234');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('home-page').waitFor();
    return page;
  }

  async function openHall(page: Page): Promise<void> {
    await page.goto(`${app.url}/#/trades/${trade.id}/opening`);
    await page.getByTestId('opening-hall').waitFor();
    await page.locator('[data-testid="hall-connection"][data-state="live"]').waitFor();
  }

  async function submitShareInPage(page: Page, official: string): Promise<void> {
    await page.getByTestId('official-panel').waitFor();
    await page.getByTestId('official-keyfile').setInputFiles(keyFiles[official]!);
    await page.getByTestId('official-key-password').fill(PASSWORD);
    await page.getByTestId('official-key-load').click();
    await page.getByTestId('official-key-loaded').waitFor();
    await page.getByTestId('official-submit-share').click();
    await page.getByTestId('official-share-done').waitFor({ timeout: 120_000 });
  }

  it('two officials unlock in two browser contexts; a bidder in a third watches the bids open live and confirms the record', async () => {
    // bidder1 enters the hall from the notice page
    const bidder = await signedIn('bidder1');
    await bidder.goto(`${app.url}/#/trades/${trade.id}`);
    await bidder.getByTestId('trade-opening-hall').click();
    await bidder.getByTestId('opening-hall').waitFor();
    await bidder.locator('[data-testid="hall-connection"][data-state="live"]').waitFor();
    expect(await bidder.getByTestId('hall-state').getAttribute('data-state')).to.equal('unlocking');
    expect(await bidder.getByTestId('hall-shares').getAttribute('data-in')).to.equal('0');
    expect(await bidder.getByTestId('hall-shares').getAttribute('data-needed')).to.equal('2');
    expect(await bidder.getByTestId('hall-result').count()).to.equal(0);
    // the countdown runs on the server's clock (the ticks): at the opening time it shows "due"
    await bidder.locator('[data-testid="hall-server-time"]', { hasText: '2027-01-05 09:30' }).waitFor();
    expect(await bidder.getByTestId('hall-countdown').innerText()).to.equal('开标时间已到');
    // a marker a reload would wipe: everything below must arrive live
    await bidder.evaluate('window.__hallMarker = "still-here"');

    // official1, in a second context, submits a share: one share opens nothing
    const official1 = await signedIn('official1');
    await openHall(official1);
    // a wrong password first: the key stays unloaded
    await official1.getByTestId('official-keyfile').setInputFiles(keyFiles.official1!);
    await official1.getByTestId('official-key-password').fill('wrong-password');
    await official1.getByTestId('official-key-load').click();
    await official1.getByTestId('official-key-error').waitFor();
    await submitShareInPage(official1, 'official1');
    await bidder.locator('[data-testid="hall-shares"][data-in="1"]').waitFor();
    expect(await bidder.getByTestId('hall-result').count()).to.equal(0);

    // official2, in a third context: with two of three the server rebuilds the key and opens every bid
    const official2 = await signedIn('official2');
    await openHall(official2);
    await submitShareInPage(official2, 'official2');

    // the bidder's page sees the three results arrive, without a reload
    await bidder.locator('[data-testid="hall-shares"][data-in="2"]').waitFor();
    await bidder.locator('[data-testid="hall-result"][data-outcome="opened"]').nth(2).waitFor();
    expect(await bidder.getByTestId('hall-result').count()).to.equal(3);
    await bidder.locator('[data-testid="hall-state"][data-state="recorded"]').waitFor();
    const events = await bidder.locator('[data-testid="hall-event"]').evaluateAll((items) => items.map((i) => i.getAttribute('data-type')));
    expect(events).to.include.members(['opening.started', 'share.received', 'bid.unlocked', 'bid.result', 'record.ready']);
    const seqs = await bidder.locator('[data-testid="hall-event"]').evaluateAll((items) => items.map((i) => Number(i.getAttribute('data-seq'))));
    expect(seqs).to.deep.equal([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).to.equal(seqs.length);

    // staff publish the record; the bidder's page shows names, prices and the confirmation buttons
    const published = await app.http.post(`/api/trades/${trade.id}/opening/publish`).set(bearer(await app.tokenFor('staff'))).send({});
    expect(published.status, published.text).to.equal(200);
    expect((published.body as OpeningView).state).to.equal('published');
    await bidder.locator('[data-testid="hall-state"][data-state="published"]').waitFor();
    const shownPrices = await bidder.locator('[data-testid="hall-result-price"]').evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-price-fen'))));
    expect(shownPrices.sort()).to.deep.equal(Object.values(PRICES).sort());
    expect(await bidder.getByTestId('hall-record-pdf').getAttribute('href')).to.equal(`/api/trades/${trade.id}/opening/record.pdf`);
    expect(await bidder.evaluate('window.__hallMarker')).to.equal('still-here');

    await bidder.getByTestId('confirm-record').click();
    await bidder.locator('[data-testid="my-confirmation"][data-decision="confirm"]').waitFor();

    // HALL_SCREENSHOT=<dir> keeps a picture of the bidder's hall (for reviewing the page)
    if (process.env.HALL_SCREENSHOT) await bidder.screenshot({ path: path.join(process.env.HALL_SCREENSHOT, 'opening-hall-bidder.png'), fullPage: true });

    // the server has it
    const view = (await app.http.get(`/api/trades/${trade.id}/opening`).set(bearer(await app.tokenFor('bidder1')))).body as OpeningView;
    expect(view.myConfirmation?.decision).to.equal('confirm');
    expect(view.results.filter((r) => r.outcome === 'opened')).to.have.length(3);
    // and the officials' pages saw the end too
    await official1.locator('[data-testid="hall-state"][data-state="published"]').waitFor();
  });

  it('bidder-unlock mode: bidder1 unlocks its own bid in the page (only the content key leaves it); the others by API; the record follows', async () => {
    app.setClock('2026-11-25T02:00:00.000Z');
    const own = await publishedTrade(app, 'construction', 'open_tender', { title: '章贡区水东片区道路工程（投标人解密）', unlockMode: 'bidder', threshold: 2 });
    for (const bidder of Object.keys(PRICES)) {
      expect((await register(app, own.id, bidder)).status).to.equal(201);
      const res = await uploadBid(app, own.id, bidder, await sealedBidFor(app, own, bidder, PRICES[bidder]));
      expect(res.status, res.text).to.equal(201);
    }
    const holder = await enrol(app, 'bidder1');
    const bidderKey = path.join(dir, 'bidder1.p12');
    fs.writeFileSync(bidderKey, createPkcs12(holder.privateKeyPem, [holder.certificatePem, ...(holder.chainPem ?? [])], PASSWORD, { friendlyName: 'bidder1' }));
    await closeBidding(app, own);
    const started = await startOpening(app, own);
    expect([started.state, started.mode]).to.deep.equal(['unlocking', 'bidder']);

    const page = await signedIn('bidder1');
    await page.goto(`${app.url}/#/trades/${own.id}/opening`);
    await page.locator('[data-testid="hall-connection"][data-state="live"]').waitFor();
    await page.getByTestId('bidder-unlock-panel').waitFor();
    await page.getByTestId('bidder-keyfile').setInputFiles(bidderKey);
    await page.getByTestId('bidder-key-password').fill(PASSWORD);
    await page.getByTestId('bidder-key-load').click();
    await page.getByTestId('bidder-key-loaded').waitFor();
    await page.getByTestId('bidder-unlock').click();
    await page.getByTestId('bidder-unlocked').waitFor({ timeout: 120_000 });
    await page.locator('[data-testid="hall-result"][data-outcome="opened"]').waitFor();
    // before all unlocking has finished: no names, no prices
    expect(await page.getByTestId('hall-result-price').getAttribute('data-price-fen')).to.equal('');

    // bidders 2 and 3 unlock on their side (a script here): download the envelope, unwrap the content key, send only it
    for (const bidder of ['bidder2', 'bidder3']) {
      const token = await app.tokenFor(bidder);
      const mine = (await app.http.get(`/api/trades/${own.id}/opening`).set(bearer(token))).body as OpeningView;
      const envelope = await app.http
        .get(`/api/trades/${own.id}/bids/${mine.myBid!.bidId}/envelope`)
        .set(bearer(token))
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => done(null, Buffer.concat(chunks)));
        });
      expect(envelope.status).to.equal(200);
      const holderKey = await enrol(app, bidder);
      const cek = await unlockBid(new Uint8Array(envelope.body as Buffer), { certificatePem: holderKey.certificatePem, privateKeyPem: holderKey.privateKeyPem }, { provider: nodeProvider });
      const res = await app.http.post(`/api/trades/${own.id}/opening/unlock`).set(bearer(token)).send({ bidId: mine.myBid!.bidId, cek: Buffer.from(cek).toString('base64') });
      expect(res.status, res.text).to.equal(200);
    }
    // the page sees the record and, with it, every bidder's price
    await page.locator('[data-testid="hall-state"][data-state="recorded"]').waitFor();
    await page.locator('[data-testid="hall-result"][data-outcome="opened"]').nth(2).waitFor();
    await page.locator('[data-testid="hall-result-price"][data-price-fen="987654321"]').waitFor();
  });
});
