import { createHash } from 'node:crypto';
import { expect } from 'chai';
import type { BrowserContext, Page } from 'playwright-core';
import type { DrawView } from '../../contracts/experts.js';
import type { TradeView } from '../../contracts/trades.js';
import { bearer, givenApp, type TestApp } from '../helpers/app.js';
import { addExperts } from '../helpers/experts.js';
import { closeBidding } from '../helpers/opening.js';
import { publishedTrade, register, sealedBidFor, uploadBid } from '../helpers/trades.js';
import { ensureClientBuilt, launchChromium } from './browser.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * Chromium, the draw of the evaluation experts (随机抽取评标专家): staff try a committee the rules
 * refuse (shown with its code and the rule's source), publish the seed's commitment, draw five
 * experts, see the revealed seed match the commitment and the replay match; one drawn expert, in a
 * context of their own, declines on 评标邀请 (a reason required) and declares a conflict; the staff
 * page, refreshed, shows the replacement seat.
 */
describe('the expert draw in Chromium', function () {
  this.timeout(300_000);
  let app: TestApp;
  let chromium: Awaited<ReturnType<typeof launchChromium>>;
  let trade: TradeView;
  const contexts: BrowserContext[] = [];

  before(async () => {
    ensureClientBuilt();
    app = await givenApp();
    chromium = await launchChromium();
    trade = await publishedTrade(app, 'construction', 'open_tender', { title: '章贡区水东片区安置房建设工程（专家抽取）' });
    for (const bidder of ['bidder1', 'bidder2', 'bidder3']) {
      expect((await register(app, trade.id, bidder)).status).to.equal(201);
      const res = await uploadBid(app, trade.id, bidder, await sealedBidFor(app, trade, bidder));
      expect(res.status, res.text).to.equal(201);
    }
    // building experts beyond the demo's three: four in 赣州, three in 龙岩
    await addExperts(app, 4, { specialty: 'building', regionCode: '360700' });
    await addExperts(app, 3, { specialty: 'building', regionCode: '350800' });
    await closeBidding(app, trade);
  });
  after(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await chromium?.close();
    await app?.stop();
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

  it('staff commit and draw five experts; a drawn expert declines in another context; the replacement seat appears', async () => {
    const staff = await signedIn('staff');
    await staff.goto(`${app.url}/#/trades/${trade.id}`);
    await staff.getByTestId('trade-draw-experts').click();
    await staff.getByTestId('draw-form').waitFor();

    // four building experts: an even committee below five — refused with the code and the rule's source
    await staff.getByTestId('draw-count').fill('4');
    await staff.getByTestId('draw-commit').click();
    const refused = staff.getByTestId('draw-commit-error');
    await refused.waitFor();
    expect(await refused.getAttribute('data-code')).to.equal('COMMITTEE_RULES_VIOLATED');
    expect(await refused.innerText()).to.contain('评标委员会组成不符合规则');
    const facts = await staff.getByTestId('draw-commit-error-facts').innerText();
    expect(facts).to.contain('evaluation.committee_size');
    expect(facts).to.contain('招标投标法 第三十七条');
    expect(await staff.getByTestId('draw-panel').count()).to.equal(0);

    // five: the commitment and the pool hash are published, the seed is not; exclusions per rule, translated
    await staff.getByTestId('draw-count').fill('5');
    await staff.getByTestId('draw-commit').click();
    await staff.locator('[data-testid="draw-panel"][data-state="committed"]').waitFor();
    const commitment = await staff.getByTestId('draw-commitment').innerText();
    expect(commitment).to.match(/^[0-9a-f]{64}$/);
    expect(await staff.getByTestId('draw-pool-hash').innerText()).to.match(/^[0-9a-f]{64}$/);
    expect(await staff.getByTestId('draw-seed').count()).to.equal(0);
    const tendereeRow = staff.locator('[data-testid="draw-excluded-row"][data-rule="avoidance.employed_by_tenderee"]');
    expect(await tendereeRow.innerText()).to.contain('回避：招标人（采购人）的工作人员');
    expect(await staff.locator('[data-testid="draw-excluded-row"][data-rule="avoidance.employed_by_bidder"]').getAttribute('data-count')).to.equal('1');
    expect(await staff.getByTestId('draw-form').count()).to.equal(1); // not drawn yet

    // draw: five seats, the seed revealed and checked against the commitment in the browser
    await staff.getByTestId('draw-run').click();
    await staff.locator('[data-testid="draw-panel"][data-state="drawn"]').waitFor();
    expect(await staff.getByTestId('draw-seat').count()).to.equal(5);
    expect(await staff.getByTestId('draw-form').count()).to.equal(0);
    const seed = await staff.getByTestId('draw-seed').innerText();
    expect(sha256(seed)).to.equal(commitment);
    await staff.locator('[data-testid="draw-seed-check"][data-ok="true"]').waitFor();
    const statuses = await staff.getByTestId('draw-seat-status').allInnerTexts();
    expect(statuses).to.deep.equal(['已邀请', '已邀请', '已邀请', '已邀请', '已邀请']);
    await staff.getByTestId('draw-replay').click();
    await staff.locator('[data-testid="draw-replay-result"][data-matches="true"]').waitFor();
    expect(await staff.getByTestId('draw-replay-result').innerText()).to.contain('复核一致 ✓');

    // the expert in seat 2 signs in (test users get expert1's password hash) and declines on 评标邀请
    const seat2 = staff.locator('[data-testid="draw-seat"][data-seat="2"]');
    const deciderId = Number(await seat2.getAttribute('data-user-id'));
    const deciderName = await seat2.getByTestId('draw-seat-name').innerText();
    const decider = (await app.services.identity.models.User.findByPk(deciderId))!;
    const expert1 = (await app.services.identity.models.User.findOne({ where: { username: 'expert1' } }))!;
    await decider.update({ passwordHash: expert1.passwordHash });
    const expert = await signedIn(decider.username);
    await expert.getByTestId('nav-invitations').click();
    await expert.getByTestId('invitations-page').waitFor();
    const invitation = expert.locator(`[data-testid="invitation"][data-trade-id="${trade.id}"]`);
    expect(await invitation.getAttribute('data-status')).to.equal('invited');
    expect(await invitation.innerText()).to.contain(trade.code);
    expect(await invitation.innerText()).to.contain('房屋建筑工程');
    await invitation.getByTestId('invitation-decline').click();
    expect(await invitation.getByTestId('invitation-decline-confirm').isDisabled()).to.equal(true); // a reason is required
    await invitation.getByTestId('invitation-decline-reason').fill('当日另有评标任务');
    await invitation.getByTestId('invitation-decline-confirm').click();
    await expert.locator(`[data-testid="invitation"][data-trade-id="${trade.id}"][data-status="declined"]`).waitFor();
    expect(await invitation.getByTestId('invitation-status').innerText()).to.equal('已拒绝');
    // and declares a conflict with the tenderee (by the organisation's id: experts cannot list organisations)
    await expert.getByTestId('conflict-organisation').fill(String(app.seed!.organisations.tenderee));
    await expert.getByTestId('conflict-reason').fill('近三年曾任该单位技术顾问');
    await expert.getByTestId('conflict-submit').click();
    await expert.getByTestId('conflict-done').waitFor();

    // the staff page, refreshed: seat 2 declined (with the reason), seat 6 replaces it, the replay still matches
    await staff.reload();
    await staff.locator('[data-testid="draw-panel"][data-state="drawn"]').waitFor();
    await staff.locator('[data-testid="draw-seat"]').nth(5).waitFor();
    expect(await staff.getByTestId('draw-seat').count()).to.equal(6);
    expect(await seat2.getAttribute('data-status')).to.equal('declined');
    expect(await seat2.innerText()).to.contain('当日另有评标任务');
    const seat6 = staff.locator('[data-testid="draw-seat"][data-seat="6"]');
    expect(await seat6.getAttribute('data-replaces')).to.equal('2');
    expect(await seat6.getAttribute('data-status')).to.equal('invited');
    expect(await seat6.getByTestId('draw-seat-replaces').innerText()).to.equal('替补第 2 席');
    expect(await seat6.getByTestId('draw-seat-name').innerText()).not.to.equal(deciderName);
    await staff.getByTestId('draw-replay').click();
    await staff.locator('[data-testid="draw-replay-result"][data-matches="true"]').waitFor();

    // the same facts over the API: the new list route, and the conflict is recorded
    const list = await app.http.get(`/api/trades/${trade.id}/draws`).set(bearer(await app.tokenFor('supervisor')));
    expect(list.status, list.text).to.equal(200);
    const draws = list.body.draws as DrawView[];
    expect(draws).to.have.length(1);
    expect(draws[0]!.seats.map((s) => [s.seat, s.status, s.replaces])).to.deep.equal([
      [1, 'invited', null],
      [2, 'declined', null],
      [3, 'invited', null],
      [4, 'invited', null],
      [5, 'invited', null],
      [6, 'invited', 2],
    ]);
    expect((await app.http.get(`/api/trades/${trade.id}/draws`).set(bearer(await app.tokenFor('bidder1')))).status).to.equal(403);
    const conflicts = await app.services.experts.models.ExpertConflict.findAll({ where: { expertUserId: deciderId } });
    expect(conflicts.map((c) => c.organisationId)).to.deep.equal([app.seed!.organisations.tenderee]);
  });
});
