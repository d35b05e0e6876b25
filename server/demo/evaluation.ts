import path from 'node:path';
import type { DrawView, ReplayView, PoolEntry } from '../../contracts/experts.js';
import type { EvaluationView } from '../../contracts/evaluation.js';
import { createCsr } from '../../crypto/csr.js';
import { generateRsaKeyPairNode } from '../../crypto/node/keys.js';
import { nodeProvider } from '../../crypto/node/provider.js';
import { signDetachedDigest } from '../../crypto/signed-data.js';
import type { Services } from '../app.js';
import { writeFileAtomic } from '../kernel/files.js';
import { DEMO_PASSWORD, DEMO_SPECIALTIES, DEMO_USERS } from '../seed/demo-data.js';
import { yuan } from './trades.js';

/**
 * The evaluation stage of `npm run demo` (issue 6): the trading center tops up the expert pool,
 * draws a committee for the construction trade (seed committed, drawn, revealed, replayed), one
 * expert declines and the seat is refilled, the committee elects its chair, reviews compliance
 * (one bid rejected by a 3–2 majority, the dissent recorded), scores the judged criteria, and the
 * server computes price score, totals, ranking and candidates. The chair writes the report; each
 * member signs its SHA-256 with a certificate made on their own side, one refuses with a reason.
 * Everything lands in DATA_DIR/demo/evaluation/<code>/.
 */

interface Answer {
  status: number;
  text: string;
  body: any; // JSON of whatever shape the route answers; each step checks what it reads
}
export interface DemoApi {
  get(url: string): Promise<Answer>;
  post(url: string, body?: unknown): Promise<Answer>;
  put(url: string, body?: unknown): Promise<Answer>;
  bytes(url: string): Promise<{ status: number; bytes: Uint8Array }>;
}

export interface EvaluationOut {
  trade: string;
  tradeId: number;
  state: string;
  method: string;
  template: string;
  draw: { id: number; seedCommitment: string; seed: string; poolHash: string; poolSize: number; excluded: { rule: string; count: number }[]; requested: { specialty: string; count: number }[]; replayMatches: boolean };
  declined: { username: string; name: string; seat: number; reason: string; replacement: string };
  committee: { username: string; name: string; chair: boolean; signed: 'signed' | 'refused' | null; signature: string | null; refusal: string | null }[];
  rejected: { bidder: string; reasons: string[]; dissent: string[] }[];
  ranking: { rank: number; bidder: string; price: string; priceScore: number; technical: number; management: number; credit: number; total: number }[];
  candidates: { rank: number; bidder: string }[];
  reportSha256: string;
  files: { pdf: string; report: string; draw: string; digest: string; signatures: string[] };
}

/** Experts the pool administrators add for the demo: a municipal / cost committee needs more than the nine seeded ones. */
const POOL_TOP_UP = [
  { username: 'expert10', displayName: '曾庆华', regionCode: '360700', specialties: ['municipal'], level: 'senior', employer: '赣州市城乡规划设计研究院' },
  { username: 'expert11', displayName: '邱国平', regionCode: '360000', specialties: ['municipal', 'highway'], level: 'senior', employer: '江西省城乡规划市政设计研究总院有限公司' },
  { username: 'expert12', displayName: '谢慧敏', regionCode: '360781', specialties: ['municipal'], level: 'intermediate', employer: '瑞金市住房和城乡建设局（退休）' },
  { username: 'expert13', displayName: '温振宇', regionCode: '350800', specialties: ['municipal', 'water'], level: 'senior', employer: '龙岩市市政工程设计院' },
  { username: 'expert14', displayName: '钟丽萍', regionCode: '360700', specialties: ['cost'], level: 'senior', employer: '赣州华审工程造价咨询有限公司' },
  { username: 'expert15', displayName: '廖俊杰', regionCode: '360000', specialties: ['cost'], level: 'intermediate', employer: '江西中审工程造价咨询有限公司' },
];

const RULE_ZH: Record<string, string> = {
  'experts.suspended': '暂停使用',
  'avoidance.employed_by_tenderee': '招标人单位人员回避',
  'avoidance.employed_by_agency': '招标代理机构人员回避',
  'avoidance.employed_by_bidder': '投标人单位人员回避',
  'avoidance.declared_conflict': '申报利害关系回避',
  'experts.repeat_window': '同一招标人间隔期内不得重复抽取',
};

/** What each expert judges each bidder's 施工组织设计 (0–25) and 项目管理机构 (0–10), in committee order. */
const JUDGED: Record<string, { technical: number[]; management: number[] }> = {
  bidder1: { technical: [21.5, 22, 20.5, 23, 21], management: [8.5, 8, 9, 8, 7.5] },
  // the second expert meant 20.5 but typed 2.5: the automatic recheck of the signed report flags it (server/demo/award.ts)
  bidder2: { technical: [19, 2.5, 18, 21, 19.5], management: [8, 8.5, 7.5, 9, 8] },
  bidder3: { technical: [23, 22.5, 24, 21.5, 23.5], management: [9, 8.5, 9.5, 8, 9] },
  bidder4: { technical: [20, 18.5, 21, 19.5, 22], management: [7, 7.5, 8, 8.5, 7] },
};
/** The mistyped score above: what the expert meant and what they typed. */
export const MISTYPED = { bidder: 'bidder2', expert: 1, criterion: 'technical', typed: 2.5, intended: 20.5 };
const REJECTED = { bidder: 'bidder5', reason: '拟派项目经理林建华的注册建造师执业资格注册单位与投标人名称不一致，不满足招标文件资格要求' };
const DECLINE_REASON = '本人近期已安排外地评审任务，时间冲突，无法参加';
const REFUSAL = '本人认为龙岩闽西建设工程有限公司项目经理资格问题可通过澄清解决，不同意否决其投标，保留意见并拒绝签名';

export async function evaluationStage(args: {
  services: Services;
  as: (username: string) => DemoApi;
  login: (username: string) => Promise<unknown>;
  step: (title: string) => void;
  say: (line: string) => void;
  outDir: string;
  trade: { id: number; code: string; title: string };
  /** bidder username → organisation name */
  bidderNames: Record<string, string>;
  expectStatus: (res: { status: number; text: string }, status: number, what: string) => void;
}): Promise<EvaluationOut> {
  const { services, as, login, step, say, outDir, trade, bidderNames, expectStatus } = args;
  const { id, code } = trade;
  const staff = () => as('staff');
  const dir = path.join(outDir, 'evaluation', code);
  const rel = (f: string) => path.join('evaluation', code, f);
  const nameOf = (bidder: string) => bidderNames[bidder]!;

  step(`专家库 The pool for ${code}: staff add six experts so a committee of 市政公用工程 ×3 + 工程造价 ×2 can be drawn after the avoidance rules`);
  const usernames = new Map<number, string>();
  for (const u of DEMO_USERS.filter((u) => u.role === 'expert')) {
    const row = await services.identity.models.User.findOne({ where: { username: u.username } });
    usernames.set(row!.id, u.username);
  }
  const before = (await staff().get('/api/experts')).body.experts as (PoolEntry & { status: string; employerName: string })[];
  const count = (specialty: string, pool: PoolEntry[]) => pool.filter((e) => e.specialties.includes(specialty)).length;
  say(`the seeded pool: ${before.length} experts; 市政公用工程 ${count('municipal', before)}, 工程造价 ${count('cost', before)} (周丽华 works for bidder3 and 朱永强 for the tenderee, so both must step aside)`);
  for (const e of POOL_TOP_UP) {
    const user = await services.identity.createUser(null, { username: e.username, password: DEMO_PASSWORD, displayName: e.displayName, role: 'expert', regionCode: e.regionCode });
    await services.identity.models.ExpertProfile.create({ userId: user.id, specialties: JSON.stringify(e.specialties), qualificationLevel: e.level, employerOrganisationId: null, employerName: e.employer });
    usernames.set(user.id, e.username);
    say(`+ ${e.username} ${e.displayName} (${e.regionCode}) ${e.specialties.map((s) => DEMO_SPECIALTIES[s] ?? s).join('、')}，${e.level === 'senior' ? '高级' : '中级'}，${e.employer}`);
  }

  step(`抽取专家 Staff commit the draw for ${code} (seed hash and pool hash published), run it (seed revealed), and replay it`);
  const committedRes = await staff().post(`/api/trades/${id}/draws`, { seats: [{ specialty: 'municipal', count: 3 }, { specialty: 'cost', count: 2 }] });
  expectStatus(committedRes, 201, `commit the draw for ${code}`);
  const committed = committedRes.body as DrawView;
  say(`requested ${committed.requested.map((r) => `${DEMO_SPECIALTIES[r.specialty] ?? r.specialty} ×${r.count}`).join(' + ')} (committee of ${committed.committeeSize})`);
  say(`eligible pool ${committed.poolSize}; left out by the avoidance rules:`);
  for (const e of committed.excluded) say(`  ${e.rule} ${RULE_ZH[e.rule] ?? ''}: ${e.count}`);
  say(`seed commitment SHA-256(seed) = ${committed.seedCommitment}`);
  say(`pool snapshot SHA-256        = ${committed.poolHash}`);
  const ranRes = await staff().post(`/api/trades/${id}/draws/${committed.id}/run`, {});
  expectStatus(ranRes, 200, `run the draw for ${code}`);
  const ran = ranRes.body as DrawView;
  for (const s of ran.seats) say(`  seat ${s.seat} ${(DEMO_SPECIALTIES[s.specialty] ?? s.specialty).padEnd(6, '　')} ${s.name} (${usernames.get(s.userId)}, ${s.regionCode})`);
  say(`revealed seed ${ran.seed}`);
  const replayRes = await staff().get(`/api/trades/${id}/draws/${committed.id}/replay`);
  expectStatus(replayRes, 200, 'replay the draw');
  say(`replay from the published snapshot and the revealed seed: matches ${(replayRes.body as ReplayView).matches ? '✓' : '✗'}`);
  if (!(replayRes.body as ReplayView).matches) throw new Error('the replay of the draw does not match');

  step('专家应邀 Each drawn expert answers the invitation; one declines with a reason and the seat is refilled from the same ranking');
  const answer = async (userId: number, accept: boolean, reason?: string) => {
    const username = usernames.get(userId)!;
    await login(username);
    const assignment = ((await as(username).get('/api/experts/assignments')).body.assignments as { id: number; tradeId: number; status: string }[]).find((a) => a.tradeId === id && a.status === 'invited');
    if (!assignment) throw new Error(`${username} has no invitation for ${code}`);
    const res = await as(username).post(`/api/experts/assignments/${assignment.id}/respond`, accept ? { accept } : { accept, reason });
    expectStatus(res, 200, `${username} answers`);
    return username;
  };
  const decliner = ran.seats[0]!;
  await answer(decliner.userId, false, DECLINE_REASON);
  let drawView = (await staff().get(`/api/trades/${id}/draws/${committed.id}`)).body as DrawView;
  const replacement = drawView.seats.find((s) => s.replaces === decliner.seat)!;
  say(`${decliner.name} (seat ${decliner.seat}) declines: ${DECLINE_REASON}`);
  say(`→ seat ${replacement.seat} replaces seat ${decliner.seat}: ${replacement.name} (${usernames.get(replacement.userId)}, ${DEMO_SPECIALTIES[replacement.specialty]}) is invited`);
  for (const s of drawView.seats.filter((s) => s.status === 'invited')) {
    await answer(s.userId, true);
    say(`${s.name} accepts`);
  }
  drawView = (await staff().get(`/api/trades/${id}/draws/${committed.id}`)).body as DrawView;
  const replay = (await staff().get(`/api/trades/${id}/draws/${committed.id}/replay`)).body as ReplayView;
  const published = (await staff().get(`/api/trades/${id}/draws/${committed.id}/published`)).body as { pool: PoolEntry[]; seed: string; request: unknown };
  say(`replay with the decline: ${replay.seats.length} seats recomputed, matches ${replay.matches ? '✓' : '✗'}`);
  if (!replay.matches) throw new Error('the replay after the decline does not match');
  await writeFileAtomic(path.join(dir, 'draw.json'), `${JSON.stringify({ draw: drawView, replay, published }, null, 2)}\n`);

  step(`评标 Staff open the evaluation of ${code}; the committee elects its chair and reviews compliance (形式 / 资格 / 响应性)`);
  const started = await staff().post(`/api/trades/${id}/evaluation/start`, {});
  expectStatus(started, 201, 'start the evaluation');
  let view = started.body as EvaluationView;
  const members = view.members.map((m) => ({ ...m, username: usernames.get(m.userId)! }));
  say(`${view.templateId}: ${view.criteria.map((c) => `${c.name.zh} ${c.max}`).join(' + ')}; members ${members.map((m) => m.name).join('、')}`);
  const chair = members[0]!;
  for (const m of members.slice(0, 3)) {
    const res = await as(m.username).post(`/api/trades/${id}/evaluation/chair`, { userId: chair.userId });
    expectStatus(res, 200, `${m.username} votes for the chair`);
    view = res.body as EvaluationView;
  }
  if (view.chair !== chair.userId) throw new Error('no chair elected');
  say(`${chair.name} is elected chair (主任委员) with 3 of ${members.length} votes`);
  const bidderOf = new Map(view.bids.map((b) => [b.bidId, Object.entries(bidderNames).find(([, name]) => name === b.bidder?.name)?.[0] ?? '']));
  const rejectedBid = view.bids.find((b) => bidderOf.get(b.bidId) === REJECTED.bidder)!;
  for (const [i, m] of members.entries()) {
    for (const b of view.bids) {
      for (const check of ['formal', 'qualification', 'responsiveness'] as const) {
        const reject = b.bidId === rejectedBid.bidId && check === 'qualification' && i < 3;
        const res = await as(m.username).post(`/api/trades/${id}/evaluation/compliance`, { bidId: b.bidId, check, pass: !reject, ...(reject ? { reason: REJECTED.reason } : {}) });
        expectStatus(res, 200, `${m.username} votes on bid ${b.bidId}`);
      }
    }
  }
  const closed = await as(chair.username).post(`/api/trades/${id}/evaluation/compliance/close`, {});
  expectStatus(closed, 200, 'close the compliance review');
  view = closed.body as EvaluationView;
  say(`${members.length} members × ${view.bids.length} bids × 3 checks voted; the chair closes the review → ${view.state}`);
  say(`${nameOf(REJECTED.bidder)} 资格评审: ${members.slice(0, 3).map((m) => m.name).join('、')} reject (否决投标): ${REJECTED.reason}`);
  say(`  ${members.slice(3).map((m) => m.name).join('、')} vote to pass — 3 to 2, the bid is rejected and their dissent is recorded`);

  step('打分 Each expert scores 施工组织设计 and 项目管理机构 for the four compliant bids (private until submitted), then submits; the server computes the rest');
  const scored = view.bids.filter((b) => b.bidId !== rejectedBid.bidId);
  for (const [i, m] of members.entries()) {
    const scores = scored.flatMap((b) => {
      const judged = JUDGED[bidderOf.get(b.bidId)!]!;
      return [
        { bidId: b.bidId, criterion: 'technical', value: judged.technical[i]! },
        { bidId: b.bidId, criterion: 'management', value: judged.management[i]! },
      ];
    });
    const saved = await as(m.username).put(`/api/trades/${id}/evaluation/scores`, { scores });
    expectStatus(saved, 200, `${m.username} saves scores`);
  }
  for (const m of members) {
    const submitted = await as(m.username).post(`/api/trades/${id}/evaluation/scores/submit`, {});
    expectStatus(submitted, 200, `${m.username} submits`);
    view = submitted.body as EvaluationView;
    say(`${m.name} submits and locks ${scored.length * 2} scores`);
  }
  if (view.state !== 'computed' || !view.result) throw new Error(`the evaluation is ${view.state} after every submission`);
  const result = view.result;
  const score = (r: (typeof result.ranked)[number], c: string) => r.criteria.find((x) => x.id === c)?.score ?? 0;
  say(`评标基准价 (benchmark) ${result.benchmarkFen === null ? '—' : yuan(result.benchmarkFen)}; judged scores averaged ${result.dropExtremes ? 'after dropping the highest and the lowest' : 'over every expert'}`);
  say(`rank  bidder                            bid price   price  technical  management  credit   total`);
  for (const r of result.ranked) {
    say(`${String(r.rank).padStart(3)}${r.tied ? '=' : ' '}  ${r.bidder.name.padEnd(16, '　')}  ${yuan(r.priceFen).padStart(15)}  ${score(r, 'price').toFixed(2).padStart(6)}  ${score(r, 'technical').toFixed(2).padStart(9)}  ${score(r, 'management').toFixed(2).padStart(10)}  ${score(r, 'credit').toFixed(2).padStart(6)}  ${r.total.toFixed(2).padStart(6)}`);
  }
  const CHECK_ZH: Record<string, string> = { formal: '形式评审', qualification: '资格评审', responsiveness: '响应性评审' };
  for (const r of result.rejected) {
    for (const c of result.compliance.find((x) => x.bidId === r.bidId)?.checks.filter((x) => !x.pass) ?? []) {
      say(`  否决投标 ${r.bidder}: ${CHECK_ZH[c.check]} ${c.failVotes}:${c.passVotes} — ${[...new Set(c.reasons.map((x) => x.reason))].join('; ')}; dissent: ${c.dissent.join('、') || '—'}`);
    }
  }
  say(`recommended candidates (中标候选人): ${result.candidates.map((c) => `${c.rank}. ${c.bidder}`).join('  ')}`);

  step('评标报告 The chair writes the report; each member signs its SHA-256 with a certificate made on their own side (CMS), one refuses with a reason');
  const reported = await as(chair.username).post(`/api/trades/${id}/evaluation/report`, {});
  expectStatus(reported, 200, 'write the report');
  const sha256 = (reported.body as EvaluationView).reportSha256!;
  say(`report SHA-256 ${sha256}`);
  const digest = new Uint8Array(Buffer.from(sha256, 'hex'));
  const signatureFiles: string[] = [];
  const refuser = members.at(-1)!; // one of the two who dissented on the rejection
  const committee: EvaluationOut['committee'] = [];
  for (const m of members) {
    if (m.userId === refuser.userId) {
      const res = await as(m.username).post(`/api/trades/${id}/evaluation/signatures`, { refuse: REFUSAL });
      expectStatus(res, 200, `${m.username} refuses to sign`);
      view = res.body as EvaluationView;
      committee.push({ username: m.username, name: m.name, chair: m.userId === chair.userId, signed: 'refused', signature: null, refusal: REFUSAL });
      say(`${m.name} refuses to sign (拒绝签名): ${REFUSAL}`);
      continue;
    }
    // the key pair stays on the expert's side; only the CSR travels (CN = the expert's name)
    const keys = await generateRsaKeyPairNode();
    const issued = await as(m.username).post('/api/certificates/csr', { csr: createCsr(keys.privateKeyPem, { commonName: m.name }) });
    expectStatus(issued, 201, `certificate for ${m.username}`);
    const der = await signDetachedDigest(digest, { certificatePem: issued.body.certificate.pem as string, privateKeyPem: keys.privateKeyPem }, { provider: nodeProvider });
    const res = await as(m.username).post(`/api/trades/${id}/evaluation/signatures`, { signature: Buffer.from(der).toString('base64') });
    expectStatus(res, 200, `${m.username} signs`);
    view = res.body as EvaluationView;
    const file = rel(path.join('signatures', `${m.username}.p7s`));
    await writeFileAtomic(path.join(outDir, file), Buffer.from(der));
    signatureFiles.push(file);
    committee.push({ username: m.username, name: m.name, chair: m.userId === chair.userId, signed: 'signed', signature: file, refusal: null });
    say(`${m.name} signs with certificate ${String(issued.body.certificate.serial).slice(0, 16)}… (${issued.body.certificate.subject}) → ${file}`);
  }
  if (view.state !== 'final') throw new Error(`the report is ${view.state} after every member answered`);
  say(`every member has signed or refused with a reason: the report is ${view.state}`);

  // the canonical report text the members signed (its SHA-256 is reportSha256), the PDF, the digest
  const row = await services.evaluation.models.Evaluation.findByPk(id);
  if (!row?.report) throw new Error('no report text');
  await writeFileAtomic(path.join(dir, 'evaluation-report.json'), row.report);
  await writeFileAtomic(path.join(dir, 'signatures', 'report.sha256'), `${sha256}  evaluation-report.json\n`);
  const pdf = await staff().bytes(`/api/trades/${id}/evaluation/report.pdf`);
  if (pdf.status !== 200) throw new Error(`report.pdf: HTTP ${pdf.status}`);
  await writeFileAtomic(path.join(dir, 'evaluation-report.pdf'), Buffer.from(pdf.bytes));
  say(`wrote ${rel('evaluation-report.pdf')} (${pdf.bytes.length} bytes), ${rel('evaluation-report.json')} (the signed text), ${rel('draw.json')}, ${rel('signatures/')} (${signatureFiles.length} .p7s + report.sha256)`);

  const dissentOf = (bidId: number) => result.compliance.find((c) => c.bidId === bidId)?.checks.flatMap((c) => c.dissent) ?? [];
  return {
    trade: code,
    tradeId: id,
    state: view.state,
    method: result.method,
    template: result.templateId,
    draw: {
      id: committed.id,
      seedCommitment: committed.seedCommitment,
      seed: ran.seed!,
      poolHash: committed.poolHash,
      poolSize: committed.poolSize,
      excluded: committed.excluded,
      requested: committed.requested,
      replayMatches: replay.matches,
    },
    declined: { username: usernames.get(decliner.userId)!, name: decliner.name, seat: decliner.seat, reason: DECLINE_REASON, replacement: usernames.get(replacement.userId)! },
    committee,
    rejected: result.rejected.map((r) => ({ bidder: r.bidder, reasons: r.reasons, dissent: dissentOf(r.bidId) })),
    ranking: result.ranked.map((r) => ({ rank: r.rank, bidder: r.bidder.name, price: yuan(r.priceFen), priceScore: score(r, 'price'), technical: score(r, 'technical'), management: score(r, 'management'), credit: score(r, 'credit'), total: r.total })),
    candidates: result.candidates.map((c) => ({ rank: c.rank, bidder: c.bidder })),
    reportSha256: sha256,
    files: { pdf: rel('evaluation-report.pdf'), report: rel('evaluation-report.json'), draw: rel('draw.json'), digest: rel(path.join('signatures', 'report.sha256')), signatures: signatureFiles },
  };
}
