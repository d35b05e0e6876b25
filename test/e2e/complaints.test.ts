import { createHash } from 'node:crypto';
import { expect } from 'chai';
import type { BrowserContext, Page } from 'playwright-core';
import type { ObjectionView } from '../../contracts/complaints.js';
import { bearer, givenApp, type TestApp } from '../helpers/app.js';
import { signedEvaluation, type EvaluationRun } from '../helpers/evaluation.js';
import { ensureClientBuilt, launchChromium, signInPage } from './browser.js';

const WAN = 1_000_000; // 万元 in fen
const FACTS = '第一中标候选人拟派项目经理的类似工程业绩证明与住建部门备案信息不符，评标委员会资格审查有误。';
const REQUEST = '请求复核第一中标候选人的资格审查结论，并暂停定标。';
const BASIS = '《招标投标法实施条例》第五十四条';
const REPLY = '经核查，第一中标候选人项目经理业绩证明与备案信息一致，异议不成立。';
/** A small PDF as the objection's attachment (its SHA-256 must come back unchanged). */
const ATTACHMENT = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

/**
 * Chromium, the acceptance point of issue 7's objections: a trade whose candidates are in publicity
 * (built over the API); bidder3 signs in, opens the trade, sees the candidates and the publicity
 * window, and files an objection (异议) against the candidates with facts, request, legal basis and
 * an attachment. Staff, in another browser context, see it with its reply deadline, are refused the
 * award with OBJECTION_PENDING shown on the page, and reply (not upheld). The bidder sees the reply.
 */
describe('objections in Chromium: a bidder objects in publicity, staff reply', function () {
  this.timeout(300_000);
  let app: TestApp;
  let chromium: Awaited<ReturnType<typeof launchChromium>>;
  let run: EvaluationRun;
  /** The publicity's candidates by rank (bidder1 first, bidder3 third), as the API published them. */
  let names: string[] = [];
  const contexts: BrowserContext[] = [];

  before(async () => {
    ensureClientBuilt();
    app = await givenApp();
    chromium = await launchChromium();
    run = await signedEvaluation(app, {
      kind: 'construction',
      prices: { bidder1: 900 * WAN, bidder2: 910 * WAN, bidder3: 920 * WAN },
      judged: (bidder) => (bidder === 'bidder1' ? [8, 8, 8, 8, 8] : bidder === 'bidder2' ? [7, 7, 7, 7, 7] : [6, 6, 6, 6, 6]),
    });
    const publicity = await app.http.post(`/api/trades/${run.trade.id}/publicity`).set(bearer(await app.tokenFor('staff'))).send({});
    expect(publicity.status, publicity.text).to.equal(201);
    expect(publicity.body.current.status).to.equal('running');
    names = (publicity.body.current.candidates as { rank: number; bidderName: string }[]).sort((a, b) => a.rank - b.rank).map((c) => c.bidderName);
    expect(names).to.have.length(3);
  });
  after(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await chromium?.close();
    await app?.stop();
  });

  async function openTrade(page: Page): Promise<void> {
    await page.goto(`${app.url}/#/trades/${run.trade.id}`);
    await page.locator('[data-testid="trade-detail"][data-state="publicity"]').waitFor();
  }

  it('bidder3 files an objection against the candidates; staff see it with its deadline, the award waits, staff reply; the bidder sees the reply', async () => {
    const tradeId = run.trade.id;

    // ── the bidder: the publicity on the trade page, then the objection ──
    const bidder = await signInPage(chromium.browser, app.url, 'bidder3', contexts);
    await openTrade(bidder);
    await bidder.locator('[data-testid="publicity"][data-status="running"]').waitFor();
    expect(await bidder.getByTestId('trade-state').textContent()).to.equal('候选人公示');
    expect(await bidder.getByTestId('publicity-status').textContent()).to.equal('公示中');
    const rows = bidder.getByTestId('candidate-row');
    expect(await rows.count()).to.equal(3);
    expect(await rows.first().getAttribute('data-rank')).to.equal('1');
    expect(await rows.first().getByTestId('candidate-name').textContent()).to.equal(names[0]);

    const form = bidder.getByTestId('filing-form');
    await form.waitFor();
    expect(await form.getAttribute('data-to')).to.equal('objection');
    expect(await bidder.getByTestId('filing-subject').inputValue()).to.equal('candidates'); // the default during publicity
    expect(await bidder.getByTestId('filing-submit').textContent()).to.equal('提交异议');
    await bidder.getByTestId('filing-facts').fill(FACTS);
    await bidder.getByTestId('filing-request').fill(REQUEST);
    await bidder.getByTestId('filing-basis').fill(BASIS);
    await bidder.getByTestId('filing-files').setInputFiles({ name: '业绩备案查询截图.pdf', mimeType: 'application/pdf', buffer: ATTACHMENT });
    await bidder.getByTestId('filing-submit').click();
    await bidder.getByTestId('filing-done').waitFor();
    expect(await bidder.getByTestId('filing-done').textContent()).to.match(/^异议 #\d+ 已提交，答复期限：\d{4}-\d{2}-\d{2} \d{2}:\d{2}（北京时间）。$/);
    const mine = bidder.locator('[data-testid="objection"][data-status="pending"]');
    await mine.waitFor();
    const objectionId = Number(await mine.getAttribute('data-objection-id'));
    expect(await mine.getByTestId('objection-facts').textContent()).to.equal(FACTS);
    expect(await mine.getByTestId('objection-status').textContent()).to.equal('待答复');
    expect(await mine.getByTestId('objection-attachment').count()).to.equal(1);

    // ── staff: the objection with its reply deadline; the award is refused while it waits ──
    const staff = await signInPage(chromium.browser, app.url, 'staff', contexts);
    await openTrade(staff);
    const theirs = staff.locator(`[data-testid="objection"][data-objection-id="${objectionId}"]`);
    await theirs.waitFor();
    expect(await staff.getByTestId('objections-pending').textContent()).to.contain('1 件异议待答复');
    expect(await theirs.getAttribute('data-subject')).to.equal('candidates');
    expect(await theirs.getByTestId('objection-filer').textContent()).to.contain(names[2]);
    expect(await theirs.getByTestId('objection-request').textContent()).to.equal(REQUEST);
    const view = await objection(objectionId);
    expect(await theirs.getByTestId('objection-reply-due').getAttribute('data-due')).to.equal(view.replyDueAt);
    expect(await theirs.getByTestId('objection-reply-due').textContent()).to.match(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}（北京时间）/);

    await staff.getByTestId('award-submit').click();
    const refused = staff.getByTestId('award-error');
    await refused.waitFor();
    expect(await refused.getAttribute('data-code')).to.equal('OBJECTION_PENDING');
    expect(await refused.textContent()).to.contain('尚有异议未答复');
    expect(await refused.textContent()).to.contain(`未答复的异议（质疑） #${objectionId}`);

    await theirs.getByTestId('objection-reply-input').fill(REPLY);
    await theirs.getByTestId('objection-not-upheld').check();
    await theirs.getByTestId('objection-reply-submit').click();
    const answered = staff.locator(`[data-testid="objection"][data-objection-id="${objectionId}"][data-status="replied"]`);
    await answered.waitFor();
    expect(await answered.getByTestId('objection-reply-text').textContent()).to.equal(REPLY);
    expect(await answered.getByTestId('objection-reply').getAttribute('data-upheld')).to.equal('false');
    expect(await staff.getByTestId('objections-pending').count()).to.equal(0);

    // ── the bidder sees the reply ──
    await bidder.reload();
    await bidder.locator('[data-testid="trade-detail"][data-state="publicity"]').waitFor();
    const replied = bidder.locator(`[data-testid="objection"][data-objection-id="${objectionId}"][data-status="replied"]`);
    await replied.waitFor();
    expect(await replied.getByTestId('objection-status').textContent()).to.equal('已答复');
    expect(await replied.getByTestId('objection-reply-text').textContent()).to.equal(REPLY);
    expect(await replied.getByTestId('objection-reply').textContent()).to.contain('不成立');

    // ── the API state afterwards ──
    const after = await objection(objectionId);
    expect([after.status, after.upheld, after.reply, after.subject, after.label, after.holds, after.recheckId]).to.deep.equal(['replied', false, REPLY, 'candidates', 'objection', [], null]);
    expect([after.facts, after.request, after.legalBasis]).to.deep.equal([FACTS, REQUEST, BASIS]);
    expect(after.attachments.map((a) => [a.fileName, a.size, a.sha256])).to.deep.equal([['业绩备案查询截图.pdf', ATTACHMENT.length, createHash('sha256').update(ATTACHMENT).digest('hex')]]);
    const download = await app.http.get(`/api/objections/${objectionId}/attachments/${after.attachments[0]!.id}/content`).set(bearer(await app.tokenFor('staff'))).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(download.status).to.equal(200);
    expect(Buffer.compare(download.body as Buffer, ATTACHMENT)).to.equal(0);
    // bidder3 sees only its own; another bidder sees none of it
    const own = await app.http.get(`/api/trades/${tradeId}/objections`).set(bearer(await app.tokenFor('bidder3')));
    expect(own.body.objections.map((o: ObjectionView) => o.id)).to.deep.equal([objectionId]);
    const other = await app.http.get(`/api/trades/${tradeId}/objections`).set(bearer(await app.tokenFor('bidder2')));
    expect(other.body.objections).to.deep.equal([]);
    // the objection no longer holds the award: what stops it now is the running publicity
    const award = await app.http.post(`/api/trades/${tradeId}/award`).set(bearer(await app.tokenFor('staff'))).send({});
    expect([award.status, award.body.code]).to.deep.equal([409, 'PUBLICITY_RUNNING']);
    const trade = await app.http.get(`/api/trades/${tradeId}`);
    expect(trade.body.state).to.equal('publicity');
  });

  async function objection(id: number): Promise<ObjectionView> {
    const res = await app.http.get(`/api/objections/${id}`).set(bearer(await app.tokenFor('staff')));
    expect(res.status, res.text).to.equal(200);
    return res.body as ObjectionView;
  }
});
