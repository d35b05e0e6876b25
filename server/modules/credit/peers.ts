import fs from 'node:fs';
import type { Transaction } from 'sequelize';
import type { FeedPayload, FeedView, PeerView, PullResult } from '../../../contracts/credit.js';
import type { Config } from '../../config.js';
import type { Db } from '../../db/index.js';
import { lockFor } from '../../db/index.js';
import type { AuditLog } from '../../kernel/audit/service.js';
import type { Clock } from '../../kernel/clock.js';
import { AppError } from '../../kernel/errors.js';
import type { Logger } from '../../kernel/logger.js';
import { FeedRefusal, verifyEntry } from './federation.js';
import type { CreditModels } from './models.js';

const FIRST_RETRY_MS = 5_000;
const FETCH_TIMEOUT_MS = 15_000;
const PAGE = 200;
const SYSTEM = { kind: 'system', name: 'credit-federation' } as const;

type Apply = (t: Transaction, payload: FeedPayload, peer: string) => Promise<void>;

/**
 * Pulls the configured peers' feeds (CREDIT_PEERS), each on its own schedule: every CREDIT_PULL_SECONDS
 * after a good pull; after a failure (peer down, bad answer, refused entry) after 5 s, doubling up to
 * CREDIT_PULL_BACKOFF_MAX_SECONDS. One peer failing never holds up another, nor anything else: the
 * pulls run beside the request handlers and every error is caught, recorded on the peer and logged.
 * Progress (last seq and hash) lives in the database, so a restart continues where it stopped.
 */
export class PeerPuller {
  private timer: NodeJS.Timeout | null = null;
  private readonly running = new Map<string, Promise<PullResult>>();
  private trustRoots: string[] = [];

  constructor(
    private readonly db: Db,
    private readonly models: CreditModels,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly config: Pick<Config, 'credit'>,
    private readonly logger: Logger,
    private readonly apply: Apply,
  ) {}

  /** Reads the trust roots and brings the peers table in line with CREDIT_PEERS. `platformRootPem` is the default root. */
  async configure(platformRootPem?: string): Promise<void> {
    const path = this.config.credit.trustRootsPath;
    this.trustRoots = path ? (fs.readFileSync(path, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g) ?? []) : platformRootPem ? [platformRootPem] : [];
    if (path && this.trustRoots.length === 0) throw new Error(`CREDIT_TRUST_ROOTS ${path} holds no certificate`);
    for (const peer of this.config.credit.peers) {
      const row = await this.models.Peer.findByPk(peer.code);
      if (!row) await this.models.Peer.create({ code: peer.code, url: peer.url, lastOkAt: null, lastAttemptAt: null, nextAttemptAt: null, lastError: null });
      else if (row.url !== peer.url) await row.update({ url: peer.url });
    }
  }

  private configured(code: string): boolean {
    return this.config.credit.peers.some((p) => p.code === code);
  }

  /** Starts the background pulls (not when CREDIT_PULL_SECONDS is 0). */
  start(): void {
    if (this.config.credit.pullMs <= 0 || this.config.credit.peers.length === 0 || this.timer) return;
    const tick = async () => {
      const now = this.clock.now();
      for (const peer of this.config.credit.peers) {
        const row = await this.models.Peer.findByPk(peer.code).catch(() => null);
        if (row && (!row.nextAttemptAt || row.nextAttemptAt <= now) && !this.running.has(peer.code)) {
          void this.pull(peer.code).catch((error: unknown) => this.logger.error({ err: error, peer: peer.code }, 'credit.pull_crashed'));
        }
      }
    };
    this.timer = setInterval(() => void tick().catch((error: unknown) => this.logger.error({ err: error }, 'credit.pull_tick_failed')), Math.min(1000, this.config.credit.pullMs));
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.allSettled([...this.running.values()]);
  }

  /** Pulls one peer now (one at a time per peer: a second call joins the running one). */
  pull(code: string): Promise<PullResult> {
    if (!this.configured(code)) return Promise.reject(new AppError('NOT_FOUND', `${code} is not a configured credit peer`));
    let running = this.running.get(code);
    if (!running) {
      running = this.pullOnce(code).finally(() => this.running.delete(code));
      this.running.set(code, running);
    }
    return running;
  }

  private backoff(failures: number): number {
    return Math.min(this.config.credit.backoffMaxMs, FIRST_RETRY_MS * 2 ** Math.max(0, failures - 1));
  }

  private async pullOnce(code: string): Promise<PullResult> {
    const peer = (await this.models.Peer.findByPk(code))!;
    const started = this.clock.now();
    await peer.update({ lastAttemptAt: started });
    let accepted = 0;
    const fail = async (error: string, refused: PullResult['refused']): Promise<PullResult> => {
      const fresh = (await this.models.Peer.findByPk(code))!;
      const failures = fresh.failures + 1;
      await fresh.update({ failures, lastError: error.slice(0, 1000), nextAttemptAt: new Date(this.clock.now().getTime() + this.backoff(failures)) });
      this.logger.warn({ peer: code, failures, error }, 'credit.pull_failed');
      return { code, ok: false, accepted, refused, error, lastSeq: fresh.lastSeq };
    };
    for (;;) {
      const state = (await this.models.Peer.findByPk(code))!;
      let page: FeedView;
      try {
        const res = await fetch(`${state.url}/api/credit/feed?after=${state.lastSeq}&limit=${PAGE}`, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: { accept: 'application/json' } });
        if (!res.ok) return await fail(`HTTP ${res.status} from ${state.url}`, null);
        page = (await res.json()) as FeedView;
        if (!page || !Array.isArray(page.entries)) return await fail(`not a credit feed: ${state.url}`, null);
      } catch (error) {
        return await fail(`${state.url} unreachable: ${(error as Error).message}`, null);
      }
      let lastSeq = state.lastSeq;
      let lastHash = state.lastHash;
      for (const entry of page.entries) {
        try {
          const verified = await verifyEntry(entry, { peer: code, lastSeq, lastHash, trustRootsPem: this.trustRoots, at: this.clock.now() });
          await this.db.transaction(async (t) => {
            const locked = (await this.models.Peer.findByPk(code, lockFor(t)))!;
            if (locked.lastSeq !== lastSeq) throw new FeedRefusal('replayed', `seq ${verified.payload.seq} was taken meanwhile`, verified.payload.seq);
            await this.models.PeerEntry.create({ peerCode: code, seq: verified.payload.seq, hash: verified.hash, cms: Buffer.from(verified.der), receivedAt: this.clock.now() }, { transaction: t });
            await this.apply(t, verified.payload, code);
            await locked.update({ lastSeq: verified.payload.seq, lastHash: verified.hash }, { transaction: t });
            await this.audit.append(t, { actor: SYSTEM, action: 'credit.feed_received', subject: `credit:${verified.payload.record.uid}`, payload: { peer: code, seq: verified.payload.seq, event: verified.payload.event, hash: verified.hash } });
          });
          lastSeq = verified.payload.seq;
          lastHash = verified.hash;
          accepted += 1;
        } catch (error) {
          if (!(error instanceof FeedRefusal)) return await fail(`storing seq ${entry?.seq}: ${(error as Error).message}`, null);
          const refusal = { at: this.clock.now().toISOString(), seq: error.seq, reason: error.reason, detail: error.detail.slice(0, 1000) };
          await this.db.transaction(async (t) => {
            await this.models.PeerRefusal.create({ peerCode: code, at: this.clock.now(), seq: error.seq, reason: error.reason, detail: refusal.detail }, { transaction: t });
            await this.audit.append(t, { actor: SYSTEM, action: 'credit.feed_refused', subject: `peer:${code}`, payload: { seq: error.seq, reason: error.reason, detail: refusal.detail } });
          });
          this.logger.warn({ peer: code, ...refusal }, 'credit.feed_refused');
          return await fail(`entry refused (${error.reason}): ${error.detail}`, refusal);
        }
      }
      if (page.entries.length < PAGE) break;
    }
    const done = (await this.models.Peer.findByPk(code))!;
    const now = this.clock.now();
    await done.update({ failures: 0, lastError: null, lastOkAt: now, nextAttemptAt: this.config.credit.pullMs > 0 ? new Date(now.getTime() + this.config.credit.pullMs) : null });
    return { code, ok: true, accepted, refused: null, error: null, lastSeq: done.lastSeq };
  }

  async list(): Promise<PeerView[]> {
    const rows = await this.models.Peer.findAll({ order: [['code', 'ASC']] });
    return Promise.all(
      rows
        .filter((r) => this.configured(r.code))
        .map(async (r) => ({
          code: r.code,
          url: r.url,
          lastSeq: r.lastSeq,
          lastOkAt: r.lastOkAt?.toISOString() ?? null,
          lastAttemptAt: r.lastAttemptAt?.toISOString() ?? null,
          failures: r.failures,
          nextAttemptAt: r.nextAttemptAt?.toISOString() ?? null,
          lastError: r.lastError,
          refusals: (await this.models.PeerRefusal.findAll({ where: { peerCode: r.code }, order: [['at', 'DESC'], ['id', 'DESC']], limit: 20 })).map((x) => ({ at: x.at.toISOString(), seq: x.seq, reason: x.reason, detail: x.detail })),
        })),
    );
  }
}
