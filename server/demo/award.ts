import path from 'node:path';
import type { AwardSummaryView, PublicityView } from '../../contracts/award.js';
import type { ObjectionView } from '../../contracts/complaints.js';
import type { DiffItem, RecheckView } from '../../contracts/recheck.js';
import type { TradeView } from '../../contracts/trades.js';
import { createCsr } from '../../crypto/csr.js';
import { generateRsaKeyPairNode } from '../../crypto/node/keys.js';
import { nodeProvider } from '../../crypto/node/provider.js';
import { signDetachedDigest } from '../../crypto/signed-data.js';
import type { Services } from '../app.js';
import { writeFileAtomic } from '../kernel/files.js';
import type { OffsetClock } from '../kernel/clock.js';
import { renderPdf, type CjkFont } from '../kernel/pdf.js';
import type { DemoApi, EvaluationOut } from './evaluation.js';
import { MISTYPED } from './evaluation.js';
import { yuan } from './trades.js';

/**
 * The recheck and award stages of `npm run demo` (issue 7). The signed evaluation report of the
 * construction trade is checked by the platform at once: every formula recomputed from the raw
 * scores, every score against the committee's mean. One expert typed 2.5 for 20.5, so the automatic
 * recheck (复核 by the original committee) opens; that expert corrects the score with the reason, the
 * committee signs the corrected result, and the recheck report is written. Staff then publish the
 * candidates (中标候选人公示); a bidder objects inside the window and staff reply; the clock passes the
 * publicity; staff award the trade — award notice to the winner, result notices to the others — and
 * record the signed contract with its SHA-256. Everything lands in DATA_DIR/demo/recheck/<code>/ and
 * DATA_DIR/demo/award/<code>/.
 */

export interface DemoUploadApi extends DemoApi {
  upload(url: string, parts: { name: string; fileName: string; type: string; bytes: Uint8Array }[], fields?: Record<string, string>): Promise<{ status: number; text: string; body: any }>;
}

export interface RecheckOut {
  trade: string;
  id: number;
  kind: string;
  trigger: string;
  state: string;
  diff: DiffItem[];
  outcome: string;
  changes: { bidder: string; expert: string; criterion: string | null; from: number | string | null; to: number | string; reason: string }[];
  rankingBefore: { rank: number; bidder: string; total: number }[];
  rankingAfter: { rank: number; bidder: string; total: number }[];
  reportSha256: string;
  members: { username: string; name: string; signed: string | null }[];
  files: { pdf: string; report: string; digest: string; signatures: string[] };
}

export interface AwardOut {
  trade: string;
  publicity: { round: number; startsAt: string; endsAt: string; lastDay: string; candidates: { rank: number; bidder: string; price: string; total: number }[] };
  objection: { by: string; subject: string; facts: string; reply: string; upheld: boolean; replyDueAt: string; repliedAt: string };
  refusedWhileRunning: string;
  winner: { bidder: string; uscc: string; price: string };
  tradeState: string;
  notice: { file: string; sha256: string };
  results: { bidder: string; file: string; sha256: string }[];
  contract: { signedOn: string; amount: string; sha256: string; dueBy: string; late: boolean; file: string };
}

const OBJECTION = {
  bidder: 'bidder4',
  facts: '我公司认为第一中标候选人拟派项目经理在投标截止时仍有在建项目，不符合招标文件“项目经理不得同时在其他项目担任项目经理”的要求。',
  request: '请招标人核查第一中标候选人项目经理的在建项目情况，并依法作出答复。',
  legalBasis: '招标投标法实施条例 第五十四条',
};
const OBJECTION_REPLY = '经向住房和城乡建设主管部门核查，第一中标候选人拟派项目经理原任职项目已于投标截止前完成竣工验收并办理项目经理变更手续，不存在在建项目，异议不成立。';

export async function recheckAndAwardStage(args: {
  services: Services;
  as: (username: string) => DemoUploadApi;
  login: (username: string) => Promise<unknown>;
  relogin: () => Promise<void>;
  step: (title: string) => void;
  say: (line: string) => void;
  outDir: string;
  font: CjkFont;
  clock: OffsetClock;
  evaluated: EvaluationOut;
  title: string;
  /** bidder username → organisation name */
  bidderNames: Record<string, string>;
  expectStatus: (res: { status: number; text: string }, status: number, what: string) => void;
  cst: (at: string | Date) => string;
}): Promise<{ recheck: RecheckOut; award: AwardOut }> {
  const { services, as, step, say, outDir, font, clock, evaluated, bidderNames, expectStatus, cst } = args;
  const { tradeId: id, trade: code } = evaluated;
  const staff = () => as('staff');
  const usernameOf = (name: string) => evaluated.committee.find((m) => m.name === name)?.username;
  const bidderOf = (name: string) => Object.entries(bidderNames).find(([, n]) => n === name)?.[0] ?? name;

  // ── the automatic recheck ──────────────────────────────────────────────────────────────────────
  step(`自动复核 The platform rechecks ${code}'s signed report: every formula recomputed from the raw scores, every score against the committee mean`);
  const listed = await staff().get(`/api/trades/${id}/rechecks`);
  expectStatus(listed, 200, 'list rechecks');
  let recheck = (listed.body.rechecks as RecheckView[])[0];
  if (!recheck || recheck.trigger !== 'automatic') throw new Error(`no automatic recheck of ${code}: ${listed.text.slice(0, 300)}`);
  say(`recheck ${recheck.id} opened automatically (${recheck.kind === 'review' ? '复核 by the original committee' : '复审 by an independent panel'}); grounds: ${recheck.grounds.map((g) => g.label.zh).join('、')}`);
  for (const item of recheck.diff?.items ?? []) say(`  flagged: ${describe(item)}`);
  const deviation = recheck.diff?.items.find((i): i is Extract<DiffItem, { type: 'score_deviation' }> => i.type === 'score_deviation');
  if (!deviation) throw new Error('the automatic recheck did not flag the mistyped score');
  const publicity = await staff().post(`/api/trades/${id}/publicity`, {});
  expectStatus(publicity, 409, 'publicity while the recheck is open');
  say(`staff try to publish the candidates now → ${publicity.status} ${publicity.body.code} (publicity and award wait for the recheck)`);

  step('复核 The expert who mistyped records a finding with the corrected score and its reason; the chair proposes 更正; every member signs the recheck report');
  const expert = usernameOf(deviation.expert)!;
  const finding = await as(expert).post(`/api/rechecks/${recheck.id}/findings`, {
    item: deviation.key,
    text: `本人对${deviation.bidder}“施工组织设计”的评分录入错误：应为 ${MISTYPED.intended} 分，误录为 ${MISTYPED.typed} 分（漏录十位数字），与评分记录不符。`,
    corrections: [{ kind: 'score', bidId: deviation.bidId, expertUserId: deviation.expertUserId, criterion: deviation.criterion, value: MISTYPED.intended, reason: `录入错误：评分记录为 ${MISTYPED.intended} 分，系统中误录为 ${MISTYPED.typed} 分` }],
  });
  expectStatus(finding, 201, 'record the finding');
  say(`${deviation.expert} (${expert}): ${deviation.bidder} 施工组织设计 ${MISTYPED.typed} → ${MISTYPED.intended}, reason recorded`);
  const chair = evaluated.committee.find((m) => m.chair)!;
  const proposed = await as(chair.username).post(`/api/rechecks/${recheck.id}/outcome`, { outcome: 'correct', reasons: '经复核，评分录入错误属实，按评分记录更正该项评分，重新计算得分与排序；其余评审结论不变。' });
  expectStatus(proposed, 200, 'propose the outcome');
  recheck = proposed.body as RecheckView;
  say(`${chair.name} (chair) proposes 更正 (correct); the recheck report's SHA-256 is ${recheck.reportSha256}`);
  const dir = path.join(outDir, 'recheck', code);
  const rel = (f: string) => path.join('recheck', code, f);
  const digest = new Uint8Array(Buffer.from(recheck.reportSha256!, 'hex'));
  const signatureFiles: string[] = [];
  for (const m of recheck.members) {
    const username = evaluated.committee.find((c) => c.name === m.name)!.username;
    const keys = await generateRsaKeyPairNode();
    const issued = await as(username).post('/api/certificates/csr', { csr: createCsr(keys.privateKeyPem, { commonName: m.name }) });
    expectStatus(issued, 201, `certificate for ${username}`);
    const der = await signDetachedDigest(digest, { certificatePem: issued.body.certificate.pem as string, privateKeyPem: keys.privateKeyPem }, { provider: nodeProvider });
    const signed = await as(username).post(`/api/rechecks/${recheck.id}/signatures`, { signature: Buffer.from(der).toString('base64') });
    expectStatus(signed, 200, `${username} signs the recheck report`);
    recheck = signed.body as RecheckView;
    const file = rel(path.join('signatures', `${username}.p7s`));
    await writeFileAtomic(path.join(outDir, file), Buffer.from(der));
    signatureFiles.push(file);
    say(`${m.name} signs → ${file}`);
  }
  if (recheck.state !== 'closed') throw new Error(`the recheck is ${recheck.state} after every member signed`);
  const report = recheck.report!;
  say(`the recheck closes: ${report.outcome.name}; ${report.changes.length} change(s):`);
  for (const c of report.changes) say(`  ${c.bidder} ${c.criterion ?? c.check} by ${c.expert}: ${String(c.from)} → ${String(c.to)} (${c.reason})`);
  say('rank  before                         after');
  for (const [i, after] of (report.rankingAfter ?? []).entries()) {
    const before = report.rankingBefore?.[i];
    say(`${String(i + 1).padStart(3)}  ${before ? `${before.bidder.padEnd(14, '　')} ${before.total.toFixed(2)}` : ''}   ${after.bidder.padEnd(14, '　')} ${after.total.toFixed(2)}`);
  }
  await writeFileAtomic(path.join(dir, 'recheck-report.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFileAtomic(path.join(dir, 'signatures', 'report.sha256'), `${recheck.reportSha256}  (canonical JSON of the recheck report)\n`);
  const pdf = await staff().bytes(`/api/rechecks/${recheck.id}/report.pdf`);
  if (pdf.status !== 200) throw new Error(`recheck report.pdf: HTTP ${pdf.status}`);
  await writeFileAtomic(path.join(dir, 'recheck-report.pdf'), Buffer.from(pdf.bytes));
  say(`wrote ${rel('recheck-report.pdf')} (${pdf.bytes.length} bytes), ${rel('recheck-report.json')}, ${rel('signatures/')}`);
  const recheckOut: RecheckOut = {
    trade: code,
    id: recheck.id,
    kind: recheck.kind,
    trigger: recheck.trigger,
    state: recheck.state,
    diff: recheck.diff?.items ?? [],
    outcome: report.outcome.decision,
    changes: report.changes.map((c) => ({ bidder: c.bidder, expert: c.expert, criterion: c.criterion ?? c.check ?? null, from: c.from, to: c.to, reason: c.reason })),
    rankingBefore: (report.rankingBefore ?? []).map((r) => ({ rank: r.rank, bidder: r.bidder, total: r.total })),
    rankingAfter: (report.rankingAfter ?? []).map((r) => ({ rank: r.rank, bidder: r.bidder, total: r.total })),
    reportSha256: recheck.reportSha256!,
    members: recheck.members.map((m) => ({ username: evaluated.committee.find((c) => c.name === m.name)!.username, name: m.name, signed: m.signed })),
    files: { pdf: rel('recheck-report.pdf'), report: rel('recheck-report.json'), digest: rel(path.join('signatures', 'report.sha256')), signatures: signatureFiles },
  };

  // ── publicity, an objection, the award, the contract ────────────────────────────────────────────
  step(`中标候选人公示 Staff publish ${code}'s candidates on the portal for the period of the rules table`);
  const started = await staff().post(`/api/trades/${id}/publicity`, {});
  expectStatus(started, 201, 'start the publicity');
  const shown = (started.body as { current: PublicityView }).current;
  say(`${shown.title} round ${shown.round}: ${cst(shown.startsAt)} → end of ${shown.lastDay} (${shown.period.value} ${shown.period.unit}, ${shown.period.source})`);
  for (const c of shown.candidates) say(`  第${c.rank}名 ${c.bidderName.padEnd(14, '　')} ${yuan(c.priceFen).padStart(15)}  ${c.totalScore.toFixed(2)}`);
  const portal = await as('bidder2').get(`/api/trades/${id}/publicity`);
  expectStatus(portal, 200, 'the portal view');

  step(`异议 ${bidderNames[OBJECTION.bidder]} objects to the candidates inside the window; the award waits for staff's reply`);
  const filed = await as(OBJECTION.bidder).upload(`/api/trades/${id}/objections`, [], { subject: 'candidates', facts: OBJECTION.facts, request: OBJECTION.request, legalBasis: OBJECTION.legalBasis });
  expectStatus(filed, 201, 'file the objection');
  const objection = filed.body as ObjectionView;
  say(`${objection.label === 'challenge' ? '质疑' : '异议'} ${objection.id} filed ${cst(objection.filedAt)}; reply due ${cst(objection.replyDueAt)} (${objection.replyRule})`);
  const replied = await staff().post(`/api/objections/${objection.id}/reply`, { reply: OBJECTION_REPLY, upheld: false });
  expectStatus(replied, 200, 'reply to the objection');
  const answer = replied.body as ObjectionView;
  say(`staff reply ${cst(answer.repliedAt!)}: not upheld — ${OBJECTION_REPLY}`);
  const early = await staff().post(`/api/trades/${id}/award`, {});
  expectStatus(early, 409, 'award during the publicity');
  say(`staff try to award before the publicity ends → ${early.status} ${early.body.code}`);

  step('定标 The clock passes the end of the publicity; staff award the trade: 中标通知书 to the winner, 中标结果通知书 to the others, all published');
  await services.scheduler.stop();
  clock.set(new Date(shown.endsAt).getTime() + (9 * 60 + 30) * 60_000); // 09:30 China time the day after the last day
  await args.relogin();
  await services.scheduler.tick();
  services.scheduler.start();
  say(`server clock jumps to ${cst(clock.now())}`);
  const awarded = await staff().post(`/api/trades/${id}/award`, {});
  expectStatus(awarded, 201, 'award');
  const summary = awarded.body as AwardSummaryView;
  const current = summary.current!;
  say(`${current.notice.title}: ${current.winner.name} (${current.winner.uscc}) ${yuan(current.priceFen)}; the contract is due by the end of ${current.contractLastDay}`);
  const awardDir = path.join(outDir, 'award', code);
  const arel = (f: string) => path.join('award', code, f);
  const noticePdf = await as('bidder3').bytes(`/api/trades/${id}/award/notice.pdf`); // published: any user (or none) may read it
  if (noticePdf.status !== 200) throw new Error(`notice.pdf: HTTP ${noticePdf.status}`);
  await writeFileAtomic(path.join(awardDir, 'award-notice.pdf'), Buffer.from(noticePdf.bytes));
  say(`wrote ${arel('award-notice.pdf')} (${noticePdf.bytes.length} bytes, SHA-256 ${current.notice.sha256})`);
  const results: AwardOut['results'] = [];
  for (const r of current.results) {
    const bidder = bidderOf(r.bidderName);
    const file = arel(`result-notice-${bidder}.pdf`);
    const bytes = await staff().bytes(r.url);
    if (bytes.status !== 200) throw new Error(`${r.url}: HTTP ${bytes.status}`);
    await writeFileAtomic(path.join(outDir, file), Buffer.from(bytes.bytes));
    results.push({ bidder: r.bidderName, file, sha256: r.sha256 });
    say(`  中标结果通知书 → ${r.bidderName}: ${file}`);
  }

  step('合同备案 The tenderee and the winner sign the contract; staff record it (signing date, amount, parties, the document\'s SHA-256)');
  const view = (await staff().get(`/api/trades/${id}`)).body as TradeView;
  const contractPdf = await renderPdf(font, { title: `${args.title} 施工合同` }, (doc) => {
    doc.fontSize(18).text('建设工程施工合同', { align: 'center' });
    doc.moveDown().fontSize(11).text(`工程名称：${args.title}（${code}）`);
    doc.text(`发包人：${view.notice.tendereeName}`);
    doc.text(`承包人：${current.winner.name}（统一社会信用代码 ${current.winner.uscc}）`);
    doc.text(`签约合同价：${yuan(current.priceFen)}`);
    doc.moveDown().text('（合同条款从略；本文件由 Tenderhall 演示脚本生成，仅供演示。）');
  });
  const tenderee = await services.identity.models.Organisation.findOne({ where: { name: view.notice.tendereeName } });
  const signedOn = new Date(clock.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10);
  const recorded = await staff().upload(`/api/trades/${id}/contract`, [{ name: 'file', fileName: '施工合同.pdf', type: 'application/pdf', bytes: contractPdf }], {
    signedOn,
    amountFen: String(current.priceFen),
    parties: JSON.stringify({ purchaser: { name: tenderee!.name, uscc: tenderee!.uscc }, winner: current.winner }),
  });
  expectStatus(recorded, 201, 'record the contract');
  const contract = recorded.body as NonNullable<AwardSummaryView['contract']>;
  await writeFileAtomic(path.join(awardDir, 'contract.pdf'), contractPdf);
  await writeFileAtomic(path.join(awardDir, 'award.json'), `${JSON.stringify(recorded.body, null, 2)}\n`);
  const finalTrade = (await staff().get(`/api/trades/${id}`)).body as TradeView;
  say(`contract signed ${contract.signedOn}, ${yuan(contract.amountFen)}, SHA-256 ${contract.sha256}; due by ${contract.dueBy}, ${contract.late ? 'late' : 'in time'}; trade ${finalTrade.state}`);
  say(`wrote ${arel('contract.pdf')}, ${arel('award.json')}`);

  return {
    recheck: recheckOut,
    award: {
      trade: code,
      publicity: { round: shown.round, startsAt: shown.startsAt, endsAt: shown.endsAt, lastDay: shown.lastDay, candidates: shown.candidates.map((c) => ({ rank: c.rank, bidder: c.bidderName, price: yuan(c.priceFen), total: c.totalScore })) },
      objection: { by: objection.organisationName, subject: objection.subject, facts: objection.facts, reply: answer.reply!, upheld: answer.upheld!, replyDueAt: answer.replyDueAt, repliedAt: answer.repliedAt! },
      refusedWhileRunning: early.body.code as string,
      winner: { bidder: current.winner.name, uscc: current.winner.uscc, price: yuan(current.priceFen) },
      tradeState: finalTrade.state,
      notice: { file: arel('award-notice.pdf'), sha256: current.notice.sha256 },
      results,
      contract: { signedOn: contract.signedOn, amount: yuan(contract.amountFen), sha256: contract.sha256, dueBy: contract.dueBy, late: contract.late, file: arel('contract.pdf') },
    },
  };
}

function describe(item: DiffItem): string {
  switch (item.type) {
    case 'score_deviation':
      return `${item.expert} scored ${item.bidder} ${item.criterion} ${item.value}, the committee mean is ${item.mean.toFixed(2)} (more than ${item.sharePercent}% of ${item.max} away)`;
    case 'score_out_of_range':
      return `${item.expert} scored ${item.bidder} ${item.criterion} ${item.value}, outside 0–${item.max}`;
    case 'rejection_reason_missing':
      return `${item.bidder} rejected on ${item.check} without a stated reason`;
    case 'total_mismatch':
      return `${item.bidder}: stored total ${item.stored ?? '—'}, recomputed ${item.recomputed ?? '—'}`;
    case 'compliance_mismatch':
      return `${item.bidder}: stored compliance ${String(item.stored)}, recomputed ${String(item.recomputed)}`;
    case 'ranking_mismatch':
      return 'the stored ranking differs from the recomputed one';
    case 'candidates_mismatch':
      return 'the stored candidates differ from the recomputed ones';
  }
}
