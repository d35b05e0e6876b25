import { expect } from 'chai';
import type { ComplaintView, ObjectionView } from '../../contracts/complaints.js';
import type { TradeKind, TradeNoticeInput, TradeView } from '../../contracts/trades.js';
import type { Actor } from '../../server/kernel/actor.js';
import { bearer, type TestApp } from '../helpers/app.js';
import { publishedTrade, register } from '../helpers/trades.js';

export interface Filing {
  subject: 'documents' | 'opening' | 'candidates' | 'award' | 'process';
  facts?: string;
  request?: string;
  legalBasis?: string;
  step?: string;
  objectionId?: number;
  attachments?: { name: string; bytes: Buffer }[];
}

/** A published trade (bidding) with the given bidders registered (报名). */
export async function biddingTrade(app: TestApp, kind: TradeKind, overrides: Partial<TradeNoticeInput> = {}, bidders: string[] = ['bidder1', 'bidder2']): Promise<TradeView> {
  const trade = await publishedTrade(app, kind, 'open_tender', overrides);
  for (const bidder of bidders) expect((await register(app, trade.id, bidder)).status).to.equal(201);
  return trade;
}

async function file(app: TestApp, path: string, as: string, filing: Filing) {
  const req = app.http
    .post(path)
    .set(bearer(await app.tokenFor(as)))
    .field('subject', filing.subject)
    .field('facts', filing.facts ?? '招标文件第三章资格条件设置了与项目无关的特定业绩要求，排斥潜在投标人。')
    .field('request', filing.request ?? '请求修改资格条件并顺延投标截止时间。')
    .field('legalBasis', filing.legalBasis ?? '《招标投标法实施条例》第三十二条');
  if (filing.step) req.field('step', filing.step);
  if (filing.objectionId !== undefined) req.field('objectionId', String(filing.objectionId));
  for (const [i, a] of (filing.attachments ?? []).entries()) req.attach(`attachment${i + 1}`, a.bytes, { filename: a.name, contentType: 'application/pdf' });
  return req;
}

/** POST /api/trades/:id/objections (multipart) as `bidder`. */
export const fileObjection = (app: TestApp, tradeId: number, bidder: string, filing: Filing) => file(app, `/api/trades/${tradeId}/objections`, bidder, filing);
/** POST /api/trades/:id/complaints (multipart) as `bidder`. */
export const fileComplaint = (app: TestApp, tradeId: number, bidder: string, filing: Filing) => file(app, `/api/trades/${tradeId}/complaints`, bidder, filing);

export async function objected(app: TestApp, tradeId: number, bidder: string, filing: Filing): Promise<ObjectionView> {
  const res = await fileObjection(app, tradeId, bidder, filing);
  expect(res.status, res.text).to.equal(201);
  return res.body as ObjectionView;
}

export async function complained(app: TestApp, tradeId: number, bidder: string, filing: Filing): Promise<ComplaintView> {
  const res = await fileComplaint(app, tradeId, bidder, filing);
  expect(res.status, res.text).to.equal(201);
  return res.body as ComplaintView;
}

export async function reply(app: TestApp, objectionId: number, upheld: boolean, as = 'staff', extra: Record<string, unknown> = {}) {
  return app.http.post(`/api/objections/${objectionId}/reply`).set(bearer(await app.tokenFor(as))).send({ reply: upheld ? '经核查，异议成立。' : '经核查，异议不成立，招标文件设置的条件符合规定。', upheld, ...extra });
}

export async function replied(app: TestApp, objectionId: number, upheld: boolean, as = 'staff', extra: Record<string, unknown> = {}): Promise<ObjectionView> {
  const res = await reply(app, objectionId, upheld, as, extra);
  expect(res.status, res.text).to.equal(200);
  return res.body as ObjectionView;
}

export async function supervisorAct(app: TestApp, complaintId: number, act: 'accept' | 'reject' | 'decide', body: Record<string, unknown> = {}) {
  return app.http.post(`/api/complaints/${complaintId}/${act}`).set(bearer(await app.tokenFor('supervisor'))).send(body);
}

export async function accepted(app: TestApp, complaintId: number): Promise<ComplaintView> {
  const res = await supervisorAct(app, complaintId, 'accept');
  expect(res.status, res.text).to.equal(200);
  expect(res.body.status).to.equal('accepted');
  return res.body as ComplaintView;
}

export async function decided(app: TestApp, complaintId: number, outcome: 'dismissed' | 'upheld' = 'dismissed', remedy = 'keep', extra: Record<string, unknown> = {}): Promise<ComplaintView> {
  const res = await supervisorAct(app, complaintId, 'decide', {
    outcome,
    decision: outcome === 'upheld' ? '经调查，投诉事项成立。' : '经调查，投诉事项缺乏事实依据，驳回投诉。',
    remedy,
    ...extra,
  });
  expect(res.status, res.text).to.equal(200);
  return res.body as ComplaintView;
}

/** The seed's staff user as an in-process actor (to fire a user transition directly). */
export async function staffActor(app: TestApp): Promise<Actor> {
  const user = (await app.services.identity.models.User.findOne({ where: { username: 'staff' } }))!;
  return { kind: 'user', userId: user.id, username: user.username, role: user.role, regionCode: user.regionCode, organisationId: user.organisationId, sessionId: 'test', via: 'bearer', csrfToken: '' };
}

/**
 * Starts the candidate publicity through the award module's route; answers the publicity window the
 * complaints module reads (AwardService.currentPublicity).
 */
export async function startPublicity(app: TestApp, tradeId: number) {
  return app.http.post(`/api/trades/${tradeId}/publicity`).set(bearer(await app.tokenFor('staff'))).send({});
}

export async function inPublicity(app: TestApp, tradeId: number): Promise<{ startsAt: Date; endsAt: Date }> {
  const res = await startPublicity(app, tradeId);
  expect(res.status, res.text).to.be.oneOf([200, 201]);
  const publicity = await app.services.award.currentPublicity(tradeId);
  expect(publicity, 'the award module answers the running publicity').to.not.equal(null);
  return publicity!;
}

export async function award(app: TestApp, tradeId: number) {
  return app.http.post(`/api/trades/${tradeId}/award`).set(bearer(await app.tokenFor('staff'))).send({});
}

export async function notifications(app: TestApp, username: string): Promise<{ kind: string; title: string; body: string; tradeId: number | null }[]> {
  const res = await app.http.get('/api/notifications').set(bearer(await app.tokenFor(username)));
  expect(res.status).to.equal(200);
  return res.body.notifications;
}

export async function cancel(app: TestApp, tradeId: number) {
  return app.http.post(`/api/trades/${tradeId}/transitions/cancel`).set(bearer(await app.tokenFor('staff'))).send({ reason: '测试终止' });
}

/** Audit events of one action (read from the chain's table), payloads parsed. */
export async function auditEvents(app: TestApp, action: string): Promise<{ actor: string | null; subject: string | null; payload: Record<string, unknown> }[]> {
  const rows = await app.services.audit.models.AuditEvent.findAll({ where: { action }, order: [['seq', 'ASC']] });
  return rows.map((r) => ({ actor: r.actor, subject: r.subject, payload: JSON.parse(r.payload) as Record<string, unknown> }));
}
