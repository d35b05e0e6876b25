import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { boot } from '../boot.js';
import { describeDatabase, loadConfig } from '../config.js';
import { renderAuditReport } from '../kernel/audit/report.js';
import { writeFileAtomic } from '../kernel/files.js';
import { createLogger } from '../kernel/logger.js';
import { findCjkFont } from '../kernel/pdf.js';
import { usccCheckCharacter } from '../../contracts/uscc.js';
import { DEMO_PASSWORD, DEMO_REGIONS } from '../seed/demo-data.js';
import { createCsr } from '../../crypto/csr.js';
import { generateRsaKeyPairNode } from '../../crypto/node/keys.js';
import { generateOpeningKeyPair } from '../../crypto/node/opening-key.js';
import { openBidFile, sealBidFile, verifyOuterFile } from '../../crypto/node/sealed-bid-file.js';
import { combineShares, encodeShare, openSealedShare, sealShareFor, splitOpeningKey } from '../../crypto/opening-key.js';
import { makeReceipt, verifyReceipt } from '../../crypto/receipt.js';
import { toHex } from '../../crypto/digest.js';

/**
 * `npm run demo`: a scripted trade on a fresh database, as far as the platform goes today, talking
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

/** A minimal JSON client over fetch: the demo talks to the server exactly as a script would. */
function client(base: string) {
  let bearerToken: string | undefined;
  const call = async (method: string, url: string, body?: unknown): Promise<Answer> => {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (bearerToken) headers.Authorization = `Bearer ${bearerToken}`;
    const res = await fetch(base + url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    return { status: res.status, text, body: parsed };
  };
  const api = {
    get: (url: string) => call('GET', url),
    post: (url: string, body?: unknown) => call('POST', url, body),
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
  if (res.status !== status) throw new Error(`${what}: expected HTTP ${status}, got ${res.status} ${res.text}`);
}

async function main(): Promise<void> {
  const dataDir = process.env.DATA_DIR ? path.resolve(process.env.DATA_DIR) : fs.mkdtempSync(path.join(os.tmpdir(), 'tenderhall-demo-'));
  const dbFile = path.join(dataDir, 'tenderhall.sqlite');
  if (!process.env.DATABASE_URL && fs.existsSync(dbFile)) {
    throw new Error(`${dataDir} already holds a database; the demo needs a fresh one (unset DATA_DIR for a temporary folder)`);
  }
  const outDir = path.join(dataDir, 'demo');
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const config = loadConfig({ ...process.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', SEED_DEMO: 'auto' });
  const font = findCjkFont(config.cjkFontPath); // fail before doing anything if PDFs cannot be made

  step('启动平台 Start the platform on a fresh database');
  const running = await boot(config, createLogger(config));
  const http = client(running.url);
  const outputs: string[] = [];
  try {
    if (running.seed && !running.seed.seeded) throw new Error('the database already had users; the demo needs a fresh one');
    say(`${describeDatabase(config)}; ${running.migrated.length} migrations applied; listening on ${running.url}`);
    const regions = (await http.get('/api/regions')).body as typeof DEMO_REGIONS;
    for (const region of regions) {
      const depth = region.level === 'province' ? 0 : region.parentCode && regions.find((r) => r.code === region.parentCode)?.level === 'city' ? 2 : 1;
      say(`${'  '.repeat(depth)}${region.code} ${region.name} (${region.nameEn})`);
    }

    step('各角色登录 Every role logs in (password demo1234)');
    const tokens: Record<string, string> = {};
    for (const username of ['admin', 'staff', 'agent', 'bidder1', 'bidder5', 'expert1', 'official1', 'supervisor']) {
      const res = await http.post('/api/auth/login', { username, password: DEMO_PASSWORD });
      expectStatus(res, 200, `login ${username}`);
      tokens[username] = res.body.token as string;
      const user = res.body.user as { role: string; regionName: string; organisation: { name: string } | null; displayName: string };
      say(`${username.padEnd(10)} ${user.role.padEnd(13)} ${user.regionName}  ${user.organisation?.name ?? user.displayName}`);
    }
    const wrong = await http.post('/api/auth/login', { username: 'bidder2', password: 'demo12345' });
    expectStatus(wrong, 401, 'wrong password');
    say(`bidder2 mistypes the password → ${wrong.status} ${wrong.body.code} (recorded in the audit chain)`);

    step('交易中心登记投标企业 Staff register a bidder company by its 统一社会信用代码');
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

    step('数字证书 Certificates: key pairs made on the holders\' side, certificates from the platform CA');
    // Each holder makes its key pair locally (as `tenderhall keygen` / the browser page do); only the CSR travels.
    const keysDir = path.join(outDir, 'keys');
    const holders: Record<string, { certificatePem: string; privateKeyPem: string; chainPem: string[] }> = {};
    const meOf = async (u: string) => (await as(u).get('/api/auth/me')).body.user as { displayName: string; organisation: { name: string; uscc: string } | null };
    for (const username of ['bidder1', 'bidder2', 'official1', 'official2', 'official3']) {
      if (!tokens[username]) tokens[username] = (await http.post('/api/auth/login', { username, password: DEMO_PASSWORD })).body.token as string;
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

    step('开标密钥 Opening key for trade DEMO-2026-001, split 2-of-3 among the officials');
    const tradeId = 'DEMO-2026-001';
    const opening = await generateOpeningKeyPair();
    const openingCert = await running.services.certificates.issueServiceCertificate(null, createCsr(opening.privateKeyPem, { commonName: `开标密钥 ${tradeId}` }), 'opening');
    await writeFileAtomic(path.join(keysDir, 'opening.crt'), openingCert.pem);
    const shares = await splitOpeningKey({ privateKeyPem: opening.privateKeyPem, openingCertificatePem: openingCert.pem, tradeId, k: 2, n: 3 });
    const officials = ['official1', 'official2', 'official3'];
    for (const [index, share] of shares.entries()) {
      const sealedShare = await sealShareFor(share, holders[officials[index]!]!.certificatePem);
      await writeFileAtomic(path.join(outDir, 'shares', `${officials[index]}.share.cms`), sealedShare);
    }
    say(`opening certificate ${openingCert.serial.slice(0, 16)}… (RSA-3072, keyEncipherment); 3 shares, each sealed to one official; the whole key is dropped`);
    outputs.push('shares/official1.share.cms … official3.share.cms');

    step('密封投标 bidder1 signs and seals its bid on its own side; the platform checks and signs a receipt');
    const bidsDir = path.join(outDir, 'bids');
    const bidJson = path.join(bidsDir, 'bidder1-bid.json');
    await writeFileAtomic(bidJson, `${JSON.stringify({ trade: tradeId, bidder: '91360702MA37U2D948', priceFen: 1234567800, durationDays: 180, qualityStandard: '合格', projectManager: '张伟' }, null, 2)}\n`);
    const sealedPath = path.join(bidsDir, 'bidder1.sealed');
    const sealedBid = await sealBidFile({ inputPath: bidJson, outputPath: sealedPath, bidder: holders.bidder1!, openingCertificatePem: openingCert.pem });
    fs.rmSync(bidJson); // the plaintext stays with the bidder; only the sealed files go to the platform
    const outer = await verifyOuterFile(sealedPath, sealedBid.signaturePath);
    await running.services.certificates.assertUsable(outer.signerCertificatePem, { organisationId: running.seed!.organisations.bidder1!, usage: 'signature' });
    say(`bidder1.sealed (${sealedBid.size} bytes, sha256 ${toHex(sealedBid.envelopeSha256).slice(0, 16)}…) + bidder1.sealed.sig: outer signature and certificate check out`);
    // the platform's own signing key (CA_DIR/platform.key, the one that signs audit checkpoints)
    const platform = await running.services.certificates.platformSigner();
    const tsaKeys = await generateRsaKeyPairNode();
    const tsaCert = await running.services.certificates.issueServiceCertificate(null, createCsr(tsaKeys.privateKeyPem, { commonName: 'Tenderhall 时间戳服务' }), 'tsa');
    const chainPem = running.services.certificates.chainPem();
    const receivedAt = new Date();
    const receipt = await makeReceipt(
      { trade: tradeId, bidder: '91360702MA37U2D948', sha256: toHex(sealedBid.envelopeSha256), size: sealedBid.size, receivedAt: receivedAt.toISOString(), seq: 1 },
      { platformCertificatePem: platform.certificatePem, platformPrivateKeyPem: platform.privateKeyPem, platformChainPem: chainPem, tsa: { certificatePem: tsaCert.pem, privateKeyPem: tsaKeys.privateKeyPem, chainPem }, now: receivedAt },
    );
    await writeFileAtomic(path.join(bidsDir, 'bidder1.receipt.der'), receipt);
    const checked = await verifyReceipt(receipt, { trustAnchorsPem: rootPem });
    say(`bidder1.receipt.der: platform-signed, RFC 3161 time ${checked.genTime.toISOString()} (verify: tenderhall receipt verify --in … --ca keys/root.crt)`);
    outputs.push('bids/bidder1.sealed', 'bids/bidder1.sealed.sig', 'bids/bidder1.receipt.der');

    step('开启 Officials 1 and 3 decrypt their shares; the key is rebuilt in memory and opens the bid');
    const opened = [];
    for (const official of ['official1', 'official3']) {
      const sealedShare = fs.readFileSync(path.join(outDir, 'shares', `${official}.share.cms`));
      opened.push(encodeShare(await openSealedShare(sealedShare, holders[official]!)));
    }
    const rebuilt = await combineShares(opened, { openingCertificatePem: openingCert.pem, tradeId });
    const openedPath = path.join(bidsDir, 'bidder1-opened.json');
    const openedBid = await openBidFile({ sealedPath, signaturePath: sealedBid.signaturePath, outputPath: openedPath, opener: { certificatePem: openingCert.pem, privateKeyPem: rebuilt } });
    const bid = JSON.parse(fs.readFileSync(openedPath, 'utf8')) as { priceFen: number; durationDays: number };
    say(`opened and inner signature verified (signed ${openedBid.innerSigningTime?.toISOString() ?? '—'}): price ¥${(bid.priceFen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2 })}, ${bid.durationDays} days`);
    outputs.push('bids/bidder1-opened.json');

    step('监督人员校验审计链 Supervisor verifies the audit chain');
    const signed = await as('supervisor').post('/api/audit/checkpoints');
    expectStatus(signed, 201, 'audit checkpoint');
    say(`head seq ${signed.body.checkpoint.seq} signed with the platform key (a checkpoint: a rewritten chain no longer verifies)`);
    const verification = await as('supervisor').get('/api/audit/verify');
    expectStatus(verification, 200, 'audit verify');
    if (!verification.body.ok) throw new Error(`audit chain broken: ${JSON.stringify(verification.body)}`);
    say(`intact: ${verification.body.checked} events, ${verification.body.checkpoints} signed checkpoint(s), head ${verification.body.headSeq} ${String(verification.body.headHash).slice(0, 16)}…`);
    const events = await running.services.audit.list(0, 500);
    await writeFileAtomic(path.join(outDir, 'audit-verification.json'), `${JSON.stringify(verification.body, null, 2)}\n`);
    await writeFileAtomic(path.join(outDir, 'audit-chain.jsonl'), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    const pdf = await renderAuditReport(font, verification.body, events, 'Tenderhall 演示 (赣州市公共资源交易中心)');
    await writeFileAtomic(path.join(outDir, 'audit-report.pdf'), pdf);
    outputs.push('audit-verification.json', 'audit-chain.jsonl', 'audit-report.pdf');
    say(`wrote audit-verification.json, audit-chain.jsonl (${events.length} events), audit-report.pdf (${pdf.length} bytes)`);

    const logout = await as('staff').post('/api/auth/logout');
    expectStatus(logout, 204, 'logout');

    const summary = {
      finishedAt: new Date().toISOString(),
      database: describeDatabase(config),
      stages: ['platform', 'identity', 'organisations', 'certificates', 'opening-key', 'sealed-bid', 'receipt', 'unlock', 'audit'],
      reachedStage: 'audit',
      note: 'Trades, sealed bids, opening, evaluation, recheck and award stages are added here as their modules land.',
      outputs,
    };
    await writeFileAtomic(path.join(outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
    step('完成 Done');
    say(`artefacts in ${outDir}:`);
    for (const file of [...outputs, 'summary.json']) say(`  ${file}`);
  } finally {
    await running.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`\ndemo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
