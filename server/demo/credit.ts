import fs from 'node:fs';
import path from 'node:path';
import { CREDIT_LABELS, type CreditRecordView, type CreditScoreView, type FeedPayload, type FeedView } from '../../contracts/credit.js';
import type { TradeNoticeInput, TradeView } from '../../contracts/trades.js';
import { usccCheckCharacter } from '../../contracts/uscc.js';
import { nodeProvider } from '../../crypto/node/provider.js';
import { verifySignedData } from '../../crypto/signed-data.js';
import { writeFileAtomic } from '../kernel/files.js';
import type { OffsetClock } from '../kernel/clock.js';
import { renderPdf, type CjkFont } from '../kernel/pdf.js';
import { DEMO_ORGANISATIONS } from '../seed/demo-data.js';
import { chinaDayAt, yuan } from './trades.js';

/**
 * The credit stage of `npm run demo` (issue 8). After its trades are done, 瑞金红都建筑工程有限公司
 * (bidder2) gets a penalty (不良行为记录) for 串通投标: the 赣州 supervisor records it as issued by
 * 瑞金市发展和改革委员会, barring the company from bidding for a year, in every region. A new trade in
 * 龙南市 and one in 龙岩市 (the other province) are published; bidder2's registration (报名) is refused
 * at the credit gate in both, naming 瑞金市 and the basis, while another company registers in each;
 * bidder2's replacement bid in a trade it entered before the penalty is refused too. The company's
 * score, its history and the public list entry are printed, and the penalty's entry in the signed
 * credit feed is saved as DER. Everything lands in DATA_DIR/demo/credit/.
 */

interface Answer {
  status: number;
  text: string;
  body: any; // JSON of whatever shape the route answers; each step checks what it reads
}

export interface CreditDemoApi {
  get(url: string): Promise<Answer>;
  post(url: string, body?: unknown): Promise<Answer>;
  upload(url: string, parts: { name: string; fileName: string; type: string; bytes: Uint8Array }[], fields?: Record<string, string>): Promise<Answer>;
}

export interface CreditRefusalOut {
  action: 'register' | 'bid';
  trade: string;
  regionCode: string;
  status: number;
  code: string;
  detail: string;
  issuingRegion: string;
  issuingRegionName: string;
  basis: string;
}

export interface CreditOut {
  subject: { uscc: string; name: string; bidder: string };
  record: { id: number; uid: string; basis: string; decisionNo: string; authority: string; issuingRegion: string; severity: string | null; scope: string; points: number; startsAt: string; endsAt: string; status: string };
  trades: { code: string; id: number; regionCode: string; title: string; createdBy: string }[];
  refusals: CreditRefusalOut[];
  admitted: { trade: string; bidder: string; organisation: string }[];
  score: { before: number; after: number; base: number; history: { at: string; score: number; event: string }[] };
  publicList: number;
  feed: { seq: number; head: number; event: string; prev: string };
  files: { penalty: string; refusal: string; score: string; feed: string };
}

const PENALISED = 'bidder2';
const PENALTY = {
  act: '在赣州市章贡区某道路改造工程施工招标中，与其他投标人相互约定投标报价、轮流中标，经查证属实，构成串通投标。',
  basis: '招标投标法 第五十三条',
  authority: '瑞金市发展和改革委员会',
  issuingRegionCode: '360781',
  severity: 'serious' as const,
  scope: 'bidding' as const,
};

const uscc = (first17: string): string => first17 + usccCheckCharacter(first17);
/** The 龙岩 tenderee admin registers (the trading center staff of 赣州 may not). */
const LONGYAN_BODY = { name: '龙岩市新罗区城市建设发展有限公司', regionCode: '350800', uscc: uscc('91350800MA32H7K05') };

interface CreditTradeSpec {
  title: string;
  regionCode: string;
  regionName: string;
  site: string;
  scope: string;
  amountFen: number;
  by: 'staff' | 'admin';
  other: string;
}

const CREDIT_TRADES: CreditTradeSpec[] = [
  { title: '龙南市东江乡废弃矿山生态修复工程施工', regionCode: '360783', regionName: '龙南市', site: '龙南市东江乡', scope: '废弃矿山边坡治理、土地复垦及植被恢复工程施工', amountFen: 680_000_000, by: 'staff', other: 'bidder3' },
  { title: '龙岩市新罗区龙岩大道（东段）人行道及排水改造工程施工', regionCode: '350800', regionName: '龙岩市', site: '龙岩市新罗区', scope: '人行道改造 1.8 km、雨污水管网改造及附属工程施工', amountFen: 520_000_000, by: 'admin', other: 'bidder5' },
];

export async function creditStage(args: {
  as: (username: string) => CreditDemoApi;
  /** Calls without a login (the public routes). */
  anonymous: CreditDemoApi;
  step: (title: string) => void;
  say: (line: string) => void;
  outDir: string;
  font: CjkFont;
  clock: OffsetClock;
  /** The tenderee of the 龙南 trade (龙南市自然资源局). */
  longnanTendereeId: number;
  officialIds: number[];
  /** The demo's earlier trades: a replacement bid is tried in one still taking bids. */
  earlierTrades: { id: number; code: string; title: string }[];
  expectStatus: (res: { status: number; text: string }, status: number, what: string) => void;
  cst: (at: string | Date) => string;
}): Promise<CreditOut> {
  const { as, anonymous, step, say, outDir, font, clock, expectStatus, cst } = args;
  const org = DEMO_ORGANISATIONS.find((o) => o.key === PENALISED)!;
  const nameOf = (bidder: string) => DEMO_ORGANISATIONS.find((o) => o.key === bidder)!.name;
  const dir = path.join(outDir, 'credit');
  const rel = (file: string) => path.join('credit', file);

  // ── the penalty ──────────────────────────────────────────────────────────────────────────────
  step(`不良行为记录 The supervisor records a penalty issued by 瑞金市 against ${org.name}: barred from bidding for a year, in every region`);
  const before = await anonymous.get(`/api/public/credit/organisations/${org.uscc}`);
  expectStatus(before, 200, 'credit score before the penalty');
  const scoreBefore = (before.body as CreditScoreView).score;
  const startsAt = clock.now();
  // the decision is numbered in the year it is made (China time), 瑞发改罚〔YYYY〕17号
  const decisionNo = `瑞发改罚〔${new Date(startsAt.getTime() + 8 * 3600_000).getUTCFullYear()}〕17号`;
  const endsAt = new Date(startsAt.getTime());
  endsAt.setUTCFullYear(endsAt.getUTCFullYear() + 1);
  const recorded = await as('supervisor').post('/api/credit/records', {
    kind: 'penalty',
    subject: { kind: 'organisation', uscc: org.uscc, name: org.name },
    role: 'bidder',
    act: PENALTY.act,
    basis: PENALTY.basis,
    decisionNo,
    authority: PENALTY.authority,
    issuingRegionCode: PENALTY.issuingRegionCode,
    severity: PENALTY.severity,
    scope: PENALTY.scope,
    endsAt: endsAt.toISOString(),
  });
  expectStatus(recorded, 201, 'record the penalty');
  const record = recorded.body as CreditRecordView;
  await writeFileAtomic(path.join(dir, 'penalty.json'), `${JSON.stringify(record, null, 2)}\n`);
  say(`supervisor (赣州市 360700, issuing for ${record.issuingRegion.name} ${record.issuingRegion.code}) → ${recorded.status} record ${record.uid}, ${record.status}`);
  say(`  ${record.subject.name}（${record.subject.id}）${CREDIT_LABELS.kind.penalty.zh}: 串通投标`);
  say(`  basis ${record.basis}; decision ${record.decisionNo} by ${record.authority}`);
  say(`  severity ${record.severity} (${CREDIT_LABELS.severity[record.severity!].zh}, −${record.points} points); scope ${record.scope} (${CREDIT_LABELS.scope[record.scope].zh})`);
  say(`  in force ${cst(record.startsAt)} → ${cst(record.endsAt)}; repair (信用修复) may be applied for from ${cst(record.repairableFrom)}`);
  say(`wrote ${rel('penalty.json')}`);

  // ── the gate: new trades in 龙南市 and 龙岩市 ─────────────────────────────────────────────────
  step(`信用限制 Trades in 龙南市 and in 龙岩市 (another province): ${org.name} is refused at the credit gate; other companies register`);
  const body = await as('admin').post('/api/organisations', { uscc: LONGYAN_BODY.uscc, name: LONGYAN_BODY.name, kind: 'tenderee', regionCode: LONGYAN_BODY.regionCode });
  expectStatus(body, 201, `admin registers ${LONGYAN_BODY.name}`);
  say(`admin registers the 龙岩 tenderee ${LONGYAN_BODY.name} (${LONGYAN_BODY.uscc}, ${LONGYAN_BODY.regionCode})`);
  const publishedAt = clock.now();
  const bidDeadline = chinaDayAt(publishedAt, 25, 9, 30).toISOString();
  const trades: CreditOut['trades'] = [];
  const refusals: CreditRefusalOut[] = [];
  const admitted: CreditOut['admitted'] = [];
  let refusalProblem: unknown = null;
  const tryAs = async (bidder: string, action: 'register' | 'bid', trade: { id: number; code: string; regionCode: string }, res: Answer, what: string) => {
    expectStatus(res, 403, what);
    const problem = res.body as { code: string; detail: string; issuingRegion: string; issuingRegionName: string; basis: string };
    if (problem.code !== 'CREDIT_RESTRICTED') throw new Error(`${what}: expected CREDIT_RESTRICTED, got ${res.text.slice(0, 300)}`);
    refusals.push({ action, trade: trade.code, regionCode: trade.regionCode, status: res.status, code: problem.code, detail: problem.detail, issuingRegion: problem.issuingRegion, issuingRegionName: problem.issuingRegionName, basis: problem.basis });
    refusalProblem ??= res.body;
    say(`${bidder} ${action === 'register' ? '报名' : '投标'} ${trade.code} → ${res.status} ${problem.code}: ${problem.detail}`);
  };
  for (const spec of CREDIT_TRADES) {
    const tenderee = spec.regionCode === '350800' ? (body.body.id as number) : args.longnanTendereeId;
    const notice: TradeNoticeInput = {
      title: spec.title,
      kind: 'construction',
      method: 'open_tender',
      regionCode: spec.regionCode,
      tendereeOrganisationId: tenderee,
      amountFen: spec.amountFen,
      lots: [{ no: '1', name: '施工标段', amountFen: spec.amountFen }],
      qualifications: ['具有市政公用工程施工总承包三级及以上资质，并具有有效的安全生产许可证', '未被列入失信被执行人名单，未处于限制投标期内'],
      bidSecurityFen: 10_000_000,
      documentsUntil: chinaDayAt(publishedAt, 20, 17, 0).toISOString(),
      bidDeadline,
      openingAt: bidDeadline,
      openingPlace: `${spec.regionName}公共资源交易中心 不见面开标大厅（线上）`,
      unlockMode: 'officials',
      officials: args.officialIds,
      threshold: 2,
      details: { kind: 'construction', site: spec.site, scope: spec.scope, durationDays: 180, qualityStandard: '合格', ceilingPriceFen: spec.amountFen },
    };
    if (spec.by === 'admin') {
      const staffTries = await as('staff').post('/api/trades', notice);
      expectStatus(staffTries, 403, `staff create the trade in ${spec.regionName}`);
      say(`赣州 staff creating the ${spec.regionName} trade → ${staffTries.status} ${staffTries.body.code}; admin creates and publishes it`);
    }
    const draft = await as(spec.by).post('/api/trades', notice);
    expectStatus(draft, 201, `create the trade in ${spec.regionName}`);
    const id = draft.body.id as number;
    const pdf = await renderPdf(font, { title: `${spec.title} 施工招标文件` }, (doc) => {
      doc.fontSize(16).text(spec.title, { align: 'center' });
      doc.moveDown(0.5).fontSize(13).text('招标公告及施工招标文件', { align: 'center' });
      doc.moveDown().fontSize(11).text(`最高投标限价：${yuan(spec.amountFen)}`);
      doc.text('投标人资格要求：未处于限制投标期内（以全国公共资源交易平台信用信息为准）。');
      doc.moveDown().fontSize(9).text('本文件由 Tenderhall 演示脚本生成，仅供演示。');
    });
    const doc = await as(spec.by).upload(`/api/trades/${id}/documents`, [{ name: 'file', bytes: pdf, fileName: '施工招标文件.pdf', type: 'application/pdf' }], { kind: 'tender_documents', title: '施工招标文件' });
    expectStatus(doc, 201, `tender documents in ${spec.regionName}`);
    const published = await as(spec.by).post(`/api/trades/${id}/transitions/publish`, {});
    expectStatus(published, 200, `publish the trade in ${spec.regionName}`);
    const view = published.body as TradeView;
    trades.push({ code: view.code, id, regionCode: spec.regionCode, title: spec.title, createdBy: spec.by });
    say(`${view.code} ${spec.title} (${spec.regionName} ${spec.regionCode}) published by ${spec.by}; deadline ${cst(view.bidDeadline)}`);
    const trade = { id, code: view.code, regionCode: spec.regionCode };
    await tryAs(PENALISED, 'register', trade, await as(PENALISED).post(`/api/trades/${id}/registrations`, {}), `${PENALISED} registers in ${spec.regionName}`);
    const other = await as(spec.other).post(`/api/trades/${id}/registrations`, {});
    expectStatus(other, 201, `${spec.other} registers in ${spec.regionName}`);
    admitted.push({ trade: view.code, bidder: spec.other, organisation: nameOf(spec.other) });
    say(`${spec.other} 报名 ${view.code} → ${other.status} ${nameOf(spec.other)} registered (the gate is per company)`);
  }
  await writeFileAtomic(path.join(dir, 'refusal.json'), `${JSON.stringify(refusalProblem, null, 2)}\n`);

  // a trade the company entered before the penalty: still registered, but no new or replacement bid
  let entered: { id: number; code: string; title: string } | undefined;
  for (const t of args.earlierTrades) {
    const now = (await as('staff').get(`/api/trades/${t.id}`)).body as TradeView;
    if (now.state === 'bidding' && new Date(now.bidDeadline) > clock.now() && fs.existsSync(path.join(outDir, 'bids', t.code, `${PENALISED}.sealed`))) {
      entered = t;
      break;
    }
  }
  if (entered) {
    const bidsDir = path.join(outDir, 'bids', entered.code);
    const replacement = await as(PENALISED).upload(`/api/trades/${entered.id}/bids`, [
      { name: 'envelope', bytes: fs.readFileSync(path.join(bidsDir, `${PENALISED}.sealed`)), fileName: `${PENALISED}.sealed`, type: 'application/cms' },
      { name: 'signature', bytes: fs.readFileSync(path.join(bidsDir, `${PENALISED}.sealed.sig`)), fileName: `${PENALISED}.sealed.sig`, type: 'application/cms' },
    ]);
    say(`${PENALISED} registered for ${entered.code} before the penalty; its sealed bid there stays, but a new upload is refused:`);
    await tryAs(PENALISED, 'bid', { id: entered.id, code: entered.code, regionCode: entered.code.slice(0, 6) }, replacement, `${PENALISED} uploads a bid to ${entered.code}`);
  } else {
    say(`(no earlier trade still takes bids: the refused bid upload is skipped)`);
  }
  say(`wrote ${rel('refusal.json')} (the problem+json of the first refusal)`);

  // ── score, history, public list ──────────────────────────────────────────────────────────────
  step(`信用分与公示 ${org.name}'s credit score, its history and the public credit list (no login)`);
  const scored = await anonymous.get(`/api/public/credit/organisations/${org.uscc}`);
  expectStatus(scored, 200, 'credit score');
  const score = scored.body as CreditScoreView;
  await writeFileAtomic(path.join(dir, 'score.json'), `${JSON.stringify(score, null, 2)}\n`);
  say(`GET /api/public/credit/organisations/${org.uscc} → score ${score.score} (base ${score.base}; ${scoreBefore} before the penalty)`);
  say(`  ${score.formula}`);
  for (const point of score.history) say(`  ${cst(point.at)}  ${String(point.score).padStart(3)}  ${point.event} ${point.record}`);
  for (const r of score.records) say(`  record ${r.uid}: ${r.basis}（${r.decisionNo}）, ${r.status} until ${cst(r.endsAt)}`);
  const listed = await anonymous.get(`/api/public/credit?q=${encodeURIComponent(org.uscc)}`);
  expectStatus(listed, 200, 'public credit list');
  const entries = listed.body.records as CreditRecordView[];
  const entry = entries.find((r) => r.uid === record.uid);
  if (!entry) throw new Error(`the public list does not show ${record.uid}: ${listed.text.slice(0, 300)}`);
  say(`GET /api/public/credit?q=${org.uscc} → ${entries.length} entry: ${entry.subject.name} ${CREDIT_LABELS.kind.penalty.zh} ${entry.issuingRegion.name} ${entry.decisionNo} ${CREDIT_LABELS.status[entry.status].zh}`);
  say(`wrote ${rel('score.json')}`);

  // ── the signed feed entry ────────────────────────────────────────────────────────────────────
  step('信用信息共享 The penalty as an entry of the signed credit feed other deployments pull (GET /api/credit/feed)');
  const fed = await anonymous.get('/api/credit/feed?after=0');
  expectStatus(fed, 200, 'credit feed');
  const feed = fed.body as FeedView;
  let found: { seq: number; der: Buffer; payload: FeedPayload } | undefined;
  for (const e of feed.entries) {
    const der = Buffer.from(e.cms, 'base64');
    const verified = await verifySignedData(new Uint8Array(der), { provider: nodeProvider });
    const payload = JSON.parse(new TextDecoder().decode(verified.content)) as FeedPayload;
    if (payload.record.uid === record.uid && payload.event === 'recorded') {
      found = { seq: e.seq, der, payload };
      break;
    }
  }
  if (!found) throw new Error(`the feed holds no entry for ${record.uid}`);
  const feedFile = `feed-${String(found.seq).padStart(6, '0')}.p7m`;
  await writeFileAtomic(path.join(dir, feedFile), found.der);
  say(`feed of ${feed.region.name} (${feed.region.code}), head ${feed.head}: entry #${found.seq} ${found.payload.event} ${found.payload.record.uid}, prev ${found.payload.prev || '(none)'}, signed by the region certificate`);
  say(`wrote ${rel(feedFile)} (${found.der.length} bytes, CMS SignedData, DER); print its signed content with:`);
  say(`  openssl cms -verify -inform DER -noverify -in ${path.join(dir, feedFile)}`);
  // the region certificate was issued at the server's clock, which the demo moved ahead: check the chain at that time
  const attime = Math.ceil(Date.parse(found.payload.at) / 1000);
  say(`and check its signer against the platform root at the server's (moved) clock with:`);
  say(`  openssl cms -verify -inform DER -CAfile ${path.join(outDir, 'keys', 'root.crt')} -purpose any -attime ${attime} -in ${path.join(dir, feedFile)} -out /dev/null`);

  return {
    subject: { uscc: org.uscc, name: org.name, bidder: PENALISED },
    record: {
      id: record.id,
      uid: record.uid,
      basis: record.basis,
      decisionNo: record.decisionNo,
      authority: record.authority,
      issuingRegion: record.issuingRegion.code,
      severity: record.severity,
      scope: record.scope,
      points: record.points,
      startsAt: record.startsAt,
      endsAt: record.endsAt,
      status: record.status,
    },
    trades,
    refusals,
    admitted,
    score: { before: scoreBefore, after: score.score, base: score.base, history: score.history.map((h) => ({ at: h.at, score: h.score, event: h.event })) },
    publicList: entries.length,
    feed: { seq: found.seq, head: feed.head, event: found.payload.event, prev: found.payload.prev },
    files: { penalty: rel('penalty.json'), refusal: rel('refusal.json'), score: rel('score.json'), feed: rel(feedFile) },
  };
}
