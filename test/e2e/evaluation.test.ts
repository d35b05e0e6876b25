import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { BrowserContext, Page } from 'playwright-core';
import type { EvaluationView } from '../../contracts/evaluation.js';
import { createPkcs12 } from '../../crypto/pkcs12.js';
import { bearer, givenApp, type TestApp } from '../helpers/app.js';
import { evaluatedTrade, expertSigner, type EvaluationRun } from '../helpers/evaluation.js';
import { addExperts } from '../helpers/experts.js';
import { closeBidding, startOpening, submitShare } from '../helpers/opening.js';
import { publishedTrade, register, sealedBidFor, uploadBid } from '../helpers/trades.js';
import { idNumber, recorded } from '../credit/helpers.js';
import { ensureClientBuilt, launchChromium } from './browser.js';

const WAN = 1_000_000; // 万元 in fen
const PASSWORD = 'Eval-2026-secret';
const REJECTION = '项目经理注册证书已过期';

/** Each expert's (index 0…4) score per bidder and judged criterion; expert 5 marks bidder2's plan far below the others. */
const JUDGED: Record<string, Record<string, number[]>> = {
  bidder1: { technical: [20, 22, 21, 23, 24], management: [8, 8, 9, 7, 8] },
  bidder2: { technical: [18, 19, 20, 21, 5.5], management: [9, 9, 9, 9, 9] },
  bidder3: { technical: [23, 23, 22, 24, 21], management: [7, 8, 8, 9, 6] },
  // bidder4 is rejected in the compliance review (3 of 5 votes): the form offers it, the server refuses its scores
  bidder4: { technical: [25, 25, 25, 25, 25], management: [10, 10, 10, 10, 10] },
};

/**
 * Chromium, the acceptance point of the remote evaluation room (远程评标): five drawn experts, each in
 * a browser context of their own, score every compliant bid in the room (drafts on the server,
 * submitted and locked); the last submission computes the ranking, which every expert sees live; the
 * chair writes the report and every expert signs its SHA-256 in the page with their own key file
 * (.p12); the staff context then opens the room, read-only, and sees the final ranking — the same as
 * the API's result — with the scores-by-expert chart (the outlier dropped as an extreme).
 */
describe('the evaluation room in Chromium', function () {
  this.timeout(600_000);
  let app: TestApp;
  let chromium: Awaited<ReturnType<typeof launchChromium>>;
  let run: EvaluationRun;
  let dir: string;
  const keyFiles: string[] = [];
  const contexts: BrowserContext[] = [];

  before(async () => {
    ensureClientBuilt();
    app = await givenApp();
    chromium = await launchChromium();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'th-e2e-evaluation-'));
    run = await evaluatedTrade(app, {
      kind: 'construction',
      prices: { bidder1: 980 * WAN, bidder2: 1000 * WAN, bidder3: 950 * WAN, bidder4: 1070 * WAN },
      judged: () => [],
      rejectQualification: { bidder: 'bidder4', votes: 3, reason: REJECTION },
      stopAtScoring: true,
    });
    expect(run.view.state).to.equal('scoring');
    // each expert's own key pair and certificate (CN = username), saved as a .p12 the way the certificates page saves it
    for (const [i, expert] of run.experts.entries()) {
      const signer = await expertSigner(app, expert.token, expert.username);
      keyFiles[i] = path.join(dir, `${expert.username}.p12`);
      fs.writeFileSync(keyFiles[i]!, createPkcs12(signer.privateKeyPem, [signer.certificatePem], PASSWORD, { friendlyName: expert.username }));
    }
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
  const room = (page: Page, state: string) => page.locator(`[data-testid="evaluation-room"][data-state="${state}"]`).waitFor();

  it('five experts score and sign in their own contexts; the staff context sees the final ranking', async () => {
    const tradeId = run.trade.id;
    const bidderOf = Object.fromEntries(Object.entries(run.bidIds).map(([bidder, bidId]) => [bidId, bidder]));

    // the five experts enter the room; each sees the others arrive
    const experts = await Promise.all(run.experts.map((e) => signedIn(e.username)));
    await Promise.all(experts.map((page) => page.goto(`${app.url}/#/trades/${tradeId}/evaluation`)));
    await Promise.all(experts.map((page) => room(page, 'scoring')));
    await experts[0]!.locator(`[data-testid="evaluation-member"][data-user-id="${run.experts[4]!.userId}"][data-present="true"]`).waitFor();
    expect(await experts[0]!.locator('[data-testid="evaluation-member"][data-chair="true"]').getAttribute('data-user-id')).to.equal(String(run.experts[0]!.userId));

    // each scores every bid the form offers, within range; one saves a draft first, reloads, and finds it kept
    const fill = async (page: Page, i: number) => {
      for (const input of await page.getByTestId('score-input').all()) {
        const bidder = bidderOf[Number(await input.getAttribute('data-bid-id'))]!;
        await input.fill(String(JUDGED[bidder]![(await input.getAttribute('data-criterion'))!]![i]));
      }
    };
    await fill(experts[1]!, 1);
    await experts[1]!.getByTestId('evaluation-save-scores').click();
    await experts[1]!.getByTestId('evaluation-saved').waitFor();
    // bidder4 was rejected in the review: the form offers no row for it and says why
    const label4 = run.view.bids.find((b) => b.bidId === run.bidIds.bidder4)!.label;
    expect(await experts[1]!.getByTestId('evaluation-score-excluded').innerText()).to.contain(label4);
    expect(await experts[1]!.getByTestId('evaluation-score-row').count()).to.equal(3);
    await experts[1]!.reload();
    await room(experts[1]!, 'scoring');
    expect(await experts[1]!.locator(`[data-testid="score-input"][data-bid-id="${run.bidIds.bidder2}"][data-criterion="technical"]`).inputValue()).to.equal('19');
    // another expert cannot see that draft
    const seenByOther = (await app.http.get(`/api/trades/${tradeId}/evaluation`).set(bearer(run.experts[2]!.token))).body as EvaluationView;
    expect(seenByOther.myScores).to.deep.equal([]);

    await Promise.all(
      experts.map(async (page, i) => {
        await fill(page, i);
        await page.getByTestId('evaluation-submit-scores').click();
        // locked (or, for the last ones, already past scoring: the result replaces the form)
        await page.getByTestId('evaluation-submitted').or(page.locator('[data-testid="evaluation-room"][data-state="computed"]')).waitFor();
      }),
    );
    // the last submission computed the result: every expert sees the ranking without reloading
    await Promise.all(experts.map((page) => room(page, 'computed')));
    await Promise.all(experts.map((page) => page.getByTestId('evaluation-ranking').waitFor()));
    expect(await experts[3]!.getByTestId('evaluation-rank-row').count()).to.equal(3);
    expect(await experts[3]!.getByTestId('evaluation-write-report').count()).to.equal(0); // only the chair writes it

    // the chair writes the report; everyone signs its digest with their own key file
    await experts[0]!.getByTestId('evaluation-write-report').click();
    await Promise.all(experts.map((page) => room(page, 'reported')));
    const sha = await experts[0]!.getByTestId('evaluation-report-sha').innerText();
    expect(sha).to.match(/^[0-9a-f]{64}$/);
    await Promise.all(
      experts.map(async (page, i) => {
        expect(await page.getByTestId('evaluation-sign-sha').innerText()).to.equal(sha);
        await page.getByTestId('evaluation-keyfile').setInputFiles(keyFiles[i]!);
        await page.getByTestId('evaluation-key-password').fill(PASSWORD);
        await page.getByTestId('evaluation-key-load').click();
        await page.getByTestId('evaluation-key-loaded').waitFor();
        await page.getByTestId('evaluation-sign').click();
        await page.locator('[data-testid="evaluation-my-signature"][data-signed="signed"]').waitFor();
      }),
    );
    await Promise.all(experts.map((page) => page.getByTestId('evaluation-final').waitFor()));

    // the API agrees: final, every member signed
    const final = await app.http.get(`/api/trades/${tradeId}/evaluation`).set(bearer(await app.tokenFor('staff')));
    expect(final.status, final.text).to.equal(200);
    const result = (final.body as EvaluationView).result!;
    expect((final.body as EvaluationView).state).to.equal('final');
    expect((final.body as EvaluationView).members.map((m) => m.signed)).to.deep.equal(['signed', 'signed', 'signed', 'signed', 'signed']);

    // staff: from the trade page into the room, read-only, the final ranking as computed
    const staff = await signedIn('staff');
    await staff.goto(`${app.url}/#/trades/${tradeId}`);
    await staff.getByTestId('trade-evaluation-room').click();
    await room(staff, 'final');
    expect(await staff.getByTestId('evaluation-room').getAttribute('data-member')).to.equal('false');
    expect(await staff.getByTestId('evaluation-submit-scores').count()).to.equal(0);
    const rows = await staff.getByTestId('evaluation-rank-row').all();
    const shown = await Promise.all(
      rows.map(async (row) => ({
        bidId: Number(await row.getAttribute('data-bid-id')),
        rank: Number(await row.getAttribute('data-rank')),
        total: Number(await row.getAttribute('data-total')),
        totalText: await row.getByTestId('evaluation-rank-total').innerText(),
        bidder: await row.getByTestId('evaluation-rank-bidder').innerText(),
      })),
    );
    expect(shown.map((r) => [r.bidId, r.rank, r.total])).to.deep.equal(result.ranked.map((r) => [r.bidId, r.rank, r.total]));
    expect(shown.map((r) => r.totalText)).to.deep.equal(result.ranked.map((r) => String(r.total)));
    expect(shown.map((r) => r.bidder)).to.deep.equal(result.ranked.map((r) => `${r.bidder.label} · ${r.bidder.name}`));
    expect(result.ranked.map((r) => r.bidId)).not.to.include(run.bidIds.bidder4);
    expect(await staff.locator(`[data-testid="evaluation-rejected-row"][data-bid-id="${run.bidIds.bidder4}"]`).innerText()).to.contain(REJECTION);
    const candidates = await staff.getByTestId('evaluation-candidate').all();
    expect(await Promise.all(candidates.map(async (c) => Number(await c.getAttribute('data-bid-id'))))).to.deep.equal(result.candidates.map((c) => c.bidId));

    // the chart per judged criterion: one dot per expert per bid; 综合评估法 drops the extremes, so the outlier is hollow
    expect(await staff.getByTestId('evaluation-chart').count()).to.equal(2);
    const technical = staff.locator('[data-testid="evaluation-chart"][data-criterion="technical"]');
    expect(await technical.getByTestId('evaluation-chart-dot').count()).to.equal(15);
    expect(await technical.locator('[data-testid="evaluation-chart-dot"][data-dropped="true"]').count()).to.equal(6);
    const outlier = technical.locator(`[data-testid="evaluation-chart-bid"][data-bid-id="${run.bidIds.bidder2}"] [data-testid="evaluation-chart-dot"][data-expert]`);
    const b2 = result.ranked.find((r) => r.bidId === run.bidIds.bidder2)!.criteria.find((c) => c.id === 'technical')!;
    const lowest = b2.byExpert.find((e) => e.value === 5.5)!;
    expect(lowest.dropped).to.equal(true);
    expect(await outlier.and(staff.locator(`[data-expert="${lowest.expert}"]`)).getAttribute('data-dropped')).to.equal('true');

    // the report PDF, with the staff's session
    const pdf = await staff.request.get(`${app.url}/api/trades/${tradeId}/evaluation/report.pdf`);
    expect(pdf.status()).to.equal(200);
    expect(pdf.headers()['content-type']).to.contain('application/pdf');
  });
  it('staff start the evaluation from the trade page; the chair is elected, votes compliance (a rejection with its reason) and closes the review in the page', async () => {
    app.setClock('2026-11-25T02:00:00.000Z');
    // bidder3's project manager has been barred from bidding by 瑞金市 (a person record, by ID number)
    const manager = idNumber(51);
    await recorded(app, { subject: { kind: 'person', idNumber: manager, name: '黄志远' }, role: 'bidder', scope: 'bidding', act: '担任项目经理期间将承包工程违法转包', basis: '建筑法 第二十八条', decisionNo: '瑞住建罚〔2026〕8号', authority: '瑞金市住房和城乡建设局' });
    const trade = await publishedTrade(app, 'construction', 'open_tender', { title: '章贡区水东片区安置房建设工程（评标室）' });
    const bidIds: number[] = [];
    for (const [i, bidder] of ['bidder1', 'bidder2', 'bidder3'].entries()) {
      expect((await register(app, trade.id, bidder)).status).to.equal(201);
      const named = bidder === 'bidder3' ? { projectManager: '黄志远', projectManagerIdNumber: manager } : {};
      const up = await uploadBid(app, trade.id, bidder, await sealedBidFor(app, trade, bidder, (960 + 10 * i) * WAN, undefined, named));
      expect(up.status, up.text).to.equal(201);
      bidIds.push(up.body.bid.id);
    }
    await closeBidding(app, trade);
    await startOpening(app, trade);
    await submitShare(app, trade, 'official1');
    await submitShare(app, trade, 'official2');
    expect((await app.http.post(`/api/trades/${trade.id}/opening/publish`).set(bearer(await app.tokenFor('staff'))).send({})).status).to.equal(200);
    await addExperts(app, 5, { specialty: `eval${trade.id}`, regionCode: '360700' });
    const staffToken = await app.tokenFor('staff');
    const committed = await app.http.post(`/api/trades/${trade.id}/draws`).set(bearer(staffToken)).send({ seats: [{ specialty: `eval${trade.id}`, count: 5 }] });
    expect(committed.status, committed.text).to.equal(201);
    const drawn = await app.http.post(`/api/trades/${trade.id}/draws/${committed.body.id}/run`).set(bearer(staffToken)).send({});
    expect(drawn.status, drawn.text).to.equal(200);
    const hash = (await app.services.identity.models.User.findOne({ where: { username: 'expert1' } }))!.passwordHash;
    const members: { userId: number; username: string; token: string }[] = [];
    for (const seat of [...(drawn.body.seats as { userId: number }[])].sort((a, b) => a.userId - b.userId)) {
      const user = (await app.services.identity.models.User.findByPk(seat.userId))!;
      await user.update({ passwordHash: hash });
      app.forgetTokens();
      const token = await app.tokenFor(user.username);
      const invitation = ((await app.http.get('/api/experts/assignments').set(bearer(token))).body.assignments as { id: number; tradeId: number }[]).find((a) => a.tradeId === trade.id)!;
      expect((await app.http.post(`/api/experts/assignments/${invitation.id}/respond`).set(bearer(token)).send({ accept: true })).status).to.equal(200);
      members.push({ userId: seat.userId, username: user.username, token });
    }

    // staff: 开始评标 on the trade page, into the room (read-only)
    const staff = await signedIn('staff');
    await staff.goto(`${app.url}/#/trades/${trade.id}`);
    await staff.getByTestId('trade-start-evaluation').click();
    await room(staff, 'review');
    expect(await staff.getByTestId('compliance-pass').count()).to.equal(0);
    // the platform's finding on bid C, beside it, whatever the votes
    const forced = await staff.locator(`[data-testid="evaluation-compliance-row"][data-bid-id="${bidIds[2]}"] [data-testid="evaluation-forced-rejection"]`).innerText();
    expect(forced).to.contain('系统认定无效').and.to.contain('拟派项目经理黄志远').and.to.contain('瑞金市').and.to.contain('建筑法 第二十八条');
    expect(await staff.getByTestId('evaluation-forced-rejection').count()).to.equal(1);

    // the first member votes for themself in the page; two more by API make the majority
    const chair = await signedIn(members[0]!.username);
    await chair.goto(`${app.url}/#/trades/${trade.id}/evaluation`);
    await room(chair, 'review');
    await chair.locator(`[data-testid="evaluation-member"][data-user-id="${members[0]!.userId}"] [data-testid="evaluation-chair-vote"]`).click();
    for (const m of members.slice(1, 3)) expect((await app.http.post(`/api/trades/${trade.id}/evaluation/chair`).set(bearer(m.token)).send({ userId: members[0]!.userId })).status).to.equal(200);
    await chair.locator(`[data-testid="evaluation-member"][data-user-id="${members[0]!.userId}"][data-chair="true"]`).waitFor();
    await staff.locator(`[data-testid="evaluation-member"][data-user-id="${members[0]!.userId}"][data-chair="true"]`).waitFor();

    // the others vote by API; the chair votes in the page: bid B's qualification rejected, with the reason
    for (const m of members.slice(1)) {
      for (const bidId of bidIds) for (const check of ['formal', 'qualification', 'responsiveness']) expect((await app.http.post(`/api/trades/${trade.id}/evaluation/compliance`).set(bearer(m.token)).send({ bidId, check, pass: true })).status).to.equal(200);
    }
    for (const bidId of bidIds) {
      for (const check of ['formal', 'qualification', 'responsiveness']) {
        const cell = chair.locator(`[data-testid="evaluation-compliance-row"][data-bid-id="${bidId}"] [data-testid="evaluation-compliance-cell"][data-check="${check}"]`);
        if (bidId === bidIds[1] && check === 'qualification') {
          await cell.getByTestId('compliance-reject').click();
          expect(await cell.getByTestId('compliance-reject-confirm').isDisabled()).to.equal(true); // a reason is required
          await cell.getByTestId('compliance-reason').fill('工期不满足招标文件要求');
          await cell.getByTestId('compliance-reject-confirm').click();
          await chair.locator(`[data-testid="evaluation-compliance-row"][data-bid-id="${bidId}"] [data-check="${check}"][data-vote="reject"]`).waitFor();
        } else {
          await cell.getByTestId('compliance-pass').click();
          await chair.locator(`[data-testid="evaluation-compliance-row"][data-bid-id="${bidId}"] [data-check="${check}"][data-vote="pass"]`).waitFor();
        }
      }
    }
    // the staff page hears the count live
    await staff.getByTestId('evaluation-votes').filter({ hasText: '45 / 45' }).waitFor();
    const mine = ((await app.http.get(`/api/trades/${trade.id}/evaluation`).set(bearer(members[0]!.token))).body as EvaluationView).myVotes;
    expect(mine.filter((v) => !v.pass)).to.deep.equal([{ bidId: bidIds[1], check: 'qualification', pass: false, reason: '工期不满足招标文件要求' }]);

    await chair.getByTestId('evaluation-close-review').click();
    await room(chair, 'scoring');
    await room(staff, 'scoring');
    // one dissent does not reject B; C is out (its project manager), whatever the votes
    await chair.getByTestId('evaluation-score-row').first().waitFor();
    const scored = await chair.getByTestId('evaluation-score-row').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-bid-id'))));
    expect(scored).to.deep.equal([bidIds[0], bidIds[1]]);
  });
});
