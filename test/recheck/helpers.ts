import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { nodeProvider } from '../../crypto/node/provider.js';
import { signDetachedDigest } from '../../crypto/signed-data.js';
import type { EvaluationView } from '../../contracts/evaluation.js';
import type { RecheckView } from '../../contracts/recheck.js';
import { bearer, type TestApp } from '../helpers/app.js';
import { evaluatedTrade, expertLogin, expertSigner, signReport, type EvaluationRun } from '../helpers/evaluation.js';

export const WAN = 1_000_000; // 万元 in fen

/**
 * A trade evaluated up to scoring; every expert saves `judged` scores, then — before the last expert
 * submits — `plant` writes a value straight into evaluation_scores (an arithmetic error in a raw
 * score the signed result then carries); the report is written and every member signs it.
 */
export async function plantedEvaluation(
  app: TestApp,
  args: Omit<Parameters<typeof evaluatedTrade>[1], 'stopAtScoring'> & { plant?: { bidder: string; expert: number; criterion: string; value: number } },
): Promise<EvaluationRun> {
  const run = await evaluatedTrade(app, { ...args, stopAtScoring: true });
  const as = (i: number) => bearer(run.experts[i]!.token);
  const judged = run.view.criteria.filter((c) => c.kind === 'judged').map((c) => c.id);
  for (const [i] of run.experts.entries()) {
    const scores = Object.entries(run.bidIds).flatMap(([bidder, bidId]) => judged.map((criterion) => ({ bidId, criterion, value: args.judged(bidder, criterion)[i]! })));
    const saved = await app.http.put(`/api/trades/${run.trade.id}/evaluation/scores`).set(as(i)).send({ scores });
    expect(saved.status, saved.text).to.equal(200);
  }
  let view: EvaluationView = run.view;
  for (const [i] of run.experts.entries()) {
    if (i === run.experts.length - 1 && args.plant) {
      const { bidder, expert, criterion, value } = args.plant;
      await app.db.query('UPDATE evaluation_scores SET value = ? WHERE trade_id = ? AND bid_id = ? AND expert_user_id = ? AND criterion = ?', {
        replacements: [value, run.trade.id, run.bidIds[bidder], run.experts[expert]!.userId, criterion],
      });
    }
    const submitted = await app.http.post(`/api/trades/${run.trade.id}/evaluation/scores/submit`).set(as(i)).send({});
    expect(submitted.status, submitted.text).to.equal(200);
    view = submitted.body as EvaluationView;
  }
  expect(view.state).to.equal('computed');
  const reported = await app.http.post(`/api/trades/${run.trade.id}/evaluation/report`).set(as(0)).send({});
  expect(reported.status, reported.text).to.equal(200);
  const final = await signReport(app, run, (reported.body as EvaluationView).reportSha256!);
  expect(final.state).to.equal('final');
  return { ...run, view: final };
}

export async function rechecksOf(app: TestApp, tradeId: number, as = 'staff'): Promise<RecheckView[]> {
  const res = await app.http.get(`/api/trades/${tradeId}/rechecks`).set(bearer(await app.tokenFor(as)));
  expect(res.status, res.text).to.equal(200);
  return res.body.rechecks as RecheckView[];
}

/** The base64 CMS signature of `username` (their own certificate) over a report digest. */
export async function signatureOver(app: TestApp, token: string, username: string, sha256: string): Promise<string> {
  return Buffer.from(await signDetachedDigest(new Uint8Array(Buffer.from(sha256, 'hex')), await expertSigner(app, token, username), { provider: nodeProvider })).toString('base64');
}

/** Every member answers the recheck report: signs it, or refuses with a reason (`refuse`: user id → reason). */
export async function signRecheck(app: TestApp, recheck: RecheckView, members: { userId: number; username: string; token: string }[], refuse: Record<number, string> = {}): Promise<RecheckView> {
  let view = recheck;
  for (const m of members) {
    const body = refuse[m.userId] ? { refuse: refuse[m.userId] } : { signature: await signatureOver(app, m.token, m.username, recheck.reportSha256!) };
    const res = await app.http.post(`/api/rechecks/${recheck.id}/signatures`).set(bearer(m.token)).send(body);
    expect(res.status, res.text).to.equal(200);
    view = res.body as RecheckView;
  }
  return view;
}

/** Logs in the panel experts a recheck draw invited, and has each accept. */
export async function acceptSeats(app: TestApp, tradeId: number, seats: { userId: number; status: string }[]): Promise<{ userId: number; username: string; token: string }[]> {
  const out: { userId: number; username: string; token: string }[] = [];
  for (const seat of seats.filter((s) => s.status === 'invited').sort((a, b) => a.userId - b.userId)) {
    const login = await expertLogin(app, seat.userId);
    const invitation = ((await app.http.get('/api/experts/assignments').set(bearer(login.token))).body.assignments as { id: number; tradeId: number; status: string }[]).find((a) => a.tradeId === tradeId && a.status === 'invited')!;
    const res = await app.http.post(`/api/experts/assignments/${invitation.id}/respond`).set(bearer(login.token)).send({ accept: true });
    expect(res.status, res.text).to.equal(200);
    out.push({ userId: seat.userId, ...login });
  }
  return out;
}

/** The PDF's text (pdftotext), every whitespace removed (line breaks fall anywhere in Chinese text). */
export function pdfText(bytes: Buffer): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recheck-pdf-'));
  try {
    fs.writeFileSync(path.join(dir, 'r.pdf'), bytes);
    execFileSync('pdftotext', ['-enc', 'UTF-8', path.join(dir, 'r.pdf'), path.join(dir, 'r.txt')]);
    return fs.readFileSync(path.join(dir, 'r.txt'), 'utf8').replace(/\s+/g, '');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function auditPayloads(app: TestApp, action: string): Promise<Record<string, unknown>[]> {
  const [rows] = (await app.db.query('SELECT payload FROM audit_events WHERE action = ? ORDER BY seq', { replacements: [action] })) as [{ payload: string }[], unknown];
  return rows.map((r) => (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as Record<string, unknown>);
}
