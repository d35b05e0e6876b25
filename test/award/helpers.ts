import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { AwardSummaryView, PublicityView } from '../../contracts/award.js';
import type { TradeKind } from '../../contracts/trades.js';
import { SHIPPED_CJK_FONT, renderPdf } from '../../server/kernel/pdf.js';
import { DEMO_ORGANISATIONS } from '../../server/seed/demo-data.js';
import { bearer, type TestApp } from '../helpers/app.js';
import { signedEvaluation, type EvaluationRun } from '../helpers/evaluation.js';

/** The demo bidders' names and USCCs (bidder1 … bidder5). */
export function bidderOrg(bidder: string): { name: string; uscc: string } {
  const org = DEMO_ORGANISATIONS.find((o) => o.key === bidder)!;
  return { name: org.name, uscc: org.uscc };
}

export const TENDEREE = (() => {
  const org = DEMO_ORGANISATIONS.find((o) => o.key === 'tenderee')!;
  return { name: org.name, uscc: org.uscc };
})();

/**
 * A trade of `kind` with a final, signed evaluation (state `evaluated`), three bidders ranked
 * bidder1 > bidder2 > bidder3 (technical 22 / 20 / 18, the rest equal). The clock is left at the
 * bid deadline, 2027-01-05 09:30 China time (a Tuesday), when the report was signed.
 */
export async function evaluatedForAward(app: TestApp, kind: TradeKind = 'construction', bidJson?: Record<string, Record<string, unknown>>): Promise<EvaluationRun> {
  const procurement = kind === 'procurement';
  const prices = procurement ? { bidder1: 98_000_000, bidder2: 99_000_000, bidder3: 99_500_000 } : { bidder1: 900_000_000, bidder2: 910_000_000, bidder3: 920_000_000 };
  const technical: Record<string, number> = procurement ? { bidder1: 45, bidder2: 40, bidder3: 35 } : { bidder1: 22, bidder2: 20, bidder3: 18 };
  const run = await signedEvaluation(app, {
    kind,
    prices,
    judged: (bidder, criterion) => Array(5).fill(criterion === 'technical' ? technical[bidder]! : procurement ? 15 : 8),
    ...(bidJson ? { bidJson } : {}),
  });
  const order = run.view.result!.candidates.map((c) => c.bidId);
  expect(order, 'ranked bidder1 > bidder2 > bidder3').to.deep.equal([run.bidIds.bidder1, run.bidIds.bidder2, run.bidIds.bidder3]);
  expect((await app.http.get(`/api/trades/${run.trade.id}`)).body.state).to.equal('evaluated');
  return run;
}

export async function startPublicity(app: TestApp, tradeId: number, as = 'staff') {
  return app.http.post(`/api/trades/${tradeId}/publicity`).set(bearer(await app.tokenFor(as))).send({});
}

export async function publicityOf(app: TestApp, tradeId: number): Promise<PublicityView> {
  const res = await app.http.get(`/api/trades/${tradeId}/publicity`);
  expect(res.status, res.text).to.equal(200);
  return res.body.current as PublicityView;
}

export async function awardTrade(app: TestApp, tradeId: number, as = 'staff') {
  return app.http.post(`/api/trades/${tradeId}/award`).set(bearer(await app.tokenFor(as))).send({});
}

export async function awardOf(app: TestApp, tradeId: number): Promise<AwardSummaryView> {
  const res = await app.http.get(`/api/trades/${tradeId}/award`);
  expect(res.status, res.text).to.equal(200);
  return res.body as AwardSummaryView;
}

/** A GET that answers the raw bytes (PDFs). */
export function getBytes(app: TestApp, url: string, token?: string) {
  const req = app.http.get(url).buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  });
  return token ? req.set(bearer(token)) : req;
}

/** pdftotext of a PDF, whitespace removed. */
export function pdfText(pdf: Buffer): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'award-pdf-'));
  try {
    fs.writeFileSync(path.join(dir, 'doc.pdf'), pdf);
    return execFileSync('pdftotext', ['-enc', 'UTF-8', path.join(dir, 'doc.pdf'), '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A signed contract as the parties would scan it: a real PDF. */
export function contractPdf(text: string): Promise<Buffer> {
  return renderPdf(SHIPPED_CJK_FONT, { title: '施工合同' }, (doc) => {
    doc.fontSize(16).text('建设工程施工合同', { align: 'center' }).fontSize(11).text(text);
  });
}

export async function recordContract(
  app: TestApp,
  tradeId: number,
  fields: { signedOn: string; amountFen: number | string; parties: unknown },
  file: Buffer,
  as = 'staff',
  fileName = '施工合同.pdf',
) {
  return app.http
    .post(`/api/trades/${tradeId}/contract`)
    .set(bearer(await app.tokenFor(as)))
    .field('signedOn', fields.signedOn)
    .field('amountFen', String(fields.amountFen))
    .field('parties', typeof fields.parties === 'string' ? fields.parties : JSON.stringify(fields.parties))
    .attach('file', file, { filename: fileName, contentType: 'application/pdf' });
}

export async function notificationsOf(app: TestApp, username: string, tradeId: number): Promise<{ kind: string; title: string; body: string }[]> {
  const res = await app.http.get('/api/notifications').set(bearer(await app.tokenFor(username)));
  expect(res.status).to.equal(200);
  return (res.body.notifications as { kind: string; title: string; body: string; tradeId: number }[]).filter((n) => n.tradeId === tradeId);
}

/** Audit actions recorded for a trade, in order. */
export async function auditActions(app: TestApp, tradeCode: string): Promise<{ action: string; payload: Record<string, unknown> }[]> {
  const [rows] = (await app.db.query('SELECT action, payload FROM audit_events WHERE subject = ? ORDER BY seq', { replacements: [`trade:${tradeCode}`] })) as unknown as [{ action: string; payload: string | Record<string, unknown> }[]];
  return rows.map((r) => ({ action: r.action, payload: typeof r.payload === 'string' ? (JSON.parse(r.payload) as Record<string, unknown>) : r.payload }));
}

/** A credit restriction on an organisation, as the credit module would record it (scope `bidding`). */
export async function restrict(app: TestApp, uscc: string, basis: string, region = '360781'): Promise<void> {
  const now = app.clock.now();
  await app.db.query('INSERT INTO credit_restrictions (uscc, scope, issuing_region_code, basis, starts_at, ends_at, lifted_at, created_at) VALUES (?, ?, ?, ?, ?, NULL, NULL, ?)', {
    replacements: [uscc, 'bidding', region, basis, new Date(now.getTime() - 1000), now],
  });
}

export async function unrestrict(app: TestApp, uscc: string): Promise<void> {
  await app.db.query('DELETE FROM credit_restrictions WHERE uscc = ?', { replacements: [uscc] });
}
