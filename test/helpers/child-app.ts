import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { DEMO_ORGANISATIONS, DEMO_PASSWORD } from '../../server/seed/demo-data.js';
import { run, type Child } from './processes.js';
import type { TradeTestTarget } from './trades.js';

/**
 * The real server as a child process (`node --import tsx server/main.ts`, so no build is needed),
 * for tests that kill it, restart it or run several of it on one database. It satisfies
 * TradeTestTarget, so the helpers in trades.ts work against it as against the in-process givenApp.
 *
 * `restart()` starts a new process with the same environment (same DATA_DIR, same database): the
 * second start neither migrates nor seeds again, and the same object keeps working (its `http` points
 * at the new port; bearer tokens survive because sessions live in the database).
 */
export interface ChildApp extends TradeTestTarget {
  /** A short name for messages (several processes in one test). */
  readonly name: string;
  readonly env: Record<string, string>;
  readonly dataDir: string;
  url: string;
  http: ReturnType<typeof request>;
  seed: { organisations: Record<string, number>; users: Record<string, number> };
  /** The running process (changes on restart). */
  child: Child;
  pid: number;
  /** Everything the current process printed (pino JSON lines and the banner). */
  output(): string;
  /** Output of every process this app has run, oldest first. */
  outputs(): string[];
  /** Sends the signal and waits for the process to be gone; answers its exit code (null when killed). */
  kill(signal?: NodeJS.Signals): Promise<number | null>;
  /** Starts the server again on the same DATA_DIR and database. */
  restart(): Promise<void>;
  running(): boolean;
}

export interface ChildAppOptions {
  name?: string;
  /** Must include DATA_DIR and, for MariaDB, DATABASE_URL (freshDatabase().env). */
  env: Record<string, string>;
}

/** Parsed pino lines of some output (non-JSON lines, i.e. the banner, are skipped). */
export function logLines(output: string): { level: number; msg: string; [key: string]: unknown }[] {
  const lines = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      lines.push(JSON.parse(line) as { level: number; msg: string });
    } catch {
      // a line cut by SIGKILL
    }
  }
  return lines;
}

export async function startChildApp(options: ChildAppOptions): Promise<ChildApp> {
  const name = options.name ?? 'server';
  const env: Record<string, string> = {
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    SCRYPT_LOG_N: '10',
    NODE_ENV: 'test',
    SEED_DEMO: 'auto',
    ...options.env,
  };
  if (!env.DATA_DIR) throw new Error('startChildApp needs DATA_DIR');
  const dataDir = path.resolve(env.DATA_DIR);
  const tokens = new Map<string, string>();
  const history: Child[] = [];

  const launch = async (): Promise<{ child: Child; url: string }> => {
    const child = run(process.execPath, ['--import', 'tsx', 'server/main.ts'], env);
    history.push(child);
    try {
      const [, url] = await child.waitFor(/listening on (http:\/\/\S+)/, 120_000);
      // the banner is written in one go; "data dir" is its last fixed line
      await child.waitFor(/data dir: /, 10_000);
      return { child, url: url! };
    } catch (error) {
      child.process.kill('SIGKILL');
      throw new Error(`${name} did not start: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  const first = await launch();
  const hasExited = (child: Child) => child.process.exitCode !== null || child.process.signalCode !== null;
  const app: ChildApp = {
    name,
    env,
    dataDir,
    url: first.url,
    http: request(first.url),
    seed: { organisations: {}, users: {} },
    child: first.child,
    pid: first.child.process.pid!,
    output: () => app.child.output(),
    outputs: () => history.map((c) => c.output()),
    running: () => !hasExited(app.child),
    async tokenFor(username: string) {
      const cached = tokens.get(username);
      if (cached) return cached;
      const res = await app.http.post('/api/auth/login').send({ username, password: DEMO_PASSWORD });
      expect(res.status, `${name}: login ${username}: ${res.text}`).to.equal(200);
      tokens.set(username, res.body.token as string);
      return res.body.token as string;
    },
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      const child = app.child;
      if (!hasExited(child)) child.process.kill(signal);
      return child.exit();
    },
    async restart() {
      if (!hasExited(app.child)) throw new Error(`${name} is still running; kill it first`);
      const next = await launch();
      app.child = next.child;
      app.pid = next.child.process.pid!;
      app.url = next.url;
      app.http = request(next.url);
      // Sessions are rows in the database, so tokens normally survive; drop them only if one did not.
      const sample = [...tokens.entries()][0];
      if (sample) {
        const me = await app.http.get('/api/auth/me').set({ Authorization: `Bearer ${sample[1]}` });
        if (me.status === 401) tokens.clear();
      }
      app.seed = await seedMaps(app);
    },
  };
  app.seed = await seedMaps(app);
  return app;
}

/** Demo organisation key → id (matched by USCC) and username → id, read over the API as admin. */
async function seedMaps(app: ChildApp): Promise<ChildApp['seed']> {
  const auth = { Authorization: `Bearer ${await app.tokenFor('admin')}` };
  const orgs = await app.http.get('/api/organisations').set(auth);
  expect(orgs.status, orgs.text).to.equal(200);
  const byUscc = new Map((orgs.body as { id: number; uscc: string }[]).map((o) => [o.uscc, o.id]));
  const organisations: Record<string, number> = {};
  for (const org of DEMO_ORGANISATIONS) {
    const id = byUscc.get(org.uscc);
    if (id === undefined) throw new Error(`${app.name}: demo organisation ${org.key} (${org.uscc}) is missing`);
    organisations[org.key] = id;
  }
  const users = await app.http.get('/api/admin/users').set(auth);
  expect(users.status, users.text).to.equal(200);
  return { organisations, users: Object.fromEntries((users.body as { id: number; username: string }[]).map((u) => [u.username, u.id])) };
}

/** This process's temp folders under DATA_DIR/tmp (named `<pid>-<random>`). */
export function tempDirsOf(dataDir: string, pid: number): string[] {
  const root = path.join(dataDir, 'tmp');
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root).filter((entry) => entry.startsWith(`${pid}-`));
}
