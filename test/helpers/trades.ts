import { expect } from 'chai';
import type request from 'supertest';
import { buildBidPackage } from '../../crypto/bid-package.js';
import { createCsr } from '../../crypto/csr.js';
import { generateRsaKeyPairNode } from '../../crypto/node/keys.js';
import { sealBid } from '../../crypto/sealed-bid.js';
import type { CmsSigner } from '../../crypto/signed-data.js';
import { nodeProvider } from '../../crypto/node/provider.js';
import type { TradeKind, TradeMethod, TradeNoticeInput, TradeView } from '../../contracts/trades.js';
import { DEMO_ORGANISATIONS, DEMO_USERS } from '../../server/seed/demo-data.js';
import { bearer } from './app.js';

/** What a trades test needs of the app under test (in-process givenApp or a child process). */
export interface TradeTestTarget {
  http: ReturnType<typeof request>;
  tokenFor(username: string): Promise<string>;
  seed: { organisations: Record<string, number>; users: Record<string, number> } | null;
}

const holders = new WeakMap<object, Map<string, CmsSigner>>();

/** A demo user's key pair (made here, on "their side") and the certificate the platform CA issued from their CSR. */
export async function enrol(app: TradeTestTarget, username: string): Promise<CmsSigner> {
  let byUser = holders.get(app);
  if (!byUser) holders.set(app, (byUser = new Map()));
  const cached = byUser.get(username);
  if (cached) return cached;
  const user = DEMO_USERS.find((u) => u.username === username)!;
  const org = user.organisation ? DEMO_ORGANISATIONS.find((o) => o.key === user.organisation) : undefined;
  const keys = await generateRsaKeyPairNode(2048);
  const subject = org ? { commonName: user.displayName, organisation: org.name, uscc: org.uscc } : { commonName: user.displayName };
  const res = await app.http.post('/api/certificates/csr').set(bearer(await app.tokenFor(username))).send({ csr: createCsr(keys.privateKeyPem, subject) });
  expect(res.status, `certificate for ${username}: ${res.text}`).to.equal(201);
  const chain = (res.body.chainPem as string).split(/(?=-----BEGIN CERTIFICATE-----)/).slice(1);
  const signer: CmsSigner = { certificatePem: res.body.certificate.pem as string, privateKeyPem: keys.privateKeyPem, chainPem: chain };
  byUser.set(username, signer);
  return signer;
}

export const orgId = (app: TradeTestTarget, key: string): number => app.seed!.organisations[key]!;
export const userId = (app: TradeTestTarget, username: string): number => app.seed!.users[username]!;

const DETAILS: Record<TradeKind, TradeNoticeInput['details']> = {
  construction: { kind: 'construction', site: '赣州市章贡区沙河镇', scope: '道路及排水工程施工', durationDays: 180, qualityStandard: '合格', ceilingPriceFen: 1_250_000_000 },
  land: { kind: 'land', parcelNo: '赣市土储〔2026〕12号', location: '章贡区水南片区', areaSqm: 18650.5, landUse: '商服用地', termYears: 40, plotRatio: '≤2.5' },
  mining: { kind: 'mining', rightType: 'extraction', mineral: '建筑用花岗岩', location: '龙南市东江乡', areaSqKm: 0.35, termYears: 10 },
  property: { kind: 'property', targetCompany: '赣州市城发置业有限公司', sharePercent: 35, valuationFen: 2_800_000_000 },
  procurement: { kind: 'procurement', category: 'goods', planNo: '赣市财采计〔2026〕0456号' },
};

/**
 * A notice that passes every rule when published at the test clock's start (2026-11-25 10:00 +08):
 * documents until 2026-12-31, bids and opening at 2027-01-05 09:30 +08 (clear of every minimum period).
 */
export function noticeFor(app: TradeTestTarget, kind: TradeKind, method: TradeMethod = 'open_tender', overrides: Partial<TradeNoticeInput> = {}): TradeNoticeInput {
  const amountFen = 1_000_000_000; // ¥10,000,000
  return {
    title: `测试${kind}项目 ${method}`,
    kind,
    method,
    regionCode: '360702',
    tendereeOrganisationId: orgId(app, 'tenderee'),
    agencyOrganisationId: orgId(app, 'agency'),
    amountFen,
    lots: [{ no: '1', name: '第一标段', amountFen }],
    qualifications: ['具有独立法人资格', '近三年无重大违法记录'],
    bidSecurityFen: 20_000_000, // 2%
    documentsUntil: '2026-12-31T09:00:00.000Z',
    bidDeadline: '2027-01-05T01:30:00.000Z',
    openingAt: '2027-01-05T01:30:00.000Z',
    openingPlace: '赣州市公共资源交易中心 不见面开标大厅（线上）',
    unlockMode: 'officials',
    officials: ['official1', 'official2', 'official3'].map((u) => userId(app, u)),
    threshold: 2,
    details: DETAILS[kind],
    ...(method === 'invited_tender' ? { invitees: ['bidder1', 'bidder2', 'bidder3'].map((k) => orgId(app, k)) } : {}),
    ...(method === 'single_source' ? { invitees: [orgId(app, 'bidder1')] } : {}),
    ...overrides,
  };
}

export async function createTrade(app: TradeTestTarget, notice: TradeNoticeInput, as = 'staff'): Promise<TradeView> {
  const res = await app.http.post('/api/trades').set(bearer(await app.tokenFor(as))).send(notice);
  expect(res.status, res.text).to.equal(201);
  return res.body as TradeView;
}

export async function uploadDocument(app: TradeTestTarget, tradeId: number, kind = 'tender_documents', title = '招标文件', bytes: Buffer = Buffer.from(`招标文件正文 ${title}\n`), as = 'staff', affectsBids?: boolean) {
  const req = app.http
    .post(`/api/trades/${tradeId}/documents`)
    .set(bearer(await app.tokenFor(as)))
    .field('kind', kind)
    .field('title', title);
  if (affectsBids !== undefined) req.field('affectsBids', String(affectsBids));
  return req.attach('file', bytes, { filename: `${title}.pdf`, contentType: 'application/pdf' });
}

export async function publish(app: TradeTestTarget, tradeId: number, as = 'staff') {
  return app.http.post(`/api/trades/${tradeId}/transitions/publish`).set(bearer(await app.tokenFor(as))).send({});
}

/** Creates, documents and publishes a trade; the officials get certificates first. */
export async function publishedTrade(app: TradeTestTarget, kind: TradeKind, method: TradeMethod = 'open_tender', overrides: Partial<TradeNoticeInput> = {}): Promise<TradeView> {
  for (const official of ['official1', 'official2', 'official3']) await enrol(app, official);
  const trade = await createTrade(app, noticeFor(app, kind, method, overrides));
  const doc = await uploadDocument(app, trade.id);
  expect(doc.status, doc.text).to.equal(201);
  const res = await publish(app, trade.id);
  expect(res.status, res.text).to.equal(200);
  return res.body as TradeView;
}

export async function register(app: TradeTestTarget, tradeId: number, bidder: string) {
  return app.http.post(`/api/trades/${tradeId}/registrations`).set(bearer(await app.tokenFor(bidder))).send({});
}

/** bidder's bid package (bid.json + one attachment), signed and sealed to the trade's opening certificate. */
export async function sealedBidFor(app: TradeTestTarget, trade: TradeView, bidder: string, priceFen = 987_654_321, signer?: CmsSigner, extra: Record<string, unknown> = {}) {
  const user = DEMO_USERS.find((u) => u.username === bidder)!;
  const org = DEMO_ORGANISATIONS.find((o) => o.key === user.organisation)!;
  const holder = signer ?? (await enrol(app, bidder));
  const pkg = await buildBidPackage(
    { format: 'tenderhall-bid', version: 1, trade: trade.code, bidder: { uscc: org.uscc, name: org.name }, lot: '1', priceFen, durationDays: 170, quality: '合格', projectManager: '张伟', ...extra },
    [{ name: '技术标.pdf', bytes: new TextEncoder().encode(`技术方案 ${bidder} ${priceFen}`) }],
  );
  return sealBid(pkg, holder, trade.openingCertificatePem!, { provider: nodeProvider });
}

export async function uploadBid(app: TradeTestTarget, tradeId: number, bidder: string, sealed: { envelope: Uint8Array; signature: Uint8Array }, options: { fileName?: string; replaces?: number; idempotencyKey?: string } = {}) {
  const req = app.http.post(`/api/trades/${tradeId}/bids`).set(bearer(await app.tokenFor(bidder)));
  if (options.idempotencyKey) req.set('Idempotency-Key', options.idempotencyKey);
  if (options.replaces !== undefined) req.field('replaces', String(options.replaces));
  return req
    .attach('envelope', Buffer.from(sealed.envelope), { filename: options.fileName ?? `${bidder}.sealed`, contentType: 'application/cms' })
    .attach('signature', Buffer.from(sealed.signature), { filename: `${bidder}.sealed.sig`, contentType: 'application/cms' });
}
