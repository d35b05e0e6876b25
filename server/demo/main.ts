import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { boot } from '../boot.js';
import { describeDatabase, loadConfig } from '../config.js';
import { renderAuditReport } from '../kernel/audit/report.js';
import { OffsetClock } from '../kernel/clock.js';
import { writeFileAtomic } from '../kernel/files.js';
import { createLogger } from '../kernel/logger.js';
import { findCjkFont, renderPdf, type CjkFont } from '../kernel/pdf.js';
import { usccCheckCharacter } from '../../contracts/uscc.js';
import { BidJson } from '../../contracts/bids.js';
import type { OpeningView } from '../../contracts/opening.js';
import { KIND_LABELS, METHOD_LABELS, type TradeNoticeInput, type TradeView } from '../../contracts/trades.js';
import { DEMO_ORGANISATIONS, DEMO_PASSWORD, DEMO_REGIONS, DEMO_USERS } from '../seed/demo-data.js';
import { buildBidPackage } from '../../crypto/bid-package.js';
import { createCsr } from '../../crypto/csr.js';
import { generateRsaKeyPairNode } from '../../crypto/node/keys.js';
import { sealBidFile, sha256OfFile } from '../../crypto/node/sealed-bid-file.js';
import { encodeShare, openSealedShare } from '../../crypto/opening-key.js';
import { verifyReceipt } from '../../crypto/receipt.js';
import { sha256Hex, toHex } from '../../crypto/digest.js';
import { bidFor, chinaDayAt, DEMO_BODIES, DEMO_TRADES, yuan, type DemoTrade } from './trades.js';
import { evaluationStage, type EvaluationOut } from './evaluation.js';
import { recheckAndAwardStage, type AwardOut, type RecheckOut } from './award.js';
import { creditStage } from './credit.js';

/**
 * `npm run demo`: a scripted run on a fresh database, as far as the platform goes today, talking
 * to the real server over HTTP. Each stage prints what it does and leaves its artefacts under
 * DATA_DIR/demo. Later modules add their stages here, in trade order.
 */
let stepNo = 0;
const step = (title: string) => process.stdout.write(`\n[${++stepNo}] ${title}\n`);
const say = (line: string) => process.stdout.write(`    ${line}\n`);

interface Answer {
  status: number;
  text: string;
  body: any; // JSON of whatever shape the route answers; each step checks what it reads
}

interface Part {
  name: string;
  bytes: Uint8Array;
  fileName: string;
  type: string;
}

/** A minimal client over fetch: the demo talks to the server exactly as a script would. */
function client(base: string) {
  let bearerToken: string | undefined;
  const headersWith = (extra: Record<string, string> = {}): Record<string, string> => ({ ...extra, ...(bearerToken ? { Authorization: `Bearer ${bearerToken}` } : {}) });
  const answer = async (res: Response): Promise<Answer> => {
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    return { status: res.status, text, body: parsed };
  };
  const call = async (method: string, url: string, body?: unknown): Promise<Answer> => {
    const headers = headersWith(body !== undefined ? { 'Content-Type': 'application/json' } : {});
    return answer(await fetch(base + url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }));
  };
  const api = {
    get: (url: string) => call('GET', url),
    post: (url: string, body?: unknown) => call('POST', url, body),
    put: (url: string, body?: unknown) => call('PUT', url, body),
    /** A binary download. */
    bytes: async (url: string) => {
      const res = await fetch(base + url, { headers: headersWith() });
      return { status: res.status, headers: res.headers, bytes: new Uint8Array(await res.arrayBuffer()) };
    },
    /** multipart/form-data: file parts and plain fields. */
    upload: async (url: string, parts: Part[], fields: Record<string, string> = {}, headers: Record<string, string> = {}) => {
      const form = new FormData();
      for (const [name, value] of Object.entries(fields)) form.append(name, value);
      for (const part of parts) form.append(part.name, new Blob([part.bytes], { type: part.type }), part.fileName);
      return answer(await fetch(base + url, { method: 'POST', headers: headersWith(headers), body: form }));
    },
    /** The same calls, carrying a bearer token. */
    as: (token: string | undefined) => {
      const scoped = client(base);
      scoped.setToken(token);
      return scoped;
    },
    setToken: (token: string | undefined) => {
      bearerToken = token;
    },
  };
  return api;
}

function expectStatus(res: { status: number; text: string }, status: number, what: string): void {
  if (res.status !== status) throw new Error(`${what}: expected HTTP ${status}, got ${res.status} ${res.text.slice(0, 500)}`);
}

const cst = (at: string | Date): string => new Date(new Date(at).getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ') + ' +08:00';

/** The tender documents of a trade as a small PDF (what staff would upload). */
function tenderDocumentsPdf(font: CjkFont, trade: DemoTrade, tendereeName: string): Promise<Buffer> {
  const label = KIND_LABELS[trade.kind];
  return renderPdf(font, { title: `${trade.title} ${label.notice}` }, (doc) => {
    doc.fontSize(18).text(trade.title, { align: 'center' });
    doc.moveDown(0.5).fontSize(14).text(`${label.notice}及${trade.documentTitle}`, { align: 'center' });
    doc.moveDown().fontSize(11).text(`招标人（出让人、转让方、采购人）：${tendereeName}`);
    doc.text(`交易类别：${label.zh}；交易方式：${METHOD_LABELS[trade.method].zh}`);
    doc.text(`金额：${yuan(trade.amountFen)}`);
    doc.moveDown();
    for (const line of trade.documentLines) doc.text(line);
    doc.moveDown().fontSize(9).text('本文件由 Tenderhall 演示脚本生成，仅供演示。');
  });
}

/** A bidder's attachment (技术标 / 开发方案 …) as a small PDF. */
function attachmentPdf(font: CjkFont, trade: DemoTrade, code: string, bidderName: string, bid: Omit<BidJson, 'files'>): Promise<Buffer> {
  return renderPdf(font, { title: `${trade.attachmentName.replace(/\.pdf$/, '')} ${code}` }, (doc) => {
    doc.fontSize(16).text(trade.attachmentName.replace(/\.pdf$/, ''), { align: 'center' });
    doc.moveDown().fontSize(11).text(`项目：${trade.title}（${code}）`);
    doc.text(`投标人：${bidderName}`);
    if (bid.projectManager) doc.text(`项目负责人：${bid.projectManager}`);
    if (bid.durationDays) doc.text(`工期（交货期、开采期）：${bid.durationDays} 日历天`);
    if (bid.quality) doc.text(`质量：${bid.quality}`);
    doc.moveDown().text('（技术方案正文从略）');
  });
}

interface TradeOut {
  code: string;
  id: number;
  kind: string;
  kindZh: string;
  method: string;
  title: string;
  regionCode: string;
  bidDeadline: string;
  state: string;
  openingCertificateSerial: string | null;
  shares: string[];
  documents: { title: string; sha256: string; size: number }[];
}

interface BidOut {
  trade: string;
  kind: string;
  bidder: string;
  uscc: string;
  bidId: number;
  seq: number;
  status: string;
  sha256: string;
  size: number;
  receivedAt: string;
  envelope: string;
  signature: string;
  receipt: string;
  receiptJson: string;
}

interface OpeningOut {
  trade: string;
  officials: string[];
  state: string;
  tradeState: string;
  validBids: number;
  failed: boolean;
  results: { bidId: number; order: number; outcome: string; reason: string | null; bidder: string | null; uscc: string | null; priceFen: number | null; price: string | null }[];
  confirmations: { uscc: string; organisation: string; decision: string }[];
  record: string;
  pdf: string;
  events: string;
  eventCount: number;
}

async function main(): Promise<void> {
  const dataDir = process.env.DATA_DIR ? path.resolve(process.env.DATA_DIR) : fs.mkdtempSync(path.join(os.tmpdir(), 'tenderhall-demo-'));
  const dbFile = path.join(dataDir, 'tenderhall.sqlite');
  if (!process.env.DATABASE_URL && fs.existsSync(dbFile)) {
    throw new Error(`${dataDir} already holds a database; the demo needs a fresh one (unset DATA_DIR for a temporary folder)`);
  }
  const outDir = path.join(dataDir, 'demo');
  const config = loadConfig({ ...process.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', SEED_DEMO: 'auto' });
  const font = findCjkFont(config.cjkFontPath); // fail before doing anything if PDFs cannot be made

  step('启动平台 Start the platform on a fresh database');
  // real time that can jump ahead to a deadline (the server reads time only from its Clock)
  const clock = new OffsetClock();
  const running = await boot(config, createLogger(config), clock);
  const http = client(running.url);
  const outputs: string[] = [];
  try {
    if (running.seed && !running.seed.seeded) throw new Error('the database already had users; the demo needs a fresh one');
    fs.rmSync(outDir, { recursive: true, force: true });
    fs.mkdirSync(outDir, { recursive: true });
    say(`${describeDatabase(config)}; ${running.migrated.length} migrations applied; listening on ${running.url}`);
    say(`server clock ${cst(clock.now())} (the demo's clock runs in real time and can jump ahead to a deadline)`);
    const regions = (await http.get('/api/regions')).body as typeof DEMO_REGIONS;
    for (const region of regions) {
      const depth = region.level === 'province' ? 0 : region.parentCode && regions.find((r) => r.code === region.parentCode)?.level === 'city' ? 2 : 1;
      say(`${'  '.repeat(depth)}${region.code} ${region.name} (${region.nameEn})`);
    }

    step('各角色登录 Every role logs in (password demo1234)');
    const tokens: Record<string, string> = {};
    const login = async (username: string): Promise<Answer> => {
      const res = await http.post('/api/auth/login', { username, password: DEMO_PASSWORD });
      expectStatus(res, 200, `login ${username}`);
      tokens[username] = res.body.token as string;
      return res;
    };
    for (const username of ['admin', 'staff', 'agent', 'bidder1', 'bidder5', 'expert1', 'official1', 'supervisor']) {
      const res = await login(username);
      const user = res.body.user as { role: string; regionName: string; organisation: { name: string } | null; displayName: string };
      say(`${username.padEnd(10)} ${user.role.padEnd(13)} ${user.regionName}  ${user.organisation?.name ?? user.displayName}`);
    }
    const wrong = await http.post('/api/auth/login', { username: 'bidder2', password: 'demo12345' });
    expectStatus(wrong, 401, 'wrong password');
    say(`bidder2 mistypes the password → ${wrong.status} ${wrong.body.code} (recorded in the audit chain)`);

    step('交易中心登记单位 Staff register organisations by their 统一社会信用代码');
    const as = (u: string) => http.as(tokens[u]);
    const first17 = '91360781MA3DEMO01'.replace(/[IOZSV]/g, '0');
    const uscc = first17 + usccCheckCharacter(first17);
    const typo = uscc.slice(0, 17) + (uscc[17] === '1' ? '2' : '1');
    const mistyped = await as('staff').post('/api/organisations', { uscc: typo, name: '瑞金市演示建设有限公司', kind: 'bidder', regionCode: '360781' });
    expectStatus(mistyped, 400, 'mistyped USCC');
    say(`${typo} → ${mistyped.status} ${mistyped.body.code}`);
    const created = await as('staff').post('/api/organisations', { uscc, name: '瑞金市演示建设有限公司', kind: 'bidder', regionCode: '360781' });
    expectStatus(created, 201, 'register organisation');
    say(`${uscc} → ${created.status} 瑞金市演示建设有限公司 registered in 瑞金市 (360781)`);
    const foreign = await as('staff').post('/api/organisations', { uscc: '91350800MA31P9B39E', name: '外地公司', kind: 'bidder', regionCode: '350800' });
    expectStatus(foreign, 403, 'foreign region');
    say(`赣州 staff registering in 龙岩市 (350800) → ${foreign.status} ${foreign.body.code}`);
    const bidderTries = await as('bidder1').get('/api/admin/users');
    expectStatus(bidderTries, 403, 'bidder on admin route');
    say(`bidder1 asks for the user list → ${bidderTries.status} ${bidderTries.body.code}`);
    // the 出让人 / 转让方 / 采购人 of four of the trades below
    const organisationIds: Record<string, number> = { tenderee: running.seed!.organisations.tenderee!, agency: running.seed!.organisations.agency! };
    const organisationNames: Record<string, string> = { tenderee: DEMO_ORGANISATIONS.find((o) => o.key === 'tenderee')!.name };
    for (const body of DEMO_BODIES) {
      const res = await as('staff').post('/api/organisations', { uscc: body.uscc, name: body.name, kind: 'tenderee', regionCode: body.regionCode });
      expectStatus(res, 201, `register ${body.name}`);
      organisationIds[body.key] = res.body.id as number;
      organisationNames[body.key] = body.name;
      say(`${body.uscc} → ${res.status} ${body.name} (${body.regionCode})`);
    }

    step('数字证书 Certificates: key pairs made on the holders\' side, certificates from the platform CA');
    // Each holder makes its key pair locally (as `tenderhall keygen` / the browser page do); only the CSR travels.
    const keysDir = path.join(outDir, 'keys');
    const holders: Record<string, { certificatePem: string; privateKeyPem: string; chainPem: string[] }> = {};
    const meOf = async (u: string) => (await as(u).get('/api/auth/me')).body.user as { displayName: string; organisation: { name: string; uscc: string } | null };
    const bidders = ['bidder1', 'bidder2', 'bidder3', 'bidder4', 'bidder5'];
    const officials = ['official1', 'official2', 'official3'];
    for (const username of [...bidders, ...officials]) {
      if (!tokens[username]) await login(username);
      const me = await meOf(username);
      const keys = await generateRsaKeyPairNode();
      const subject = me.organisation
        ? username.startsWith('bidder')
          ? { commonName: me.organisation.name, organisation: me.organisation.name, uscc: me.organisation.uscc }
          : { commonName: me.displayName, organisation: me.organisation.name, uscc: me.organisation.uscc }
        : { commonName: me.displayName };
      const issued = await as(username).post('/api/certificates/csr', { csr: createCsr(keys.privateKeyPem, subject) });
      expectStatus(issued, 201, `certificate for ${username}`);
      const chain = String(issued.body.chainPem).match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g) ?? [];
      holders[username] = { certificatePem: issued.body.certificate.pem, privateKeyPem: keys.privateKeyPem, chainPem: chain.slice(1, 2) };
      await writeFileAtomic(path.join(keysDir, `${username}.crt`), issued.body.certificate.pem);
      await writeFileAtomic(path.join(keysDir, `${username}.key`), keys.privateKeyPem);
      say(`${username.padEnd(10)} ${issued.body.certificate.role.padEnd(8)} serial ${String(issued.body.certificate.serial).slice(0, 16)}…  ${issued.body.certificate.subject}`);
    }
    const rootPem = (await http.get('/api/ca/root')).text;
    await writeFileAtomic(path.join(keysDir, 'root.crt'), rootPem);
    const mismatch = await as('bidder2').post('/api/certificates/csr', {
      csr: createCsr((await generateRsaKeyPairNode()).privateKeyPem, { commonName: '赣州宏达建设工程有限公司', organisation: '赣州宏达建设工程有限公司', uscc: '91360702MA37U2D948' }),
    });
    say(`bidder2 asks for a certificate in bidder1's name → ${mismatch.status} ${mismatch.body?.code}`);
    outputs.push('keys/ (demo holders\' keys and certificates, root.crt)');

    step('发布交易 Staff publish one trade of each kind; the server splits each opening key 2-of-3 to the officials');
    const publishedAt = clock.now();
    const trades: { spec: DemoTrade; view: TradeView; documents: { id: number; title: string; sha256: string; size: number }[] }[] = [];
    const officialIds = officials.map((u) => running.seed!.users[u]!);
    for (const spec of DEMO_TRADES) {
      const bidDeadline = chinaDayAt(publishedAt, spec.deadlineDays, 9, 30).toISOString();
      const notice: TradeNoticeInput = {
        title: spec.title,
        kind: spec.kind,
        method: spec.method,
        regionCode: spec.regionCode,
        tendereeOrganisationId: organisationIds[spec.tenderee]!,
        ...(spec.tenderee === 'tenderee' ? { agencyOrganisationId: organisationIds.agency! } : {}),
        amountFen: spec.amountFen,
        lots: spec.lots,
        qualifications: spec.qualifications,
        bidSecurityFen: spec.bidSecurityFen,
        documentsUntil: chinaDayAt(publishedAt, spec.documentsDays, 17, 0).toISOString(),
        bidDeadline,
        openingAt: bidDeadline,
        openingPlace: '赣州市公共资源交易中心 不见面开标大厅（线上）',
        unlockMode: 'officials',
        officials: officialIds,
        threshold: 2,
        details: spec.details,
      };
      const draft = await as('staff').post('/api/trades', notice);
      expectStatus(draft, 201, `create ${spec.kind} trade`);
      const tradeId = draft.body.id as number;
      const pdf = await tenderDocumentsPdf(font, spec, organisationNames[spec.tenderee]!);
      const docTitle = spec.documentTitle;
      const doc = await as('staff').upload(`/api/trades/${tradeId}/documents`, [{ name: 'file', bytes: pdf, fileName: `${docTitle}.pdf`, type: 'application/pdf' }], { kind: 'tender_documents', title: docTitle });
      expectStatus(doc, 201, `tender documents for ${spec.kind}`);
      const published = await as('staff').post(`/api/trades/${tradeId}/transitions/publish`, {});
      expectStatus(published, 200, `publish ${spec.kind}`);
      const view = published.body as TradeView;
      const code = view.code;
      const shareFiles: string[] = [];
      for (const official of officials) {
        const share = await as(official).get(`/api/trades/${tradeId}/opening-share`);
        expectStatus(share, 200, `${official}'s share of ${code}`);
        const file = path.join('shares', code, `${official}.share.cms`);
        await writeFileAtomic(path.join(outDir, file), Buffer.from(share.body.sealedShare as string, 'base64'));
        shareFiles.push(file);
      }
      const docs = (await http.get(`/api/trades/${tradeId}/documents`)).body.documents as { id: number; title: string; sha256: string; size: number }[];
      trades.push({ spec, view, documents: docs });
      say(`${code} ${KIND_LABELS[spec.kind].zh.padEnd(5, '　')} ${METHOD_LABELS[spec.method].zh}  ${spec.title}`);
      say(`    ${view.notice.tendereeName}; ${yuan(spec.amountFen)}; ${docTitle}.pdf ${pdf.length} bytes; deadline = opening ${cst(view.bidDeadline)}`);
      say(`    opening certificate ${String(view.openingCertificateSerial).slice(0, 16)}…; shares ${view.officials.map((o) => `#${o.shareIndex}→${o.displayName}`).join(', ')}; each official saved its sealed share`);
      outputs.push(...shareFiles);
    }
    const tradeOf = (kind: string) => trades.find((t) => t.spec.kind === kind)!;

    step('报名与下载 bidder1…bidder5 register (报名) for every trade and download the documents');
    for (const bidder of bidders) if (!tokens[bidder]) await login(bidder);
    for (const { view, documents } of trades) {
      const line: string[] = [];
      for (const bidder of bidders) {
        const reg = await as(bidder).post(`/api/trades/${view.id}/registrations`, {});
        expectStatus(reg, 201, `${bidder} registers for ${view.code}`);
        for (const doc of documents) {
          const download = await as(bidder).bytes(`/api/trades/${view.id}/documents/${doc.id}/content`);
          if (download.status !== 200) throw new Error(`${bidder} downloads ${doc.title}: HTTP ${download.status}`);
          const sha256 = await sha256Hex(download.bytes);
          if (sha256 !== doc.sha256 || download.headers.get('x-content-sha256') !== doc.sha256) throw new Error(`${bidder} downloaded ${doc.title} with sha256 ${sha256}, the notice says ${doc.sha256}`);
        }
        line.push(bidder);
      }
      say(`${view.code}: ${line.join(', ')} registered; documents downloaded, SHA-256 ${documents[0]!.sha256.slice(0, 16)}… matches the notice`);
    }
    const register = (await as('staff').get(`/api/trades/${tradeOf('construction').view.id}/downloads`)).body as { registrations: unknown[]; downloads: unknown[] };
    say(`the download register of ${tradeOf('construction').view.code} (staff only): ${register.registrations.length} registrations, ${register.downloads.length} downloads`);

    step('密封投标 Every bidder builds its bid package, signs and seals it on its own side, and uploads it; the platform answers a signed receipt');
    const bidsDir = path.join(outDir, 'bids');
    const bidOuts: BidOut[] = [];
    /** Builds bid.json + attachment, seals it to the trade's opening certificate under bids/<code>/<bidder>.sealed(.sig), and drops the plaintext. */
    const sealFor = async (trade: (typeof trades)[number], bidder: string, revision = 0, stem = bidder) => {
      const user = DEMO_USERS.find((u) => u.username === bidder)!;
      const org = DEMO_ORGANISATIONS.find((o) => o.key === user.organisation)!;
      const index = bidders.indexOf(bidder);
      const bid = bidFor(trade.spec, trade.view.code, index, { uscc: org.uscc, name: org.name }, revision);
      const attachment = await attachmentPdf(font, trade.spec, trade.view.code, org.name, bid);
      const pkg = await buildBidPackage(BidJson.parse({ ...bid, files: [] }), [{ name: trade.spec.attachmentName, bytes: attachment }]);
      const dir = path.join(bidsDir, trade.view.code);
      fs.mkdirSync(dir, { recursive: true });
      const plainPath = path.join(dir, `${stem}.bid.zip`);
      fs.writeFileSync(plainPath, pkg);
      try {
        const sealed = await sealBidFile({ inputPath: plainPath, outputPath: path.join(dir, `${stem}.sealed`), bidder: holders[bidder]!, openingCertificatePem: trade.view.openingCertificatePem! });
        return { ...sealed, bid, org };
      } finally {
        fs.rmSync(plainPath, { force: true }); // the plaintext stays with the bidder; only the sealed files go to the platform
      }
    };
    const uploadSealed = (tradeId: number, bidder: string, sealed: { sealedPath: string; signaturePath: string }, fields: Record<string, string> = {}, idempotencyKey?: string) =>
      as(bidder).upload(
        `/api/trades/${tradeId}/bids`,
        [
          { name: 'envelope', bytes: fs.readFileSync(sealed.sealedPath), fileName: path.basename(sealed.sealedPath), type: 'application/cms' },
          { name: 'signature', bytes: fs.readFileSync(sealed.signaturePath), fileName: path.basename(sealed.signaturePath), type: 'application/cms' },
        ],
        fields,
        idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {},
      );
    /** Saves the receipt (DER and its content), verifies it offline against the platform root and checks it names the file on disk. */
    const keepReceipt = async (trade: (typeof trades)[number], bidder: string, stem: string, sealed: { sealedPath: string; signaturePath: string }, res: Answer): Promise<BidOut> => {
      const dir = path.join(bidsDir, trade.view.code);
      const der = Buffer.from(res.body.receipt as string, 'base64');
      await writeFileAtomic(path.join(dir, `${stem}.receipt.p7s`), der);
      await writeFileAtomic(path.join(dir, `${stem}.receipt.json`), `${JSON.stringify(res.body.receiptContent, null, 2)}\n`);
      const verified = await verifyReceipt(der, { trustAnchorsPem: rootPem });
      const onDisk = toHex(await sha256OfFile(sealed.sealedPath));
      if (verified.fields.sha256 !== onDisk || verified.fields.trade !== trade.view.code) throw new Error(`receipt for ${bidder} on ${trade.view.code} names ${verified.fields.sha256}, the envelope on disk is ${onDisk}`);
      const rel = (p: string) => path.relative(outDir, p);
      return {
        trade: trade.view.code,
        kind: trade.spec.kind,
        bidder,
        uscc: verified.fields.bidder,
        bidId: res.body.bid.id as number,
        seq: res.body.bid.seq as number,
        status: res.body.bid.status as string,
        sha256: verified.fields.sha256,
        size: verified.fields.size,
        receivedAt: verified.fields.receivedAt,
        envelope: rel(sealed.sealedPath),
        signature: rel(sealed.signaturePath),
        receipt: rel(path.join(dir, `${stem}.receipt.p7s`)),
        receiptJson: rel(path.join(dir, `${stem}.receipt.json`)),
      };
    };
    for (const trade of trades) {
      const prices: string[] = [];
      for (const bidder of bidders) {
        const sealed = await sealFor(trade, bidder);
        const res = await uploadSealed(trade.view.id, bidder, sealed, {}, `${trade.view.code}.${bidder}.1`);
        expectStatus(res, 201, `${bidder} uploads its bid for ${trade.view.code}`);
        bidOuts.push(await keepReceipt(trade, bidder, bidder, sealed, res));
        prices.push(`${bidder} ${yuan(sealed.bid.priceFen)}`);
      }
      say(`${trade.view.code} ${KIND_LABELS[trade.spec.kind].zh}: ${prices.join('; ')}`);
      say(`    5 sealed bids uploaded; 5 receipts saved, each verified against root.crt and naming the SHA-256 of the envelope on disk`);
    }
    const sample = bidOuts[0]!;
    say(`e.g. ${sample.envelope} sha256 ${sample.sha256.slice(0, 16)}… received ${cst(sample.receivedAt)} (verify: tenderhall receipt verify --in ${sample.receipt} --ca keys/root.crt)`);
    // a retried upload (same bytes, same Idempotency-Key) answers the original receipt, not a second bid
    const retry = await uploadSealed(trades[0]!.view.id, 'bidder1', { sealedPath: path.join(outDir, sample.envelope), signaturePath: path.join(outDir, sample.signature) }, {}, `${sample.trade}.bidder1.1`);
    expectStatus(retry, 200, 'retried upload');
    say(`bidder1 retries the same upload (network hiccup) → ${retry.status}, replayed=${retry.body.replayed}, same bid ${retry.body.bid.id}`);

    step('修改投标 bidder2 replaces its construction bid before the deadline');
    const construction = tradeOf('construction');
    const dir = path.join(bidsDir, construction.view.code);
    const first = bidOuts.find((b) => b.trade === construction.view.code && b.bidder === 'bidder2')!;
    // the first submission's files are kept beside the current one, as bidder2.seq1.*
    for (const suffix of ['.sealed', '.sealed.sig', '.receipt.p7s', '.receipt.json']) fs.renameSync(path.join(dir, `bidder2${suffix}`), path.join(dir, `bidder2.seq1${suffix}`));
    Object.assign(first, {
      envelope: path.relative(outDir, path.join(dir, 'bidder2.seq1.sealed')),
      signature: path.relative(outDir, path.join(dir, 'bidder2.seq1.sealed.sig')),
      receipt: path.relative(outDir, path.join(dir, 'bidder2.seq1.receipt.p7s')),
      receiptJson: path.relative(outDir, path.join(dir, 'bidder2.seq1.receipt.json')),
    });
    const revised = await sealFor(construction, 'bidder2', 1);
    const replaced = await uploadSealed(construction.view.id, 'bidder2', revised, { replaces: String(first.bidId) }, `${construction.view.code}.bidder2.2`);
    expectStatus(replaced, 201, 'replacement bid');
    bidOuts.push(await keepReceipt(construction, 'bidder2', 'bidder2', revised, replaced));
    const history = (await as('bidder2').get(`/api/trades/${construction.view.id}/bids`)).body.bids as { id: number; seq: number; status: string; replacedBy: number | null }[];
    for (const b of history) {
      const out = bidOuts.find((o) => o.bidId === b.id);
      if (out) out.status = b.status;
    }
    say(`new bid ${replaced.body.bid.id} (seq ${replaced.body.bid.seq}, price ${yuan(revised.bid.priceFen)}) replaces bid ${first.bidId}; history: ${history.map((b) => `#${b.id} seq ${b.seq} ${b.status}`).join(', ')}`);

    step('投标截止 The clock reaches the construction trade\'s deadline; the scheduler closes bidding');
    const deadline = new Date(construction.view.bidDeadline);
    // the background scheduler pauses so the tick below is the one that closes bidding, in view
    await running.services.scheduler.stop();
    clock.set(deadline.getTime() + 60_000);
    const stale = await as('bidder3').get('/api/auth/me');
    say(`server clock jumps to ${cst(clock.now())} (deadline ${cst(deadline)}); a session from before the jump → ${stale.status} ${stale.body?.code ?? ''}, so everyone logs in again`);
    for (const username of Object.keys(tokens)) await login(username);
    const tick = await running.services.scheduler.tick();
    running.services.scheduler.start();
    const fired = tick.fired.filter((f) => f.id === construction.view.id).map((f) => f.name);
    if (!fired.length) throw new Error(`the scheduler fired nothing for ${construction.view.code}: ${JSON.stringify(tick)}`);
    say(`scheduler.tick() fires ${fired.join(', ')} for ${construction.view.code}`);
    for (const trade of trades) {
      const now = (await as('staff').get(`/api/trades/${trade.view.id}`)).body as TradeView;
      say(`${now.code} ${KIND_LABELS[trade.spec.kind].zh.padEnd(5, '　')} ${now.state.padEnd(8)} deadline ${cst(now.bidDeadline)}`);
      trade.view = { ...trade.view, state: now.state };
    }
    if (construction.view.state !== 'opening') throw new Error(`${construction.view.code} is ${construction.view.state}, expected opening`);
    const late = await uploadSealed(construction.view.id, 'bidder3', { sealedPath: path.join(dir, 'bidder3.sealed'), signaturePath: path.join(dir, 'bidder3.sealed.sig') });
    expectStatus(late, 409, 'late upload');
    say(`bidder3 uploads one minute late → ${late.status} ${late.body.code}: ${late.body.detail ?? late.body.title ?? ''}`);
    const stillOpen = tradeOf('procurement');
    say(`${stillOpen.view.code} (${KIND_LABELS.procurement.zh}) still takes bids until ${cst(stillOpen.view.bidDeadline)}`);

    /**
     * The opening of one trade over HTTP, as the people in the hall do it: staff start; each named
     * official fetches its sealed share, opens it with its own key on its own side and submits the
     * share's text; with k shares in, the server rebuilds the key in memory and opens every current
     * bid. Staff publish the record, bidders confirm (or object) inside the window, the clock passes
     * the window and the scheduler closes the record (silence = confirmation). The record PDF,
     * record JSON and the hall's event log land in opening/<code>/.
     */
    const openTrade = async (trade: (typeof trades)[number], byOfficials: string[], answers: { objector: string; objection: string; silent: string }): Promise<OpeningOut> => {
      const { id, code } = trade.view;
      const hall = (u: string) => as(u);
      const startedRes = await hall('staff').post(`/api/trades/${id}/opening/start`, {});
      expectStatus(startedRes, 200, `start the opening of ${code}`);
      const started = startedRes.body as OpeningView;
      say(`staff start the hall → ${started.state}; ${started.pending} current bids wait; ${started.sharesNeeded} of ${trade.view.officials.length} officials' shares needed (mode ${started.mode})`);
      let view = started;
      for (const official of byOfficials) {
        const sealedRes = await hall(official).get(`/api/trades/${id}/opening-share`);
        expectStatus(sealedRes, 200, `${official} fetches its sealed share of ${code}`);
        // on the official's side: its own private key opens the share; only the share's text goes back
        const share = await openSealedShare(Buffer.from(sealedRes.body.sealedShare as string, 'base64'), holders[official]!);
        const text = new TextDecoder().decode(encodeShare(share));
        const submitted = await hall(official).post(`/api/trades/${id}/opening/shares`, { share: text });
        expectStatus(submitted, 200, `${official} submits its share of ${code}`);
        view = submitted.body as OpeningView;
        say(`${official} opens its sealed share with its own key (share #${share.index} of ${share.n}, k=${share.k}) and submits it → ${view.sharesIn.length}/${view.sharesNeeded} in, hall ${view.state}`);
      }
      if (view.state !== 'recorded' || !view.record) throw new Error(`${code}: the hall is ${view.state} after ${byOfficials.length} shares`);
      say(`the key was rebuilt in the server's memory, every bid opened, the shares wiped; the record is written:`);
      for (const r of view.record.results) {
        const who = r.bidder ? `${r.bidder.name}（${r.bidder.uscc}）` : '—';
        const json = r.bidJson as { durationDays?: number; quality?: string; projectManager?: string } | null;
        const facts = r.outcome === 'opened' ? `${yuan(r.priceFen!)}${json?.durationDays ? `, ${json.durationDays} days` : ''}${json?.projectManager ? `, ${json.projectManager}` : ''}` : `${r.reason ?? ''} ${r.detail ?? ''}`;
        say(`  ${r.order}. bid #${r.bidId} ${r.outcome.padEnd(7)} ${who}  ${facts}`);
      }
      say(`valid bids ${view.record.validBids} (at least ${view.record.minimumValidBids} required)${view.record.failed ? `: 流标 ${view.record.failureBasis}` : ''}`);

      step(`公布开标记录 Staff publish the record of ${code}; bidders confirm or object within the window`);
      const publishedRes = await hall('staff').post(`/api/trades/${id}/opening/publish`, {});
      expectStatus(publishedRes, 200, `publish the opening record of ${code}`);
      const published = publishedRes.body as OpeningView;
      const tradeState = ((await hall('staff').get(`/api/trades/${id}`)).body as TradeView).state;
      say(`published ${cst(published.publishedAt!)}; trade ${code} is now ${tradeState}; confirmations until ${cst(published.confirmUntil!)}`);
      for (const bidder of bidders) {
        if (bidder === answers.silent) continue;
        const objecting = bidder === answers.objector;
        const body = objecting ? { decision: 'object', text: answers.objection } : { decision: 'confirm' };
        const res = await hall(bidder).post(`/api/trades/${id}/opening/confirmations`, body);
        expectStatus(res, 201, `${bidder} answers the record of ${code}`);
        say(`${bidder} ${objecting ? `objects (异议): ${body.text}` : 'confirms (确认)'}`);
      }
      say(`${answers.silent} does not answer`);

      step(`确认期结束 The clock passes the 30-minute confirmation window of ${code}; the scheduler closes the record`);
      await running.services.scheduler.stop();
      clock.set(new Date(published.confirmUntil!).getTime() + 60_000);
      const tick = await running.services.scheduler.tick();
      running.services.scheduler.start();
      const fired = tick.fired.filter((f) => f.id === id).map((f) => f.name);
      say(`server clock jumps to ${cst(clock.now())}; scheduler.tick() fires ${fired.join(', ') || 'nothing'} for ${code}`);
      const closedRes = await hall('staff').get(`/api/trades/${id}/opening`);
      expectStatus(closedRes, 200, `the opening of ${code}`);
      const closed = closedRes.body as OpeningView;
      if (closed.state !== 'closed' || !closed.record) throw new Error(`${code}: the hall is ${closed.state} after the confirmation window`);
      const DECISION: Record<string, string> = { confirm: '确认', object: '异议', deemed_confirmed: '未答复，视为确认' };
      for (const c of closed.record.confirmations) say(`  ${c.organisationName}: ${c.decision} ${DECISION[c.decision] ?? ''}`);

      const dir = path.join(outDir, 'opening', code);
      const pdfRes = await http.bytes(`/api/trades/${id}/opening/record.pdf`); // public once published
      if (pdfRes.status !== 200) throw new Error(`record.pdf of ${code}: HTTP ${pdfRes.status}`);
      await writeFileAtomic(path.join(dir, 'opening-record.pdf'), Buffer.from(pdfRes.bytes));
      await writeFileAtomic(path.join(dir, 'opening-record.json'), `${JSON.stringify(closed.record, null, 2)}\n`);
      const eventsRes = await hall('staff').get(`/api/trades/${id}/opening/events?after=0`);
      expectStatus(eventsRes, 200, `events of ${code}`);
      const events = eventsRes.body.events as { seq: number; type: string }[];
      await writeFileAtomic(path.join(dir, 'events.json'), `${JSON.stringify(events, null, 2)}\n`);
      const rel = (f: string) => path.join('opening', code, f);
      outputs.push(rel('opening-record.pdf'), rel('opening-record.json'), rel('events.json'));
      const counts = new Map<string, number>();
      for (const e of events) counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
      say(`wrote ${rel('opening-record.pdf')} (${pdfRes.bytes.length} bytes), ${rel('opening-record.json')}, ${rel('events.json')}`);
      say(`  the hall's events #1…#${events.length}: ${[...counts].map(([type, n]) => (n > 1 ? `${type}×${n}` : type)).join(', ')}`);
      const finalState = ((await hall('staff').get(`/api/trades/${id}`)).body as TradeView).state;
      trade.view = { ...trade.view, state: finalState };
      return {
        trade: code,
        officials: byOfficials,
        state: closed.state,
        tradeState: finalState,
        validBids: closed.record.validBids,
        failed: closed.record.failed,
        results: closed.record.results.map((r) => ({ bidId: r.bidId, order: r.order, outcome: r.outcome, reason: r.reason, bidder: r.bidder?.name ?? null, uscc: r.bidder?.uscc ?? null, priceFen: r.priceFen, price: r.priceFen === null ? null : yuan(r.priceFen) })),
        confirmations: closed.record.confirmations.map((c) => ({ uscc: c.uscc, organisation: c.organisationName, decision: c.decision })),
        record: rel('opening-record.json'),
        pdf: rel('opening-record.pdf'),
        events: rel('events.json'),
        eventCount: events.length,
      };
    };
    const openings: OpeningOut[] = [];

    step(`开标 Opening hall for ${construction.view.code}: staff start it; official1 and official3 open their own shares and submit them; the server opens every bid`);
    const openingOut = await openTrade(construction, ['official1', 'official3'], { objector: 'bidder3', objection: '我公司对开标记录有异议：请核实瑞金红都建筑工程有限公司修改后投标文件的递交时间。', silent: 'bidder5' });
    openings.push(openingOut);

    // 评标: the committee is drawn, evaluates and signs its report (issue 6)
    const evaluations: EvaluationOut[] = [];
    const bidderNames = Object.fromEntries(bidders.map((b) => [b, DEMO_ORGANISATIONS.find((o) => o.key === b)!.name]));
    evaluations.push(
      await evaluationStage({ services: running.services, as, login, step, say, outDir, trade: { id: construction.view.id, code: construction.view.code, title: construction.spec.title }, bidderNames, expectStatus }),
    );
    const evaluated = evaluations[0]!;
    outputs.push(evaluated.files.pdf, evaluated.files.report, evaluated.files.draw, evaluated.files.digest, ...evaluated.files.signatures);

    // 复核, 公示, 定标, 合同备案: the automatic recheck of the signed report, publicity, the award, the contract (issue 7)
    const relogin = async () => {
      for (const username of Object.keys(tokens)) await login(username); // sessions of before a clock jump have expired
    };
    const { recheck, award } = await recheckAndAwardStage({
      services: running.services,
      as,
      login,
      relogin,
      step,
      say,
      outDir,
      font,
      clock,
      evaluated,
      title: construction.spec.title,
      bidderNames,
      expectStatus,
      cst,
    });
    const rechecks: RecheckOut[] = [recheck];
    const awards: AwardOut[] = [award];
    outputs.push(recheck.files.pdf, recheck.files.report, recheck.files.digest, ...recheck.files.signatures, award.notice.file, ...award.results.map((r) => r.file), award.contract.file);
    construction.view = { ...construction.view, state: award.tradeState as TradeView['state'] };

    const land = tradeOf('land');
    step(`土地出让开标 The clock reaches ${land.view.code}'s deadline (${KIND_LABELS.land.zh}); officials 2 and 3 open it the same way (the procurement trade's deadline has passed too; it waits in opening)`);
    await running.services.scheduler.stop();
    clock.set(new Date(land.view.bidDeadline).getTime() + 60_000);
    for (const username of Object.keys(tokens)) await login(username); // the sessions of before the jump have expired
    const landTick = await running.services.scheduler.tick();
    running.services.scheduler.start();
    say(`server clock jumps to ${cst(clock.now())}; scheduler.tick() fires ${landTick.fired.map((f) => `${f.name} for ${trades.find((t) => t.view.id === f.id)?.view.code ?? f.id}`).join(', ')}`);
    for (const trade of trades) {
      const now = (await as('staff').get(`/api/trades/${trade.view.id}`)).body as TradeView;
      trade.view = { ...trade.view, state: now.state };
      say(`${now.code} ${KIND_LABELS[trade.spec.kind].zh.padEnd(5, '　')} ${now.state.padEnd(8)} deadline ${cst(now.bidDeadline)}`);
    }
    if (land.view.state !== 'opening') throw new Error(`${land.view.code} is ${land.view.state}, expected opening`);
    openings.push(await openTrade(land, ['official2', 'official3'], { objector: 'bidder4', objection: '我公司对开标记录有异议：请核实各竞买人竞买保证金的到账时间。', silent: 'bidder1' }));

    // 信用: a penalty against a company done with its trades, refused at the credit gate of new trades in two provinces (issue 8)
    const credit = await creditStage({
      as,
      anonymous: http,
      step,
      say,
      outDir,
      font,
      clock,
      longnanTendereeId: organisationIds['mining-bureau']!,
      officialIds,
      earlierTrades: trades.map((t) => ({ id: t.view.id, code: t.view.code, title: t.spec.title })),
      expectStatus,
      cst,
    });
    outputs.push(credit.files.penalty, credit.files.refusal, credit.files.score, credit.files.feed);

    step('监督人员校验审计链 Supervisor verifies the audit chain');
    const signed = await as('supervisor').post('/api/audit/checkpoints');
    expectStatus(signed, 201, 'audit checkpoint');
    say(`head seq ${signed.body.checkpoint.seq} signed with the platform key (a checkpoint: a rewritten chain no longer verifies)`);
    const verification = await as('supervisor').get('/api/audit/verify');
    expectStatus(verification, 200, 'audit verify');
    if (!verification.body.ok) throw new Error(`audit chain broken: ${JSON.stringify(verification.body)}`);
    say(`intact: ${verification.body.checked} events, ${verification.body.checkpoints} signed checkpoint(s), head ${verification.body.headSeq} ${String(verification.body.headHash).slice(0, 16)}…`);
    const events = await running.services.audit.list(0, 5000);
    await writeFileAtomic(path.join(outDir, 'audit-verification.json'), `${JSON.stringify(verification.body, null, 2)}\n`);
    await writeFileAtomic(path.join(outDir, 'audit-chain.jsonl'), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    const pdf = await renderAuditReport(font, verification.body, events, 'Tenderhall 演示 (赣州市公共资源交易中心)');
    await writeFileAtomic(path.join(outDir, 'audit-report.pdf'), pdf);
    outputs.push('audit-verification.json', 'audit-chain.jsonl', 'audit-report.pdf');
    say(`wrote audit-verification.json, audit-chain.jsonl (${events.length} events), audit-report.pdf (${pdf.length} bytes)`);

    const logout = await as('staff').post('/api/auth/logout');
    expectStatus(logout, 204, 'logout');

    const tradeOuts: TradeOut[] = trades.map(({ spec, view, documents }) => ({
      code: view.code,
      id: view.id,
      kind: spec.kind,
      kindZh: KIND_LABELS[spec.kind].zh,
      method: spec.method,
      title: spec.title,
      regionCode: spec.regionCode,
      bidDeadline: view.bidDeadline,
      state: view.state,
      openingCertificateSerial: view.openingCertificateSerial,
      shares: officials.map((o) => path.join('shares', view.code, `${o}.share.cms`)),
      documents: documents.map((d) => ({ title: d.title, sha256: d.sha256, size: d.size })),
    }));
    outputs.push('bids/<trade code>/<bidder>.sealed, .sealed.sig, .receipt.p7s, .receipt.json');
    const summary = {
      finishedAt: new Date().toISOString(),
      serverClock: clock.now().toISOString(),
      database: describeDatabase(config),
      stages: ['platform', 'identity', 'organisations', 'certificates', 'trades', 'registration', 'sealed-bids', 'replacement', 'deadline', 'opening', 'opening-record', 'confirmations', 'expert-draw', 'evaluation', 'evaluation-report', 'recheck', 'publicity', 'objection', 'award', 'contract', 'credit', 'audit'],
      reachedStage: 'audit',
      trades: tradeOuts,
      bids: bidOuts,
      openings,
      evaluations,
      rechecks,
      awards,
      credit,
      outputs,
    };
    await writeFileAtomic(path.join(outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
    step('完成 Done');
    say(`artefacts in ${outDir}:`);
    say('  keys/            holders\' keys and certificates, root.crt');
    say('  shares/<code>/   each official\'s sealed share of each trade\'s opening key');
    say(`  bids/<code>/     ${bidOuts.length} sealed bids (envelope + .sig) with their receipts (.receipt.p7s, .receipt.json)`);
    say('  opening/<code>/  opening-record.pdf (开标记录), opening-record.json, events.json (the hall\'s numbered events)');
    say('  evaluation/<code>/ evaluation-report.pdf (评标报告), evaluation-report.json (the signed text), draw.json (draw + replay + published snapshot),');
    say('                   signatures/<expert>.p7s (CMS over the report\'s SHA-256) and signatures/report.sha256');
    say('  recheck/<code>/  recheck-report.pdf (评标复核报告), recheck-report.json, signatures/<expert>.p7s and report.sha256');
    say('  award/<code>/    award-notice.pdf (中标通知书), result-notice-<bidder>.pdf (中标结果通知书), contract.pdf, award.json (合同备案)');
    say(`  credit/          penalty.json (不良行为记录), refusal.json (the CREDIT_RESTRICTED refusal), score.json, ${path.basename(credit.files.feed)} (the signed feed entry, DER)`);
    for (const file of ['audit-verification.json', 'audit-chain.jsonl', 'audit-report.pdf', 'summary.json']) say(`  ${file}`);
  } finally {
    await running.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`\ndemo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
