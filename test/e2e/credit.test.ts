import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { BrowserContext, Page } from 'playwright-core';
import type { CreditRecordView } from '../../contracts/credit-names.js';
import type { TradeView } from '../../contracts/trades.js';
import { createPkcs12 } from '../../crypto/pkcs12.js';
import { bearer, givenApp, type TestApp } from '../helpers/app.js';
import { enrol, publishedTrade, register } from '../helpers/trades.js';
import { ensureClientBuilt, launchChromium, signInPage } from './browser.js';

const USCC = '91360781MA35R6L47R';
const NAME = '瑞金红都建筑工程有限公司';
const ACT = '在瑞金市城区供水管网改造工程投标中提供虚假的项目经理业绩证明，骗取中标。';
const BASIS = '《招标投标法》第五十四条';
const DECISION_NO = '瑞发改罚〔2026〕17号';
const AUTHORITY = '瑞金市发展和改革委员会';
const PASSWORD = 'Credit-2026-key';
/** An unreachable peer (nothing listens on the discard port), pulled only on demand. */
const PEER = '350800';

/**
 * Chromium, issue 8's acceptance in the browser: the supervisor records a penalty against bidder2's
 * organisation (瑞金市 issues it, barred from bidding everywhere) in the credit management form; the
 * public credit list shows it without signing in, searched by USCC and by part of the name, with the
 * organisation's score; bidder2, on two published trades of 龙南市, is refused registration (报名) and
 * the bid upload with 瑞金市, the basis and the end date on the page; bidder2 objects on 我的信用, and
 * the supervisor upholds the objection, which revokes the record.
 */
describe('credit in Chromium: record, public list, the refusal names the issuing region', function () {
  this.timeout(300_000);
  let app: TestApp;
  let chromium: Awaited<ReturnType<typeof launchChromium>>;
  const contexts: BrowserContext[] = [];
  let dir: string;
  let keyFile: string;
  /** bidder2 registered before the penalty (the upload is refused) and a trade it has not registered for. */
  let registered: TradeView;
  let open: TradeView;
  let supervisor: Page;
  let bidder: Page;

  before(async () => {
    ensureClientBuilt();
    app = await givenApp({ CREDIT_PEERS: `${PEER}=http://127.0.0.1:9`, CREDIT_PULL_SECONDS: '0' });
    chromium = await launchChromium();
    registered = await publishedTrade(app, 'construction', 'open_tender', { regionCode: '360783', title: '龙南市城区道路提升改造工程' });
    open = await publishedTrade(app, 'construction', 'open_tender', { regionCode: '360783', title: '龙南市东江乡农村饮水安全工程' });
    const reg = await register(app, registered.id, 'bidder2');
    expect(reg.status, reg.text).to.be.oneOf([200, 201]);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-e2e-credit-'));
    const signer = await enrol(app, 'bidder2');
    keyFile = path.join(dir, 'bidder2.p12');
    fs.writeFileSync(keyFile, createPkcs12(signer.privateKeyPem, [signer.certificatePem, ...(signer.chainPem ?? [])], PASSWORD, { friendlyName: 'bidder2' }));
  });
  after(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await chromium?.close();
    await app?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the supervisor records the penalty in the form (a too-long period refused first) and sees it, and pulls the peer', async () => {
    supervisor = await signInPage(chromium.browser, app.url, 'supervisor', contexts);
    await supervisor.locator('[data-testid="task-card"][data-task="supervisor.credit"] [data-testid="task-link"]').click();
    await supervisor.getByTestId('credit-manage-page').waitFor();
    await supervisor.getByTestId('credit-form-subject-id').fill(USCC);
    await supervisor.getByTestId('credit-form-name').fill(NAME);
    await supervisor.getByTestId('credit-form-act').fill(ACT);
    await supervisor.getByTestId('credit-form-basis').fill(BASIS);
    await supervisor.getByTestId('credit-form-decision-no').fill(DECISION_NO);
    await supervisor.getByTestId('credit-form-authority').fill(AUTHORITY);
    // only regions the supervisor covers (赣州市 and below) are offered
    const offered = await supervisor.locator('#credit-form-region option').evaluateAll((options) => options.map((o) => (o as unknown as { value: string }).value));
    expect(offered).to.include.members(['360700', '360781', '360783']);
    expect(offered).to.not.include('350800');
    await supervisor.getByTestId('credit-form-region').selectOption('360781');
    await supervisor.getByTestId('credit-form-severity').selectOption('serious');
    expect(await supervisor.getByTestId('credit-form-scope').inputValue()).to.equal('bidding');

    // six years: over the 60-month limit, refused by the server and shown with its code
    await supervisor.getByTestId('credit-form-ends').fill('2032-12-01T10:00');
    await supervisor.getByTestId('credit-form-submit').click();
    const refused = supervisor.getByTestId('credit-form-error');
    await refused.waitFor();
    expect(await refused.getAttribute('data-code')).to.equal('CREDIT_PERIOD_TOO_LONG');
    expect(await refused.textContent()).to.contain('记录期限超过法定最长期限');

    await supervisor.getByTestId('credit-form-ends').fill('2027-11-25T10:00');
    await supervisor.getByTestId('credit-form-submit').click();
    await supervisor.getByTestId('credit-form-done').waitFor();
    expect(await supervisor.getByTestId('credit-form-done').textContent()).to.contain(NAME);
    const row = supervisor.locator('[data-testid="credit-records"] [data-testid="credit-row"][data-status="active"]');
    await row.waitFor();
    expect(await row.getByTestId('credit-region').textContent()).to.equal('瑞金市');
    expect(await row.getByTestId('credit-scope').textContent()).to.contain('限制参与投标（全部地区）');
    expect(await row.getByTestId('credit-scope').textContent()).to.contain('严重，扣 30 分');

    // the federation peer: unreachable; "pull now" counts a failure and shows the error
    const peer = supervisor.locator(`[data-testid="credit-peer"][data-code="${PEER}"]`);
    await peer.waitFor();
    expect(await peer.getAttribute('data-failures')).to.equal('0');
    await peer.getByTestId('credit-peer-pull').click();
    await supervisor.locator(`[data-testid="credit-peer"][data-code="${PEER}"][data-failures="1"]`).waitFor();
    expect(await supervisor.getByTestId('credit-peer-pulled').textContent()).to.contain('同步失败');
    expect(await supervisor.getByTestId('credit-peer-error').textContent()).to.contain('unreachable');

    const records = (await app.http.get('/api/credit/records?status=all').set(bearer(await app.tokenFor('supervisor')))).body.records as CreditRecordView[];
    expect(records.map((r) => [r.subject.id, r.issuingRegion.code, r.scope, r.severity, r.points, r.basis, r.decisionNo, r.endsAt])).to.deep.equal([
      [USCC, '360781', 'bidding', 'serious', 30, BASIS, DECISION_NO, '2027-11-25T02:00:00.000Z'],
    ]);
  });

  it('the public credit list shows it without signing in, by USCC and by part of the name, and the organisation’s score', async () => {
    const context = await chromium.browser.newContext({ locale: 'zh-CN' });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(app.url);
    await page.getByTestId('nav-credit').click();
    await page.getByTestId('credit-page').waitFor();
    expect(await page.getByTestId('nav-login').count()).to.equal(1);

    const search = async (q: string, region = '') => {
      await page.getByTestId('credit-q').fill(q);
      await page.getByTestId('credit-region-filter').selectOption(region);
      await page.getByTestId('credit-search-submit').click();
    };
    await search('没有这个单位');
    await page.getByTestId('credit-empty').waitFor();
    await search(USCC);
    const row = page.locator('[data-testid="credit-list"] [data-testid="credit-row"]');
    await row.waitFor();
    expect(await row.count()).to.equal(1);
    expect(await row.getByTestId('credit-subject-link').textContent()).to.equal(NAME);
    expect(await row.getByTestId('credit-subject-id').textContent()).to.equal(USCC);
    expect(await row.getByTestId('credit-region').textContent()).to.equal('瑞金市');
    expect(await row.getByTestId('credit-act').textContent()).to.equal(ACT);
    expect(await row.getByTestId('credit-basis').textContent()).to.equal(`${BASIS}${DECISION_NO}`);
    expect(await row.getByTestId('credit-authority').textContent()).to.equal(AUTHORITY);
    expect(await row.getByTestId('credit-scope').textContent()).to.contain('限制参与投标（全部地区）');
    expect(await row.getByTestId('credit-period').textContent()).to.equal('2026-11-25 至 2027-11-25');
    expect(await row.getByTestId('credit-status').textContent()).to.equal('生效中');

    // by the region of 龙南市 nothing; by part of the name (and 瑞金市's parent 赣州市) it is there
    await search('红都建筑', '360783');
    await page.getByTestId('credit-empty').waitFor();
    await search('红都建筑', '360700');
    await row.waitFor();
    expect(await row.getByTestId('credit-subject-link').textContent()).to.equal(NAME);

    await row.getByTestId('credit-subject-link').click();
    await page.locator(`[data-testid="credit-organisation-page"][data-uscc="${USCC}"]`).waitFor();
    expect(await page.getByTestId('credit-organisation-name').textContent()).to.equal(NAME);
    expect(await page.getByTestId('credit-score-value').textContent()).to.equal('70');
    expect(await page.getByTestId('credit-formula').textContent()).to.match(/^计算方法: \S/);
    expect(await page.getByTestId('credit-history-row').count()).to.be.greaterThan(0);
  });

  it('bidder2 is refused registration and the bid upload in 龙南市, with 瑞金市, the basis and the end shown; it objects on 我的信用', async () => {
    bidder = await signInPage(chromium.browser, app.url, 'bidder2', contexts);

    // 报名 for the trade it has not registered for
    await bidder.goto(`${app.url}/#/trades/${open.id}`);
    await bidder.getByTestId('trade-detail').waitFor();
    // the page says so before bidder2 tries
    const notice = bidder.getByTestId('credit-notice');
    await notice.waitFor();
    expect(await notice.textContent()).to.contain('瑞金市（360781）').and.to.contain(`${BASIS}（${DECISION_NO}）`);
    await bidder.getByTestId('register-trade').click();
    const registration = bidder.getByTestId('register-error');
    await registration.waitFor();
    const said = await registration.textContent();
    expect(said).to.contain('贵单位因信用惩戒被限制参与');
    expect(said).to.contain('瑞金市（360781）');
    expect(said).to.contain(`${BASIS}（${DECISION_NO}）`);
    expect(said).to.contain('限制期至 2027-11-25 10:00（北京时间）');
    expect(await bidder.getByTestId('registered').count()).to.equal(0);

    // the sealed bid on the trade it registered for before the penalty
    await bidder.goto(`${app.url}/#/trades/${registered.id}`);
    await bidder.getByTestId('bid-panel').waitFor();
    await bidder.getByTestId('bid-keyfile').setInputFiles(keyFile);
    await bidder.getByTestId('bid-key-password').fill(PASSWORD);
    await bidder.getByTestId('bid-key-load').click();
    await bidder.getByTestId('bid-key-loaded').waitFor();
    await bidder.getByTestId('bid-price').fill('9,500,000');
    await bidder.getByTestId('bid-submit').click();
    const upload = bidder.getByTestId('bid-upload-error');
    await upload.waitFor({ timeout: 120_000 });
    const uploadSaid = await upload.textContent();
    expect(uploadSaid).to.contain('瑞金市（360781）');
    expect(uploadSaid).to.contain(BASIS);
    expect(uploadSaid).to.contain('2027-11-25 10:00');
    expect(await bidder.getByTestId('bid-upload-done').count()).to.equal(0);
    const bids = await app.http.get(`/api/trades/${registered.id}/bids`).set(bearer(await app.tokenFor('bidder2')));
    expect(bids.body.bids).to.deep.equal([]);

    // 我的信用: the record, an objection
    await bidder.goto(`${app.url}/#/`);
    await bidder.locator('[data-testid="task-card"][data-task="bidder.credit"] [data-testid="task-link"]').click();
    await bidder.locator(`[data-testid="credit-mine-page"][data-uscc="${USCC}"]`).waitFor();
    expect(await bidder.getByTestId('credit-score-value').textContent()).to.equal('70');
    const mine = bidder.locator('[data-testid="credit-mine-records"] [data-testid="credit-row"][data-status="active"]');
    await mine.waitFor();
    await mine.getByTestId('credit-apply-objection').click();
    await bidder.getByTestId('credit-apply-form').waitFor();
    expect(await bidder.getByTestId('credit-apply-kind-objection').isChecked()).to.equal(true);
    await bidder.getByTestId('credit-apply-reason').fill('该工程项目经理业绩证明真实有效，已由住建部门出具核查意见。');
    await bidder.getByTestId('credit-apply-evidence').fill('瑞金市住房和城乡建设局业绩核查意见书（2026年12月）');
    await bidder.getByTestId('credit-apply-submit').click();
    const application = bidder.locator('[data-testid="credit-mine-applications"] [data-testid="credit-application"][data-status="pending"]');
    await application.waitFor();
    expect(await application.getAttribute('data-kind')).to.equal('objection');
    expect(await application.getByTestId('credit-application-status').textContent()).to.equal('待决定');
    await mine.getByText('申请待决定').waitFor();
  });

  it('the supervisor upholds the objection: the record is revoked and leaves the public list', async () => {
    await supervisor.reload();
    const pending = supervisor.locator('[data-testid="credit-applications-section"] [data-testid="credit-application"][data-status="pending"]');
    await pending.waitFor();
    await pending.getByTestId('credit-decision-grant').click();
    expect(await supervisor.getByRole('alert').filter({ hasText: '请填写决定理由' }).count()).to.equal(1);
    await pending.getByTestId('credit-decision-reason').fill('经核查，业绩证明真实，原认定有误，撤销该记录。');
    await pending.getByTestId('credit-decision-grant').click();
    const granted = supervisor.locator('[data-testid="credit-applications-section"] [data-testid="credit-application"][data-status="granted"]');
    await granted.waitFor();
    expect(await granted.getByTestId('credit-application-status').textContent()).to.equal('已准予');
    const revoked = supervisor.locator('[data-testid="credit-records"] [data-testid="credit-row"][data-status="revoked"]');
    await revoked.waitFor();
    expect(await revoked.getByTestId('credit-status').textContent()).to.contain('已撤销');
    const list = await app.http.get(`/api/public/credit?q=${USCC}`);
    expect(list.body.records).to.deep.equal([]);
  });
});
