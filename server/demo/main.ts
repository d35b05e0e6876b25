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

    step('监督人员校验审计链 Supervisor verifies the audit chain');
    const verification = await as('supervisor').get('/api/audit/verify');
    expectStatus(verification, 200, 'audit verify');
    if (!verification.body.ok) throw new Error(`audit chain broken: ${JSON.stringify(verification.body)}`);
    say(`intact: ${verification.body.checked} events, head ${verification.body.headSeq} ${String(verification.body.headHash).slice(0, 16)}…`);
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
      stages: ['platform', 'identity', 'organisations', 'audit'],
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
