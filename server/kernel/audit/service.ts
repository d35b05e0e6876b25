import { Op, type Transaction } from 'sequelize';
import type { AuditEventView, AuditVerification } from '../../../contracts/audit.js';
import { canonicalJson } from '../../../crypto/canonical-json.js';
import { chainHash, verifyChain, type ChainLink } from '../../../crypto/hash-chain.js';
import { lockFor, type Db } from '../../db/index.js';
import { actorLabel, type Actor, type SystemActor } from '../actor.js';
import type { Clock } from '../clock.js';
import { defineAuditModels, type AuditModels } from './models.js';

export interface AuditEntry {
  actor: Actor | SystemActor | null;
  /** `module.verb`, e.g. `auth.login`, `identity.role_changed`. */
  action: string;
  /** What the action was about, e.g. `user:12`, `organisation:9144…`. */
  subject?: string | null;
  payload?: Record<string, unknown>;
}

const PAGE = 1000;

/**
 * Signs and checks checkpoints of the head. The platform's signing key lives outside the database
 * (certificates module, CA_DIR), so someone who can rewrite every audit row still cannot make a
 * checkpoint for the rewritten chain.
 */
export interface CheckpointSigner {
  sign(content: Uint8Array): Promise<Uint8Array>;
  /**
   * A checker for one verification run (it may load what all checks share, e.g. the current CRL,
   * once): answers the signed content after checking the signature and that the signer is the
   * platform; throws otherwise.
   */
  opener(): Promise<(signature: Uint8Array) => Promise<Uint8Array>>;
}

interface CheckpointContent {
  seq: number;
  hash: string;
  at: string;
}

/**
 * The append-only, hash-chained audit log (architecture: "Audit chain"). `append` must be called
 * inside the transaction that makes the change it records, so the event exists iff the change does.
 */
export class AuditLog {
  readonly models: AuditModels;
  private signer: CheckpointSigner | null = null;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {
    this.models = defineAuditModels(db);
  }

  async append(t: Transaction, entry: AuditEntry): Promise<{ seq: number; hash: string }> {
    const { AuditEvent, AuditHead } = this.models;
    // The head row lock serialises appenders across connections and processes: two writers never
    // take the same seq, and each links to the hash the other just wrote.
    const head = await AuditHead.findByPk(1, lockFor(t));
    if (!head) throw new Error('audit_head row missing: migrations not run');
    const event = {
      seq: head.seq + 1,
      at: this.clock.now().toISOString(),
      actor: actorLabel(entry.actor),
      action: entry.action,
      subject: entry.subject ?? null,
      payload: JSON.parse(canonicalJson(entry.payload ?? {})) as unknown,
    };
    const hash = await chainHash(head.hash, event);
    await AuditEvent.create(
      { ...event, at: new Date(event.at), payload: canonicalJson(event.payload), prevHash: head.hash, hash },
      { transaction: t },
    );
    await AuditHead.update({ seq: event.seq, hash }, { where: { id: 1 }, transaction: t });
    return { seq: event.seq, hash };
  }

  /** Appends in a transaction of its own, for events with no other change (e.g. a failed login). */
  async record(entry: AuditEntry): Promise<{ seq: number; hash: string }> {
    return this.db.transaction((t) => this.append(t, entry));
  }

  private async *links(): AsyncGenerator<ChainLink> {
    let after = 0;
    for (;;) {
      const rows = await this.models.AuditEvent.findAll({
        where: { seq: { [Op.gt]: after } },
        order: [['seq', 'ASC']],
        limit: PAGE,
      });
      for (const row of rows) yield toLink(row);
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1]!.seq;
    }
  }

  useCheckpointSigner(signer: CheckpointSigner): void {
    this.signer = signer;
  }

  /**
   * Signs the current head as a checkpoint (nothing to do if it is already signed or empty).
   * Called periodically by the server, at shutdown, and by `tenderhall audit checkpoint`.
   */
  async checkpoint(): Promise<{ seq: number; hash: string } | null> {
    if (!this.signer) throw new Error('no checkpoint signer configured');
    const signer = this.signer;
    return this.db.transaction(async (t) => {
      const head = await this.models.AuditHead.findByPk(1, lockFor(t));
      if (!head || head.seq === 0) return null;
      if (await this.models.AuditCheckpoint.findByPk(head.seq, { transaction: t })) return null;
      const at = this.clock.now();
      const content: CheckpointContent = { seq: head.seq, hash: head.hash, at: at.toISOString() };
      const signature = await signer.sign(new TextEncoder().encode(canonicalJson(content)));
      await this.models.AuditCheckpoint.create({ seq: head.seq, at, headHash: head.hash, signature: Buffer.from(signature).toString('base64') }, { transaction: t });
      return { seq: head.seq, hash: head.hash };
    });
  }

  /** Signed checkpoints, oldest first, each checked against its own signature. */
  private async signedCheckpoints(): Promise<{ seq: number; hash: string; problem: string | null }[]> {
    const rows = await this.models.AuditCheckpoint.findAll({ order: [['seq', 'ASC']] });
    const out: { seq: number; hash: string; problem: string | null }[] = [];
    const open = rows.length && this.signer ? await this.signer.opener() : null;
    for (const row of rows) {
      if (!open) {
        out.push({ seq: row.seq, hash: row.headHash, problem: 'no checkpoint signer configured to check it' });
        continue;
      }
      try {
        const content = JSON.parse(new TextDecoder().decode(await open(new Uint8Array(Buffer.from(row.signature, 'base64'))))) as CheckpointContent;
        // The row's own columns are unsigned copies: what counts is the signed content.
        const problem = content.seq !== row.seq || content.hash !== row.headHash ? 'checkpoint row differs from its signed content' : null;
        out.push({ seq: content.seq, hash: content.hash, problem });
      } catch (error) {
        out.push({ seq: row.seq, hash: row.headHash, problem: `checkpoint signature does not verify (${(error as Error).message})` });
      }
    }
    return out;
  }

  /**
   * Checks every link and then the head. Reports the first broken sequence number: an edited row
   * breaks its own hash, a deleted one leaves a gap, an inserted one breaks the next link or lies
   * beyond the recorded head.
   */
  async verify(): Promise<AuditVerification> {
    const head = await this.models.AuditHead.findByPk(1);
    if (!head) throw new Error('audit_head row missing: migrations not run');
    const checkpoints = await this.signedCheckpoints();
    const wanted = new Set(checkpoints.map((c) => c.seq));
    const hashAt = new Map<number, string>();
    const links = this.links();
    const remember = async function* () {
      for await (const link of links) {
        if (wanted.has(link.seq)) hashAt.set(link.seq, link.hash);
        yield link;
      }
    };
    const check = await verifyChain(remember());
    const result = (firstBrokenSeq: number | null, reason: string | null): AuditVerification => ({
      ok: firstBrokenSeq === null,
      checked: check.checked,
      headSeq: head.seq,
      headHash: head.hash,
      firstBrokenSeq,
      reason,
      checkpoints: checkpoints.length,
      verifiedAt: this.clock.now().toISOString(),
    });
    if (!check.ok) return result(check.firstBrokenSeq, check.reason);
    // A chain rewritten from some point on is internally consistent; only the signed checkpoints
    // (whose key is not in the database) tell. Name the first checkpoint the chain no longer matches.
    for (const checkpoint of checkpoints) {
      if (checkpoint.problem) return result(checkpoint.seq, `checkpoint ${checkpoint.seq}: ${checkpoint.problem}`);
      if (checkpoint.seq > check.lastSeq) return result(check.lastSeq + 1, `events up to the signed checkpoint ${checkpoint.seq} are missing`);
      if (hashAt.get(checkpoint.seq) !== checkpoint.hash) {
        return result(checkpoint.seq, `the chain at seq ${checkpoint.seq} differs from the platform-signed checkpoint: rewritten at or before it`);
      }
    }
    if (check.lastSeq < head.seq) return result(check.lastSeq + 1, `events ${check.lastSeq + 1}…${head.seq} are missing`);
    if (check.lastSeq > head.seq) return result(head.seq + 1, `event ${head.seq + 1} lies beyond the recorded head`);
    if (check.lastHash !== head.hash) return result(head.seq, 'last event does not match the recorded head hash');
    return result(null, null);
  }

  async list(after = 0, limit = 100): Promise<AuditEventView[]> {
    const rows = await this.models.AuditEvent.findAll({
      where: { seq: { [Op.gt]: after } },
      order: [['seq', 'ASC']],
      limit,
    });
    return rows.map((row) => {
      const link = toLink(row);
      return { ...link, payload: link.payload };
    });
  }

  async head(): Promise<{ seq: number; hash: string }> {
    const head = await this.models.AuditHead.findByPk(1);
    return { seq: head?.seq ?? 0, hash: head?.hash ?? '' };
  }
}

function toLink(row: InstanceType<AuditModels['AuditEvent']>): ChainLink {
  let payload: unknown;
  try {
    payload = JSON.parse(row.payload);
  } catch {
    payload = row.payload; // an edited, unparsable payload still gets hashed and caught
  }
  return {
    seq: row.seq,
    at: new Date(row.at).toISOString(),
    actor: row.actor,
    action: row.action,
    subject: row.subject,
    payload,
    prevHash: row.prevHash,
    hash: row.hash,
  };
}
