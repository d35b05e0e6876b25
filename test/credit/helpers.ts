import { expect } from 'chai';
import type { CreditRecordView } from '../../contracts/credit.js';
import { DEMO_ORGANISATIONS } from '../../server/seed/demo-data.js';
import { bearer } from '../helpers/app.js';
import { createTrade, enrol, noticeFor, publish, uploadDocument, type TradeTestTarget } from '../helpers/trades.js';
import type { TradeNoticeInput, TradeView } from '../../contracts/trades.js';

export const orgOf = (key: string) => {
  const org = DEMO_ORGANISATIONS.find((o) => o.key === key)!;
  return { uscc: org.uscc, name: org.name };
};

/** A penalty by 瑞金市 (360781) against bidder2's company, barring it from bidding for a year; override anything. */
export function penaltyBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: 'penalty',
    subject: { kind: 'organisation', ...orgOf('bidder2') },
    role: 'bidder',
    act: '在瑞金市某市政工程招标中与其他投标人串通投标',
    basis: '招标投标法 第五十三条',
    decisionNo: '瑞发改罚〔2026〕12号',
    authority: '瑞金市发展和改革委员会',
    issuingRegionCode: '360781',
    severity: 'serious',
    scope: 'bidding',
    endsAt: '2027-11-25T02:00:00.000Z',
    ...overrides,
  };
}

export async function recordCredit(app: TradeTestTarget, body: Record<string, unknown>, as = 'supervisor') {
  return app.http.post('/api/credit/records').set(bearer(await app.tokenFor(as))).send(body);
}

export async function recorded(app: TradeTestTarget, overrides: Record<string, unknown> = {}, as = 'supervisor'): Promise<CreditRecordView> {
  const res = await recordCredit(app, penaltyBody(overrides), as);
  expect(res.status, res.text).to.equal(201);
  return res.body as CreditRecordView;
}

/** A published trade in any region (admin manages every region; 赣州 staff only their own). */
export async function publishedIn(app: TradeTestTarget, regionCode: string, overrides: Partial<TradeNoticeInput> = {}): Promise<TradeView> {
  for (const official of ['official1', 'official2', 'official3']) await enrol(app, official);
  const trade = await createTrade(app, noticeFor(app, 'construction', 'open_tender', { regionCode, ...overrides }), 'admin');
  const doc = await uploadDocument(app, trade.id, 'tender_documents', '招标文件', undefined, 'admin');
  expect(doc.status, doc.text).to.equal(201);
  const res = await publish(app, trade.id, 'admin');
  expect(res.status, res.text).to.equal(200);
  return res.body as TradeView;
}

/** A made-up 居民身份证号码 with a valid GB 11643 check character. */
export function idNumber(n: number): string {
  const body = `36070219900101${String(n).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((s, w, i) => s + w * Number(body[i]), 0);
  return body + '10X98765432'[sum % 11]!;
}
