import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { createCsr } from '../../crypto/csr.js';
import { generateRsaKeyPairNode } from '../../crypto/node/keys.js';
import { nodeProvider } from '../../crypto/node/provider.js';
import { signDetachedDigest, type CmsSigner } from '../../crypto/signed-data.js';
import type { EvaluationView } from '../../contracts/evaluation.js';
import type { TradeKind, TradeView } from '../../contracts/trades.js';
import { bearer, type TestApp } from './app.js';
import { addExperts } from './experts.js';
import { closeBidding, startOpening, submitShare } from './opening.js';
import { publishedTrade, register, sealedBidFor, uploadBid } from './trades.js';

export interface EvaluationRun {
  trade: TradeView;
  experts: { userId: number; username: string; token: string }[];
  /** bidder username → bid id */
  bidIds: Record<string, number>;
  view: EvaluationView;
}

/** Logs a pool expert in (pool experts get expert1's password hash, so the demo password works). */
export async function expertLogin(app: TestApp, userId: number): Promise<{ username: string; token: string }> {
  const user = (await app.services.identity.models.User.findByPk(userId))!;
  const hash = (await app.services.identity.models.User.findOne({ where: { username: 'expert1' } }))!.passwordHash;
  if (user.passwordHash !== hash) await user.update({ passwordHash: hash });
  app.forgetTokens();
  return { username: user.username, token: await app.tokenFor(user.username) };
}

/** The expert's own key pair and certificate (CN = username), for signing the report. */
export async function expertSigner(app: TestApp, token: string, username: string): Promise<CmsSigner> {
  const keys = await generateRsaKeyPairNode(2048);
  const res = await app.http.post('/api/certificates/csr').set(bearer(token)).send({ csr: createCsr(keys.privateKeyPem, { commonName: username }) });
  expect(res.status, res.text).to.equal(201);
  return { certificatePem: res.body.certificate.pem, privateKeyPem: keys.privateKeyPem };
}

/**
 * A trade of `kind` taken through bids, the opening, a draw of five accepted experts, the
 * compliance review and scoring, up to the computed result. `judged(bidder, criterion)` gives the
 * five experts' scores; `rejectQualification` has the first N experts reject that bidder.
 */
export async function evaluatedTrade(
  app: TestApp,
  args: {
    kind: TradeKind;
    prices: Record<string, number>;
    judged: (bidder: string, criterion: string) => number[];
    rejectQualification?: { bidder: string; votes: number; reason: string };
    /** Stop once the compliance review is closed (scoring open, nothing scored). */
    stopAtScoring?: boolean;
    /** Extra pool experts of the committee's specialty (for replacements). */
    spareExperts?: number;
    /** Bidders' answers to a proposed arithmetic correction (confirm or refuse), given right after the start. */
    answerCorrections?: Record<string, boolean>;
    /** Extra bid.json fields per bidder (e.g. coreProductBrand, priceInWords, lines). */
    bidJson?: Record<string, Record<string, unknown>>;
    /** Bidders the review rejects for a reason of the machine's (e.g. a credit-restricted project manager): not scored. */
    notScored?: string[];
    /** The notice's evaluation template (default by kind). */
    template?: 'construction.comprehensive' | 'construction.lowest_price' | 'procurement.comprehensive_scoring' | 'procurement.lowest_evaluated_price';
  },
): Promise<EvaluationRun> {
  app.setClock('2026-11-25T02:00:00.000Z');
  const trade = await publishedTrade(app, args.kind, 'open_tender', {
    title: args.kind === 'procurement' ? '赣州市第三中学多媒体教室设备采购' : '章贡区沙河大道排水管网改造工程施工',
    ...(args.template ? { evaluationTemplate: args.template } : {}),
  });
  const bidIds: Record<string, number> = {};
  for (const [bidder, price] of Object.entries(args.prices)) {
    expect((await register(app, trade.id, bidder)).status).to.equal(201);
    const up = await uploadBid(app, trade.id, bidder, await sealedBidFor(app, trade, bidder, price, undefined, args.bidJson?.[bidder] ?? {}));
    expect(up.status, up.text).to.equal(201);
    bidIds[bidder] = up.body.bid.id;
  }
  await closeBidding(app, trade);
  await startOpening(app, trade);
  await submitShare(app, trade, 'official1');
  expect((await submitShare(app, trade, 'official2')).body.record.validBids).to.equal(Object.keys(args.prices).length);
  expect((await app.http.post(`/api/trades/${trade.id}/opening/publish`).set(bearer(await app.tokenFor('staff'))).send({})).status).to.equal(200);

  // the committee: five pool experts of the trade's city, drawn and accepting
  await addExperts(app, 5 + (args.spareExperts ?? 0), { specialty: `eval${trade.id}`, regionCode: '360700' });
  const committed = await app.http.post(`/api/trades/${trade.id}/draws`).set(bearer(await app.tokenFor('staff'))).send({ seats: [{ specialty: `eval${trade.id}`, count: 5 }] });
  expect(committed.status, committed.text).to.equal(201);
  const drawn = await app.http.post(`/api/trades/${trade.id}/draws/${committed.body.id}/run`).set(bearer(await app.tokenFor('staff'))).send({});
  expect(drawn.status, drawn.text).to.equal(200);
  const experts: EvaluationRun['experts'] = [];
  for (const seat of [...drawn.body.seats].filter((s: { status: string }) => s.status === 'invited').sort((a: { userId: number }, b: { userId: number }) => a.userId - b.userId)) {
    const login = await expertLogin(app, seat.userId);
    const invitation = ((await app.http.get('/api/experts/assignments').set(bearer(login.token))).body.assignments as { id: number; tradeId: number }[]).find((a) => a.tradeId === trade.id)!;
    expect((await app.http.post(`/api/experts/assignments/${invitation.id}/respond`).set(bearer(login.token)).send({ accept: true })).status).to.equal(200);
    experts.push({ userId: seat.userId, ...login });
  }
  expect((await app.http.post(`/api/trades/${trade.id}/evaluation/start`).set(bearer(await app.tokenFor('staff'))).send({})).status).to.equal(201);
  for (const [bidder, accept] of Object.entries(args.answerCorrections ?? {})) {
    const answered = await app.http.post(`/api/trades/${trade.id}/evaluation/correction`).set(bearer(await app.tokenFor(bidder))).send({ accept });
    expect(answered.status, answered.text).to.equal(200);
  }
  const as = (i: number) => bearer(experts[i]!.token);
  // the committee elects the first expert chair
  for (let i = 0; i < 3; i++) await app.http.post(`/api/trades/${trade.id}/evaluation/chair`).set(as(i)).send({ userId: experts[0]!.userId });
  // compliance: every expert, every bid, every check
  for (const [i] of experts.entries()) {
    for (const [bidder, bidId] of Object.entries(bidIds)) {
      for (const check of ['formal', 'qualification', 'responsiveness'] as const) {
        const reject = args.rejectQualification?.bidder === bidder && check === 'qualification' && i < args.rejectQualification.votes;
        const res = await app.http.post(`/api/trades/${trade.id}/evaluation/compliance`).set(as(i)).send({ bidId, check, pass: !reject, ...(reject ? { reason: args.rejectQualification!.reason } : {}) });
        expect(res.status, res.text).to.equal(200);
      }
    }
  }
  const closed = await app.http.post(`/api/trades/${trade.id}/evaluation/compliance/close`).set(as(0)).send({});
  expect(closed.status, closed.text).to.equal(200);
  let view = closed.body as EvaluationView;
  if (view.state === 'scoring' && !args.stopAtScoring) {
    const judgedCriteria = view.criteria.filter((c) => c.kind === 'judged').map((c) => c.id);
    const scored = Object.entries(bidIds).filter(([bidder]) => (args.rejectQualification?.bidder !== bidder || args.rejectQualification.votes * 2 <= 5) && args.answerCorrections?.[bidder] !== false && !args.notScored?.includes(bidder));
    for (const [i] of experts.entries()) {
      const scores = scored.flatMap(([bidder, bidId]) => judgedCriteria.map((criterion) => ({ bidId, criterion, value: args.judged(bidder, criterion)[i]! })));
      const saved = await app.http.put(`/api/trades/${trade.id}/evaluation/scores`).set(as(i)).send({ scores });
      expect(saved.status, saved.text).to.equal(200);
    }
    for (const [i] of experts.entries()) {
      const submitted = await app.http.post(`/api/trades/${trade.id}/evaluation/scores/submit`).set(as(i)).send({});
      expect(submitted.status, submitted.text).to.equal(200);
      view = submitted.body as EvaluationView;
    }
  }
  return { trade, experts, bidIds, view };
}

/** Each member signs the report's SHA-256 with their own certificate (CMS, detached digest). */
export async function signReport(app: TestApp, run: EvaluationRun, sha256: string, refuseBy?: { index: number; reason: string }): Promise<EvaluationView> {
  let view: EvaluationView | null = null;
  for (const [i, expert] of run.experts.entries()) {
    const body =
      refuseBy?.index === i
        ? { refuse: refuseBy.reason }
        : { signature: Buffer.from(await signDetachedDigest(new Uint8Array(Buffer.from(sha256, 'hex')), await expertSigner(app, expert.token, expert.username), { provider: nodeProvider })).toString('base64') };
    const res = await app.http.post(`/api/trades/${run.trade.id}/evaluation/signatures`).set(bearer(expert.token)).send(body);
    expect(res.status, res.text).to.equal(200);
    view = res.body as EvaluationView;
  }
  return view!;
}

export const sha256Hex = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * `evaluatedTrade` taken on: the chair writes the report and every member signs it, so the
 * evaluation is final and the trade has moved to `evaluated` (ready for recheck / publicity).
 */
export async function signedEvaluation(app: TestApp, args: Parameters<typeof evaluatedTrade>[1]): Promise<EvaluationRun> {
  const run = await evaluatedTrade(app, args);
  const reported = await app.http.post(`/api/trades/${run.trade.id}/evaluation/report`).set(bearer(run.experts[0]!.token)).send({});
  expect(reported.status, reported.text).to.equal(200);
  const view = await signReport(app, run, (reported.body as EvaluationView).reportSha256!);
  expect(view.state).to.equal('final');
  return { ...run, view };
}
