import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { EvaluationView } from '../../contracts/evaluation.js';
import { bearer, givenApp, type TestApp } from '../helpers/app.js';
import { evaluatedTrade, signReport } from '../helpers/evaluation.js';

const WAN = 1_000_000; // 万元 in fen

/**
 * The evaluation over the API on the real database: the hand-computed table of
 * test/evaluation/compute.test.ts reproduced end to end — five drawn experts, five opened bids, one
 * rejected by majority with dissent — then the report, signed by four members and refused by one
 * with a reason, printed with every expert's name and every total.
 */
describe('evaluation: committee, compliance, scoring, ranking, a signed report', function () {
  this.timeout(600_000);
  let app: TestApp;
  before(async () => {
    app = await givenApp();
  });
  after(async () => app?.stop());

  const judged: Record<string, Record<string, number[]>> = {
    bidder1: { technical: [20, 22, 21, 23, 24], management: [8, 8, 9, 7, 8] },
    bidder2: { technical: [18, 19, 25, 20, 17], management: [9, 9, 9, 9, 9] },
    bidder3: { technical: [23, 23, 22, 24, 21], management: [7, 8, 8, 9, 6] },
    bidder4: { technical: [25, 24, 24, 25, 23], management: [10, 9, 9, 8, 9] },
  };

  it('经评审的最低投标价法 on the database: compliant bids ranked by price, equal prices tied, no scoring step', async () => {
    const run = await evaluatedTrade(app, {
      kind: 'construction',
      template: 'construction.lowest_price',
      prices: { bidder1: 1_100 * WAN, bidder2: 1_100 * WAN, bidder3: 1_150 * WAN, bidder4: 1_020 * WAN },
      judged: () => [],
      rejectQualification: { bidder: 'bidder4', votes: 4, reason: '类似工程业绩不满足要求' },
    });
    expect([run.view.state, run.view.method]).to.deep.equal(['computed', 'lowest_price']);
    expect(run.view.result!.ranked.map((r) => [r.bidder.name, r.priceFen, r.rank, r.tied])).to.deep.equal([
      ['赣州宏达建设工程有限公司', 1_100 * WAN, 1, true],
      ['瑞金红都建筑工程有限公司', 1_100 * WAN, 1, true],
      ['龙南恒基市政工程有限公司', 1_150 * WAN, 3, false],
    ]);
    expect(run.view.result!.rejected.map((r) => r.bidder)).to.deep.equal(['江西赣南路桥建设集团有限公司']);
  });

  it('reproduces the hand-computed 综合评估法 table, ranks, recommends, reports and collects signatures', async () => {
    const run = await evaluatedTrade(app, {
      kind: 'construction',
      prices: { bidder1: 980 * WAN, bidder2: 1000 * WAN, bidder3: 950 * WAN, bidder4: 1070 * WAN, bidder5: 900 * WAN },
      judged: (bidder, criterion) => judged[bidder]![criterion]!,
      rejectQualification: { bidder: 'bidder5', votes: 3, reason: '项目经理注册证书已过期' },
    });
    expect(run.view.state).to.equal('computed');
    const result = run.view.result!;
    expect(result.ranked.map((r) => [r.bidder.name, ...r.criteria.map((c) => c.score), r.total, r.rank])).to.deep.equal([
      ['赣州宏达建设工程有限公司', 59, 22, 8, 5, 94, 1],
      ['瑞金红都建筑工程有限公司', 60, 19, 9, 5, 93, 2],
      ['龙南恒基市政工程有限公司', 57.5, 22.67, 7.67, 5, 92.84, 3],
      ['江西赣南路桥建设集团有限公司', 53, 24.33, 9, 5, 91.33, 4],
    ]);
    expect(result.benchmarkFen).to.equal(1000 * WAN);
    expect(result.candidates.map((c) => c.rank)).to.deep.equal([1, 2, 3]);
    const rejected = result.compliance.find((c) => c.bidId === run.bidIds.bidder5)!;
    expect(rejected.compliant).to.equal(false);
    expect(rejected.checks.find((c) => c.check === 'qualification')!.dissent).to.have.length(2);

    // an expert cannot score a rejected bid, nor outside a criterion's range, nor after the result
    const late = await app.http.put(`/api/trades/${run.trade.id}/evaluation/scores`).set(bearer(run.experts[1]!.token)).send({ scores: [{ bidId: run.bidIds.bidder1, criterion: 'technical', value: 10 }] });
    expect(late.status).to.equal(409);
    // outsiders do not see the room
    expect((await app.http.get(`/api/trades/${run.trade.id}/evaluation`).set(bearer(await app.tokenFor('bidder1')))).status).to.equal(403);

    // the chair writes the report; four sign, one refuses with a reason; then it is final
    const chair = run.experts[0]!;
    const notChair = await app.http.post(`/api/trades/${run.trade.id}/evaluation/report`).set(bearer(run.experts[1]!.token)).send({});
    expect(notChair.status).to.equal(403);
    const reported = (await app.http.post(`/api/trades/${run.trade.id}/evaluation/report`).set(bearer(chair.token)).send({})).body as EvaluationView;
    expect(reported.state).to.equal('reported');
    const forged = await app.http.post(`/api/trades/${run.trade.id}/evaluation/signatures`).set(bearer(run.experts[2]!.token)).send({ signature: Buffer.alloc(200, 7).toString('base64') });
    expect(forged.status).to.be.within(400, 499);
    const final = await signReport(app, run, reported.reportSha256!, { index: 4, reason: '对第三名技术分有保留意见' });
    expect(final.state).to.equal('final');
    expect(final.members.map((m) => m.signed)).to.deep.equal(['signed', 'signed', 'signed', 'signed', 'refused']);

    // the PDF holds every expert's name and every total
    const pdf = await app.http.get(`/api/trades/${run.trade.id}/evaluation/report.pdf`).set(bearer(await app.tokenFor('staff'))).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(pdf.status).to.equal(200);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eval-pdf-'));
    try {
      fs.writeFileSync(path.join(dir, 'report.pdf'), pdf.body as Buffer);
      const text = execFileSync('pdftotext', ['-enc', 'UTF-8', path.join(dir, 'report.pdf'), '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
      expect(text).to.contain('评标报告');
      for (const m of final.members) expect(text).to.contain(m.name);
      for (const total of ['94.00', '93.00', '92.84', '91.33']) expect(text).to.contain(total);
      expect(text).to.contain('项目经理注册证书已过期');
      expect(text).to.contain('拒绝签名');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
