import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { OpeningRecord } from '../contracts/opening.js';
import { TRADE_KINDS } from '../contracts/trades.js';
import { createHash, X509Certificate } from 'node:crypto';
import type { DrawView, PoolEntry, ReplayView } from '../contracts/experts.js';
import { canonicalJson } from '../crypto/canonical-json.js';
import { sha256Hex } from '../crypto/digest.js';
import { nodeProvider } from '../crypto/node/provider.js';
import { verifySignedData } from '../crypto/signed-data.js';
import type { EvaluationReport } from '../server/modules/evaluation/report.js';
import { computeSeats } from '../server/modules/experts/service.js';
import { verifyReceipt } from '../crypto/receipt.js';
import { yuan } from '../server/modules/opening/pdf.js';
import { DEMO_ORGANISATIONS } from '../server/seed/demo-data.js';
import { freshDatabase, type FreshDatabase } from './helpers/database.js';
import { runToEnd } from './helpers/processes.js';

const BIDDERS = ['bidder1', 'bidder2', 'bidder3', 'bidder4', 'bidder5'];
const OFFICIALS = ['official1', 'official2', 'official3'];

/** `npm run demo` on a fresh DATA_DIR (and a fresh MariaDB database when DATABASE_URL says so) leaves its artefacts under DATA_DIR/demo. */
describe('npm run demo', function () {
  this.timeout(600_000);
  let database: FreshDatabase;
  let env: Record<string, string>;
  before(async () => {
    database = await freshDatabase();
    // SQLite runs get no DATABASE_URL at all (not the one of the mocha run)
    env = { DATABASE_URL: '', ...database.env };
  });
  after(async () => database?.drop());
  let code: number | null;
  let output = '';

  it('publishes five trades, seals and receipts 5×5 bids, opens the construction and land trades after their deadlines with 2-of-3 official shares, writes the opening record and verifies the audit chain', async () => {
    ({ code, output } = await runToEnd('npm', ['run', '-s', 'demo'], env));
    expect(code, output).to.equal(0);
    expect(output).to.contain('[1] 启动平台').and.to.contain('USCC_BAD_CHECK_DIGIT').and.to.contain('完成 Done');
    expect(output).to.contain('409 BID_DEADLINE_PASSED');
    const demo = path.join(database.dataDir, 'demo');
    const summary = JSON.parse(fs.readFileSync(path.join(demo, 'summary.json'), 'utf8'));
    expect(summary.database).to.match(database.dialect === 'mysql' ? /^MySQL\/MariaDB mysql:/ : /^SQLite /);

    // five trades, one of each kind; the construction trade passed its deadline, the others still take bids
    expect(summary.trades).to.have.length(5);
    expect(summary.trades.map((t: { kind: string }) => t.kind).sort()).to.deep.equal([...TRADE_KINDS].sort());
    for (const trade of summary.trades) {
      expect(trade.code).to.match(/^\d{6}-\d{4}-\d{4}$/);
      expect(trade.method).to.equal('open_tender');
      // construction and land were opened; the clock jump to land's deadline also closed procurement's bidding
      expect(trade.state).to.equal(({ construction: 'contracted', land: 'opened', procurement: 'opening' } as Record<string, string>)[trade.kind] ?? 'bidding');
      for (const official of OFFICIALS) {
        const share = fs.readFileSync(path.join(demo, 'shares', trade.code, `${official}.share.cms`));
        expect(share[0], `${trade.code} ${official} share is DER`).to.equal(0x30);
        expect(share.length).to.be.greaterThan(500);
      }
    }

    // for each of five bidders × five trades: envelope + .sig + receipt, the receipt verifying and naming the envelope on disk
    const rootPem = fs.readFileSync(path.join(demo, 'keys', 'root.crt'), 'utf8');
    for (const trade of summary.trades) {
      const dir = path.join(demo, 'bids', trade.code);
      for (const bidder of BIDDERS) {
        const envelope = fs.readFileSync(path.join(dir, `${bidder}.sealed`));
        expect(fs.statSync(path.join(dir, `${bidder}.sealed.sig`)).size).to.be.greaterThan(0);
        const verified = await verifyReceipt(new Uint8Array(fs.readFileSync(path.join(dir, `${bidder}.receipt.p7s`))), { trustAnchorsPem: rootPem });
        expect(verified.fields.trade).to.equal(trade.code);
        expect(verified.fields.sha256, `${trade.code} ${bidder}`).to.equal(await sha256Hex(new Uint8Array(envelope)));
        expect(verified.fields.size).to.equal(envelope.length);
        expect(verified.fields.bidder).to.equal(DEMO_ORGANISATIONS.find((o) => o.key === bidder)!.uscc);
        const content = JSON.parse(fs.readFileSync(path.join(dir, `${bidder}.receipt.json`), 'utf8'));
        expect(content).to.deep.equal(verified.fields);
        const listed = summary.bids.find((b: { trade: string; bidder: string; status: string }) => b.trade === trade.code && b.bidder === bidder && b.status === 'current');
        expect(listed, `${trade.code} ${bidder} in summary.json`).to.include({ sha256: verified.fields.sha256, size: envelope.length, receivedAt: verified.fields.receivedAt, envelope: path.join('bids', trade.code, `${bidder}.sealed`) });
      }
      // the bid plaintext never stays beside the sealed files
      expect(fs.readdirSync(dir).filter((f) => !/\.(sealed|sealed\.sig|receipt\.p7s|receipt\.json)$/.test(f))).to.deep.equal([]);
    }

    // bidder2's first construction bid was replaced: kept as seq1, listed as replaced, its receipt still verifying
    const construction = summary.trades.find((t: { kind: string }) => t.kind === 'construction');
    const bidder2 = summary.bids.filter((b: { trade: string; bidder: string }) => b.trade === construction.code && b.bidder === 'bidder2');
    expect(bidder2.map((b: { seq: number; status: string }) => `${b.seq} ${b.status}`)).to.deep.equal(['1 replaced', '2 current']);
    const seq1 = path.join(demo, bidder2[0].envelope);
    const old = await verifyReceipt(new Uint8Array(fs.readFileSync(path.join(demo, bidder2[0].receipt))), { trustAnchorsPem: rootPem });
    expect(old.fields.sha256).to.equal(await sha256Hex(new Uint8Array(fs.readFileSync(seq1))));
    expect(summary.bids).to.have.length(26);

    // the opening halls: construction by official1 + official3, land by official2 + official3; every current bid opened, the record published and closed
    expect(output).to.contain('official1 opens its sealed share').and.to.contain('official2 opens its sealed share').and.to.contain('fires opening.close');
    const usccOf = (bidder: string) => DEMO_ORGANISATIONS.find((o) => o.key === bidder)!.uscc;
    const land = summary.trades.find((t: { kind: string }) => t.kind === 'land');
    const halls = [
      { trade: construction, shares: [1, 3], decisions: { bidder1: 'confirm', bidder2: 'confirm', bidder3: 'object', bidder4: 'confirm', bidder5: 'deemed_confirmed' } },
      { trade: land, shares: [2, 3], decisions: { bidder1: 'deemed_confirmed', bidder2: 'confirm', bidder3: 'confirm', bidder4: 'object', bidder5: 'confirm' } },
    ];
    for (const { trade, shares, decisions: expected } of halls) {
      const hall = path.join(demo, 'opening', trade.code);
      const record = JSON.parse(fs.readFileSync(path.join(hall, 'opening-record.json'), 'utf8')) as OpeningRecord;
      expect(record.trade).to.include({ code: trade.code, title: trade.title });
      expect(record.mode).to.equal('officials');
      expect(record.officials.filter((o) => o.submittedAt).map((o) => o.shareIndex)).to.deep.equal(shares);
      expect(record.results).to.have.length(5);
      expect(record.results.map((r) => r.outcome)).to.deep.equal(Array(5).fill('opened'));
      expect(record).to.include({ validBids: 5, failed: false });
      // each result is the bidder's current bid: the price and hash the bidder sealed (bidder2's replacement, not its first bid)
      const current = summary.bids.filter((b: { trade: string; status: string }) => b.trade === trade.code && b.status === 'current');
      expect(record.results.map((r) => r.bidId).sort((a, b) => a - b)).to.deep.equal(current.map((b: { bidId: number }) => b.bidId).sort((a: number, b: number) => a - b));
      for (const r of record.results) {
        const bid = current.find((b: { bidId: number }) => b.bidId === r.bidId);
        expect(r.sha256).to.equal(bid.sha256);
        expect(r.bidder!.uscc).to.equal(bid.uscc);
        expect(r.priceFen).to.be.a('number').and.to.be.greaterThan(0);
      }
      if (trade === construction) expect(record.results.find((r) => r.bidder!.uscc === usccOf('bidder2'))!.bidJson).to.include({ notes: '修改后的投标文件：优化施工组织，报价下调' });
      // confirmations: one objection with its reason, one silent bidder deemed to confirm, the rest confirmed
      const decisions = Object.fromEntries(record.confirmations.map((c) => [c.uscc, c.decision]));
      expect(decisions).to.deep.equal(Object.fromEntries(Object.entries(expected).map(([bidder, decision]) => [usccOf(bidder), decision])));
      expect(record.confirmations.find((c) => c.decision === 'object')!.text).to.match(/异议/);
      // the hall's event log, numbered from 1 without gaps
      const events = JSON.parse(fs.readFileSync(path.join(hall, 'events.json'), 'utf8')) as { seq: number; type: string }[];
      expect(events.map((e) => e.seq)).to.deep.equal(events.map((_, i) => i + 1));
      expect(events[0]!.type).to.equal('opening.started');
      expect(events.filter((e) => e.type === 'share.received')).to.have.length(2);
      expect(events.filter((e) => e.type === 'bid.result')).to.have.length(5);
      expect(events.map((e) => e.type)).to.include('record.published');
      expect(events.at(-1)!.type).to.equal('opening.closed');
      // the record PDF, read back with pdftotext: the Chinese title and every opened bidder with its price (pdf.ts yuan())
      const recordPdf = path.join(hall, 'opening-record.pdf');
      expect(fs.readFileSync(recordPdf).subarray(0, 5).toString()).to.equal('%PDF-');
      const recordText = execFileSync('pdftotext', ['-enc', 'UTF-8', recordPdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
      expect(recordText).to.contain('开标记录');
      expect(recordText).to.contain(trade.title.replace(/\s+/g, ''));
      for (const r of record.results) {
        expect(recordText, r.bidder!.name).to.contain(r.bidder!.name);
        expect(recordText, `${r.bidder!.name} price`).to.contain(yuan(r.priceFen));
      }
      expect(recordText).to.contain('未答复，视为确认');
      const opening = summary.openings.find((o: { trade: string }) => o.trade === trade.code);
      expect(opening).to.include({ state: 'closed', tradeState: 'opened', validBids: 5, pdf: path.join('opening', trade.code, 'opening-record.pdf') });
      expect(summary.outputs).to.include(path.join('opening', trade.code, 'opening-record.pdf'));
    }

    const verification = JSON.parse(fs.readFileSync(path.join(demo, 'audit-verification.json'), 'utf8'));
    expect(verification).to.include({ ok: true, firstBrokenSeq: null });
    const chain = fs.readFileSync(path.join(demo, 'audit-chain.jsonl'), 'utf8').trim().split('\n');
    expect(chain).to.have.length(verification.checked);
    const actions = chain.map((line) => JSON.parse(line).action as string);
    expect(actions.filter((a) => a === 'bid.received')).to.have.length(25);
    expect(actions).to.include('bid.replaced').and.to.include('trade.opening_key_split');
    expect(actions.filter((a) => a === 'opening.share_received')).to.have.length(4);
    expect(actions.filter((a) => a === 'opening.bid_result')).to.have.length(10);
    expect(actions).to.include('opening.key_used_and_wiped').and.to.include('opening.published').and.to.include('opening.closed');
    const pdf = fs.readFileSync(path.join(demo, 'audit-report.pdf'));
    expect(pdf.subarray(0, 5).toString()).to.equal('%PDF-');
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', path.join(demo, 'audit-report.pdf'), '-'], { encoding: 'utf8' });
    expect(text).to.contain('审计链校验报告').and.to.contain('完整，未发现篡改');
    expect(summary.outputs).to.include('audit-report.pdf');
  });

  it('draws a committee for the construction trade, scores and ranks its bids, and writes the signed evaluation report', async () => {
    const demo = path.join(database.dataDir, 'demo');
    const summary = JSON.parse(fs.readFileSync(path.join(demo, 'summary.json'), 'utf8'));
    const construction = summary.trades.find((t: { kind: string }) => t.kind === 'construction');
    expect(summary.evaluations).to.have.length(1);
    const evaluation = summary.evaluations[0];
    expect(evaluation).to.include({ trade: construction.code, state: 'final', method: 'comprehensive' });
    const dir = path.join(demo, 'evaluation', construction.code);
    const sha = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

    // the draw: seed committed before and revealed after, the pool snapshot hashed, the replay matching — and recomputed here offline
    const { draw, replay, published } = JSON.parse(fs.readFileSync(path.join(dir, 'draw.json'), 'utf8')) as { draw: DrawView; replay: ReplayView; published: { pool: PoolEntry[]; seed: string; request: { seats: { specialty: string; count: number }[]; tendereeRepresentatives: number } } };
    expect(draw.state).to.equal('drawn');
    expect(replay.matches).to.equal(true);
    expect(sha(published.seed)).to.equal(draw.seedCommitment);
    expect(draw.seed).to.equal(published.seed);
    expect(sha(canonicalJson(published.pool))).to.equal(draw.poolHash);
    expect(published.pool).to.have.length(draw.poolSize);
    // avoidance: 周丽华 (employed by bidder3) and 朱永强 (by the tenderee) are not in the snapshot
    expect(draw.excluded).to.deep.include({ rule: 'avoidance.employed_by_bidder', count: 1 }).and.to.deep.include({ rule: 'avoidance.employed_by_tenderee', count: 1 });
    expect(published.pool.map((e) => e.name)).to.not.include('周丽华').and.to.not.include('朱永强');
    // one declined with a reason, the next in the same ranking took the seat, five accepted
    const declined = draw.seats.filter((s) => s.status === 'declined');
    expect(declined).to.have.length(1);
    expect(declined[0]!.declineReason).to.be.a('string').and.not.equal('');
    expect(draw.seats.find((s) => s.replaces === declined[0]!.seat)!.status).to.equal('accepted');
    expect(draw.seats.filter((s) => s.status === 'accepted')).to.have.length(5);
    const offline = computeSeats(published.pool, published.request, published.seed, { tradeCity: '360700', cityOf: () => '360700', outsideCityMin: 0, declined: new Map(declined.map((s, i) => [i, s.seat])) });
    expect(offline.map((s) => [s.seat, s.specialty, s.userId])).to.deep.equal(draw.seats.map((s) => [s.seat, s.specialty, s.userId]));
    expect(replay.seats).to.deep.equal(offline);
    expect(output).to.contain('matches ✓');

    // the report: the exact text the members signed, the digest beside it
    const reportText = fs.readFileSync(path.join(dir, 'evaluation-report.json'));
    expect(sha(reportText)).to.equal(evaluation.reportSha256);
    expect(fs.readFileSync(path.join(dir, 'signatures', 'report.sha256'), 'utf8').split(/\s+/)[0]).to.equal(evaluation.reportSha256);
    const report = JSON.parse(reportText.toString('utf8')) as EvaluationReport;
    expect(report.trade.code).to.equal(construction.code);
    expect(report.committee.map((m) => m.name)).to.deep.equal(evaluation.committee.map((m: { name: string }) => m.name));
    expect(report.committee.filter((m) => m.chair)).to.have.length(1);
    const accepted = draw.seats.filter((s) => s.status === 'accepted').map((s) => s.name).sort();
    expect(report.committee.map((m) => m.name).sort()).to.deep.equal(accepted);
    // one bid rejected 3:2 on qualification with the dissent recorded; four ranked; three candidates
    expect(report.result.rejected).to.have.length(1);
    const rejected = report.result.compliance.find((c) => !c.compliant)!;
    const qualification = rejected.checks.find((c) => c.check === 'qualification')!;
    expect(qualification).to.include({ pass: false, failVotes: 3, passVotes: 2 });
    expect(qualification.dissent).to.have.length(2);
    expect(report.result.ranked.map((r) => r.rank)).to.deep.equal([1, 2, 3, 4]);
    expect(report.result.candidates.map((c) => c.rank)).to.deep.equal([1, 2, 3]);
    expect(report.result.ranked.map((r) => r.total)).to.deep.equal(evaluation.ranking.map((r: { total: number }) => r.total));
    for (const r of report.result.ranked) expect(r.total).to.be.within(80, 100);

    // the PDF, read back: the title, every member's name, every total, the rejection's reason, the refusal
    const pdfPath = path.join(dir, 'evaluation-report.pdf');
    expect(fs.readFileSync(pdfPath).subarray(0, 5).toString()).to.equal('%PDF-');
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', pdfPath, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
    expect(text).to.contain('评标报告');
    for (const m of report.committee) expect(text, m.name).to.contain(m.name);
    for (const r of report.result.ranked) expect(text, `${r.bidder.name} total`).to.contain(r.total.toFixed(2));
    expect(text).to.contain(qualification.reasons[0]!.reason.replace(/\s+/g, ''));
    expect(text).to.contain('拒绝签名');
    expect(text).to.contain(evaluation.reportSha256);

    // each signature: CMS over the report's SHA-256 by a certificate in the member's name; the refusal has its reason
    const digest = new Uint8Array(Buffer.from(evaluation.reportSha256, 'hex'));
    const signers = evaluation.committee.filter((m: { signed: string }) => m.signed === 'signed');
    const refusers = evaluation.committee.filter((m: { signed: string }) => m.signed === 'refused');
    expect(signers).to.have.length(4);
    expect(refusers).to.have.length(1);
    expect(refusers[0].refusal).to.be.a('string').and.not.equal('');
    expect(fs.readdirSync(path.join(dir, 'signatures')).sort()).to.deep.equal([...signers.map((m: { username: string }) => `${m.username}.p7s`), 'report.sha256'].sort());
    for (const m of signers) {
      const der = new Uint8Array(fs.readFileSync(path.join(demo, m.signature)));
      const verified = await verifySignedData(der, { detachedDigest: { hash: 'SHA-256', value: digest }, provider: nodeProvider });
      expect(new X509Certificate(verified.signerCertificatePem).subject, m.username).to.contain(`CN=${m.name}`);
      // and not over another digest
      let failed = false;
      try {
        await verifySignedData(der, { detachedDigest: { hash: 'SHA-256', value: new Uint8Array(32) }, provider: nodeProvider });
      } catch {
        failed = true;
      }
      expect(failed, `${m.username}'s signature verifies over a zero digest`).to.equal(true);
    }
    expect(summary.outputs).to.include(evaluation.files.pdf).and.to.include(evaluation.files.draw);

    // the audit chain holds each step
    const actions = fs.readFileSync(path.join(demo, 'audit-chain.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line).action as string);
    for (const action of ['experts.draw_committed', 'experts.drawn', 'experts.declined', 'evaluation.started', 'evaluation.chair_elected', 'evaluation.review_closed', 'evaluation.computed', 'evaluation.reported', 'evaluation.signature_refused']) expect(actions, action).to.include(action);
    expect(actions.filter((a) => a === 'experts.accepted')).to.have.length(5);
    expect(actions.filter((a) => a === 'evaluation.signed')).to.have.length(4);
  });

  it('rechecks the signed report automatically (a mistyped score corrected with its reason), publishes the candidates, answers an objection, awards and records the contract', async () => {
    const demo = path.join(database.dataDir, 'demo');
    const summary = JSON.parse(fs.readFileSync(path.join(demo, 'summary.json'), 'utf8'));
    const construction = summary.trades.find((t: { kind: string }) => t.kind === 'construction');
    const pdfText = (file: string) => {
      expect(fs.readFileSync(path.join(demo, file)).subarray(0, 5).toString(), file).to.equal('%PDF-');
      return execFileSync('pdftotext', ['-enc', 'UTF-8', path.join(demo, file), '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
    };

    // the automatic recheck: opened by the platform on the deviating score, corrected by the original committee, signed by every member
    expect(summary.rechecks).to.have.length(1);
    const recheck = summary.rechecks[0];
    expect(recheck).to.include({ trade: construction.code, kind: 'review', trigger: 'automatic', state: 'closed', outcome: 'correct' });
    expect(recheck.diff.map((d: { type: string }) => d.type)).to.deep.equal(['score_deviation']);
    expect(recheck.changes).to.have.length(1);
    expect(recheck.changes[0]).to.include({ criterion: 'technical', from: 2.5, to: 20.5 });
    expect(recheck.changes[0].reason).to.contain('录入错误');
    const before = recheck.rankingBefore.find((r: { bidder: string }) => r.bidder === recheck.changes[0].bidder);
    const after = recheck.rankingAfter.find((r: { bidder: string }) => r.bidder === recheck.changes[0].bidder);
    expect(after.total).to.be.greaterThan(before.total);
    expect(recheck.members.map((m: { signed: string }) => m.signed)).to.deep.equal(Array(5).fill('signed'));
    const reportJson = JSON.parse(fs.readFileSync(path.join(demo, recheck.files.report), 'utf8'));
    expect(reportJson.outcome.decision).to.equal('correct');
    const digest = new Uint8Array(Buffer.from(recheck.reportSha256, 'hex'));
    for (const file of recheck.files.signatures) {
      const verified = await verifySignedData(new Uint8Array(fs.readFileSync(path.join(demo, file))), { detachedDigest: { hash: 'SHA-256', value: digest }, provider: nodeProvider });
      expect(verified.signerCertificatePem).to.contain('BEGIN CERTIFICATE');
    }
    const recheckText = pdfText(recheck.files.pdf);
    expect(recheckText).to.contain('复核报告').and.to.contain('由2.5更正为20.5').and.to.contain(recheck.changes[0].reason.replace(/\s+/g, ''));
    expect(output).to.contain('409 RECHECK_OPEN');

    // publicity, the objection answered, the award refused while the publicity runs, then made; notices published; the contract recorded
    expect(summary.awards).to.have.length(1);
    const award = summary.awards[0];
    expect(award.publicity.candidates.map((c: { rank: number }) => c.rank)).to.deep.equal([1, 2, 3]);
    expect(award.publicity.candidates.map((c: { bidder: string }) => c.bidder)).to.deep.equal(recheck.rankingAfter.slice(0, 3).map((r: { bidder: string }) => r.bidder));
    expect(award.objection).to.include({ subject: 'candidates', upheld: false });
    expect(award.refusedWhileRunning).to.equal('PUBLICITY_RUNNING');
    expect(award.winner.bidder).to.equal(award.publicity.candidates[0].bidder);
    expect(award.tradeState).to.equal('contracted');
    const notice = fs.readFileSync(path.join(demo, award.notice.file));
    expect(createHash('sha256').update(notice).digest('hex')).to.equal(award.notice.sha256);
    const noticeText = pdfText(award.notice.file);
    expect(noticeText).to.contain('中标通知书').and.to.contain(award.winner.bidder).and.to.contain(award.winner.price).and.to.contain(construction.code);
    expect(award.results).to.have.length(4);
    for (const r of award.results) expect(pdfText(r.file)).to.contain('中标结果通知书').and.to.contain(r.bidder);
    expect(award.contract.sha256).to.equal(createHash('sha256').update(fs.readFileSync(path.join(demo, award.contract.file))).digest('hex'));
    expect(award.contract.late).to.equal(false);
    expect(summary.outputs).to.include(recheck.files.pdf).and.to.include(award.notice.file);

    const actions = fs.readFileSync(path.join(demo, 'audit-chain.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line).action as string);
    for (const action of ['trade.conclude_evaluation', 'trade.start_publicity', 'trade.award', 'trade.record_contract', 'award.awarded', 'award.contract_recorded']) expect(actions, action).to.include(action);
    expect(actions.some((a) => a.startsWith('recheck.'))).to.equal(true);
  });

  it('records a penalty against bidder2 issued by 瑞金市, refuses it at the credit gate of trades in 龙南市 and 龙岩市, and leaves the record, the refusal, the score and the signed feed entry', async () => {
    const demo = path.join(database.dataDir, 'demo');
    const summary = JSON.parse(fs.readFileSync(path.join(demo, 'summary.json'), 'utf8'));
    const credit = summary.credit;
    const uscc = DEMO_ORGANISATIONS.find((o) => o.key === 'bidder2')!.uscc;
    expect(summary.stages.slice(-2)).to.deep.equal(['credit', 'audit']);
    expect(credit.files).to.deep.equal({ penalty: 'credit/penalty.json', refusal: 'credit/refusal.json', score: 'credit/score.json', feed: 'credit/feed-000001.p7m' });
    for (const file of Object.values(credit.files) as string[]) expect(summary.outputs).to.include(file);

    // the record: 串通投标 under 招标投标法 第五十三条, issued by 瑞金市, serious, barring bidding for a year
    const penalty = JSON.parse(fs.readFileSync(path.join(demo, 'credit', 'penalty.json'), 'utf8'));
    expect(penalty).to.include({ kind: 'penalty', role: 'bidder', basis: '招标投标法 第五十三条', authority: '瑞金市发展和改革委员会', severity: 'serious', scope: 'bidding', status: 'active', points: 30 });
    expect(penalty.subject).to.deep.equal({ kind: 'organisation', id: uscc, name: '瑞金红都建筑工程有限公司' });
    expect(penalty.issuingRegion).to.deep.equal({ code: '360781', name: '瑞金市' });
    expect(penalty.decisionNo).to.match(/^瑞发改罚〔\d{4}〕17号$/);
    expect(new Date(penalty.endsAt).getUTCFullYear() - new Date(penalty.startsAt).getUTCFullYear()).to.equal(1);

    // the refusal: problem+json naming 瑞金市 and the basis; the transcript shows it for both new trades and the earlier one
    const refusal = JSON.parse(fs.readFileSync(path.join(demo, 'credit', 'refusal.json'), 'utf8'));
    expect(refusal).to.include({ status: 403, code: 'CREDIT_RESTRICTED', issuingRegion: '360781', issuingRegionName: '瑞金市', basis: `招标投标法 第五十三条（${penalty.decisionNo}）` });
    expect(refusal.detail).to.contain('瑞金市').and.to.contain('招标投标法 第五十三条').and.to.contain(penalty.decisionNo);
    expect(credit.trades.map((t: { regionCode: string }) => t.regionCode)).to.deep.equal(['360783', '350800']);
    expect(credit.refusals.map((r: { action: string; regionCode: string; code: string }) => `${r.action} ${r.regionCode} ${r.code}`)).to.deep.equal(['register 360783 CREDIT_RESTRICTED', 'register 350800 CREDIT_RESTRICTED', 'bid 360783 CREDIT_RESTRICTED']);
    for (const trade of credit.trades) expect(output).to.contain(`bidder2 报名 ${trade.code} → 403 CREDIT_RESTRICTED: restricted by 瑞金市 (360781): 招标投标法 第五十三条（${penalty.decisionNo}）`);
    expect(output).to.contain('赣州 staff creating the 龙岩市 trade → 403 FORBIDDEN_REGION');
    // the gate is per company: another company registers in each
    expect(credit.admitted.map((a: { trade: string; bidder: string }) => [a.trade, a.bidder])).to.deep.equal(credit.trades.map((t: { code: string }, i: number) => [t.code, ['bidder3', 'bidder5'][i]]));

    // the score: base − 30 in force, with its history; the public list shows the record
    const score = JSON.parse(fs.readFileSync(path.join(demo, 'credit', 'score.json'), 'utf8'));
    expect(score).to.include({ uscc, base: 100, score: 70 });
    expect(score.records.map((r: { uid: string }) => r.uid)).to.deep.equal([penalty.uid]);
    expect(score.history.at(-1)).to.include({ score: 70, event: 'started', record: penalty.uid });
    expect(credit.score).to.include({ before: 100, after: 70 });
    expect(credit.publicList).to.equal(1);

    // the feed entry: a DER CMS SignedData openssl prints, whose content is the signed payload of the record
    const feedFile = path.join(demo, 'credit', 'feed-000001.p7m');
    expect(fs.readFileSync(feedFile)[0]).to.equal(0x30);
    const printed = execFileSync('openssl', ['cms', '-verify', '-inform', 'DER', '-noverify', '-in', feedFile], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const payload = JSON.parse(printed);
    expect(payload).to.include({ v: 1, seq: 1, prev: '', event: 'recorded' });
    expect(payload.record).to.include({ uid: penalty.uid, basis: penalty.basis, decisionNo: penalty.decisionNo, scope: 'bidding' });
    expect(payload.record.issuingRegion).to.deep.equal({ code: '360781', name: '瑞金市' });
    expect(output).to.contain(`openssl cms -verify -inform DER -noverify -in ${feedFile}`);
    // and its signer chains to the platform root, at the server's (moved) clock the transcript names
    const attime = output.match(/-attime (\d+) -in \S+feed-000001\.p7m/)![1]!;
    execFileSync('openssl', ['cms', '-verify', '-inform', 'DER', '-CAfile', path.join(demo, 'keys', 'root.crt'), '-purpose', 'any', '-attime', attime, '-in', feedFile, '-out', '/dev/null'], { stdio: 'pipe' });

    const actions = fs.readFileSync(path.join(demo, 'audit-chain.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line).action as string);
    expect(actions).to.include('credit.recorded');
  });

  it('refuses a database that is not fresh', async () => {
    const { code, output } = await runToEnd('npm', ['run', '-s', 'demo'], env);
    expect(code).to.equal(1);
    expect(output).to.contain('needs a fresh one');
    // and leaves the first run's artefacts alone
    expect(fs.existsSync(path.join(database.dataDir, 'demo', 'summary.json'))).to.equal(true);
  });
});
