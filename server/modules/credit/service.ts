import { Op, type Transaction, type WhereOptions } from 'sequelize';
import {
  maskIdNumber, type CreditRecordView, type CreditRegionView, type CreditScoreView, type CreditStatus, type FeedRecord, type RecordCreditRequest,
  type RepairView,
} from '../../../contracts/credit.js';
import type { Config } from '../../config.js';
import type { Db } from '../../db/index.js';
import { lockFor } from '../../db/index.js';
import type { Actor, SystemActor } from '../../kernel/actor.js';
import type { AuditLog } from '../../kernel/audit/service.js';
import type { Clock } from '../../kernel/clock.js';
import { AppError } from '../../kernel/errors.js';
import type { DueSource } from '../../kernel/lifecycle/scheduler.js';
import type { Logger } from '../../kernel/logger.js';
import type { RulesService } from '../../kernel/rules/service.js';
import { ruleRow, type RuleId } from '../../kernel/rules/table.js';
import type { CertificateService } from '../certificates/service.js';
import type { IdentityService } from '../identity/service.js';
import { FeedPublisher, NATIONAL, regionPrefix } from './federation.js';
import { CreditGate, type ActiveRestriction } from './gate.js';
import { defineCreditModels, type CreditModels, type CreditRecordRow } from './models.js';
import { PeerPuller } from './peers.js';
import { creditShare, scoreAt, scoreHistory, SCORE_FORMULA, type ScoredRecord, type ScoreParams } from './score.js';

const SUPERVISORS = ['supervisor', 'admin'] as const;

/** Adds calendar months (the day clamps to the month's end, e.g. 31 Jan + 1 month → 28/29 Feb). */
export function addMonths(from: Date, months: number): Date {
  const d = new Date(from.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d;
}

/**
 * Credit (信用): records a region's supervisor enters, the restrictions they impose through the one
 * CreditGate every enforcement point calls, the score, repair and objection applications, expiry,
 * the public list, this deployment's signed feed and the peers whose feeds it pulls.
 */
export class CreditService {
  readonly models: CreditModels;
  readonly gate: CreditGate;
  readonly feed: FeedPublisher;
  readonly peers: PeerPuller;
  private publishing: CreditRegionView | null = null;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly identity: IdentityService,
    private readonly certificates: CertificateService,
    readonly rules: RulesService,
    private readonly config: Config,
    private readonly logger: Logger,
  ) {
    this.models = defineCreditModels(db);
    this.gate = new CreditGate(db);
    this.feed = new FeedPublisher(this.models, () => this.region, () => this.signer());
    this.peers = new PeerPuller(db, this.models, audit, clock, config, logger, (t, payload, peer) => this.applyRemote(t, payload.event, payload.record, peer));
  }

  /** The region whose feed this deployment publishes (CREDIT_REGION); read once the region table is loaded (after seeding). */
  get region(): CreditRegionView {
    this.publishing ??= this.publishingRegion();
    return this.publishing;
  }

  private publishingRegion(): CreditRegionView {
    const configured = this.config.credit.region;
    if (configured) {
      if (configured === NATIONAL.code) return { ...NATIONAL };
      const region = this.identity.regions.get(configured);
      if (!region) throw new Error(`CREDIT_REGION ${configured} is not in the region table`);
      return { code: region.code, name: region.name };
    }
    const roots = this.identity.regions.list().filter((r) => r.parentCode === null);
    return roots.length === 1 ? { code: roots[0]!.code, name: roots[0]!.name } : { ...NATIONAL };
  }

  private signerPromise: Promise<import('../../../crypto/index.js').CmsSigner> | null = null;
  /** The region certificate and key from CREDIT_FEED_CERT / CREDIT_FEED_KEY, or one the platform CA issues at first use. */
  private signer() {
    this.signerPromise ??= (async () => {
      const { cert, key } = this.config.credit.feedSigner ?? {};
      if (cert && key) {
        const fs = await import('node:fs/promises');
        const blocks = (await fs.readFile(cert, 'utf8')).match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g) ?? [];
        if (blocks.length === 0) throw new Error(`CREDIT_FEED_CERT ${cert} holds no certificate`);
        return { certificatePem: blocks[0]!, chainPem: blocks.slice(1), privateKeyPem: await fs.readFile(key, 'utf8') };
      }
      return this.certificates.regionSigner(this.region.code === NATIONAL.code ? '000000' : this.region.code, this.region.name);
    })();
    this.signerPromise.catch(() => (this.signerPromise = null));
    return this.signerPromise;
  }

  async start(): Promise<void> {
    await this.peers.configure(this.certificates.rootPem());
  }

  // ── rules ────────────────────────────────────────────────────────────────────────────────────

  private async rule(id: RuleId, regionCode: string): Promise<number> {
    const row = ruleRow(id)!;
    // a region outside this deployment's tree (a remote record) reads the row's default
    return this.identity.regions.get(regionCode) ? (await this.rules.effective(row, regionCode)).value : row.value;
  }

  async scoreParams(regionCode: string): Promise<ScoreParams> {
    return { base: await this.rule('credit.score.base', regionCode), commendationCap: await this.rule('credit.score.commendation_cap', regionCode) };
  }

  // ── recording ────────────────────────────────────────────────────────────────────────────────

  private assertSupervises(actor: Actor, regionCode: string): void {
    if (!(SUPERVISORS as readonly string[]).includes(actor.role)) throw new AppError('NOT_PARTICIPANT', 'credit records are entered and decided by the supervising authority');
    if (actor.role !== 'admin' && !this.identity.regions.covers(actor.regionCode, regionCode)) {
      throw new AppError('FORBIDDEN_REGION', `region ${regionCode} is outside your jurisdiction`);
    }
  }

  /** Records a penalty or commendation: the record, its restrictions, the feed entry and the audit event, in one transaction. */
  async record(actor: Actor, input: RecordCreditRequest): Promise<CreditRecordView> {
    const issuing = this.identity.regions.get(input.issuingRegionCode);
    if (!issuing) throw new AppError('NOT_FOUND', `region ${input.issuingRegionCode} is not known`);
    this.assertSupervises(actor, issuing.code);
    if (!issuing.code.startsWith(regionPrefix(this.region.code))) {
      throw new AppError('CREDIT_REGION_OUTSIDE', `this platform publishes credit records of ${this.region.name} (${this.region.code}); ${issuing.name} records are kept by its own platform`);
    }
    const now = this.clock.now();
    const startsAt = input.startsAt ? new Date(input.startsAt) : now;
    const endsAt = new Date(input.endsAt);
    if (endsAt <= startsAt) throw new AppError('VALIDATION_FAILED', 'endsAt must be after startsAt', { extra: { field: 'endsAt' } });
    const maxMonths = await this.rule('credit.restriction_max_months', issuing.code);
    if (endsAt > addMonths(startsAt, maxMonths)) {
      throw new AppError('CREDIT_PERIOD_TOO_LONG', `a record runs at most ${maxMonths} months`, { extra: { rule: 'credit.restriction_max_months', value: maxMonths, source: ruleRow('credit.restriction_max_months')!.source } });
    }
    const points = input.points ?? (input.kind === 'penalty' ? await this.rule(`credit.score.deduct.${input.severity!}`, issuing.code) : 0);
    const subjectId = input.subject.kind === 'organisation' ? input.subject.uscc : input.subject.idNumber;
    const persons = (input.persons ?? []).map((p) => ({ name: p.name, idNumber: p.idNumber ?? null, role: p.role }));

    // the signer first: made at first use, it writes its certificate in a transaction of its own
    await this.signer();
    const id = await this.db.transaction(async (t) => {
      // the audit head lock, taken first, also serialises feed appends across processes
      const row = await this.models.CreditRecord.create(
        {
          uid: `${this.region.code}-new-${now.getTime()}-${Math.random().toString(36).slice(2, 8)}`,
          origin: 'local',
          sourceRegionCode: null,
          kind: input.kind,
          subjectKind: input.subject.kind,
          subjectId,
          subjectName: input.subject.name,
          role: input.role,
          persons: JSON.stringify(persons),
          act: input.act,
          basis: input.basis,
          decisionNo: input.decisionNo,
          authority: input.authority,
          issuingRegionCode: issuing.code,
          issuingRegionName: issuing.name,
          severity: input.kind === 'penalty' ? input.severity! : null,
          scope: input.scope,
          points,
          startsAt,
          endsAt,
          recordedAt: now,
          receivedAt: now,
          recordedBy: actor.userId,
          liftedAt: null,
          liftKind: null,
          liftReason: null,
          expiredNotedAt: null,
        },
        { transaction: t },
      );
      await row.update({ uid: `${this.region.code}-${row.id}` }, { transaction: t });
      await this.restrict(t, row);
      const seq = await this.appendAudited(t, actor, 'credit.recorded', row, { kind: row.kind, subject: subjectId, scope: row.scope, points, basis: row.basis, startsAt, endsAt });
      this.logger.info({ record: row.uid, subject: subjectId, seq }, 'credit.recorded');
      return row.id;
    });
    return this.view((await this.models.CreditRecord.findByPk(id))!, false);
  }

  /** The restriction rows of a record: its subject and every named person with an ID number, unless it restricts nothing. */
  private async restrict(t: Transaction, row: CreditRecordRow): Promise<void> {
    if (row.scope === 'none' || row.kind !== 'penalty') return;
    const subjects = [row.subjectId, ...parsePersons(row.persons).flatMap((p) => (p.idNumber ? [p.idNumber] : []))];
    for (const subject of new Set(subjects)) {
      await this.models.CreditRestriction.create(
        { uscc: subject, scope: row.scope, issuingRegionCode: row.issuingRegionCode, issuingRegionName: row.issuingRegionName, basis: `${row.basis}（${row.decisionNo}）`, startsAt: row.startsAt, endsAt: row.endsAt, liftedAt: row.liftedAt, createdAt: this.clock.now(), recordId: row.id },
        { transaction: t },
      );
    }
  }

  private async appendAudited(t: Transaction, actor: Actor | SystemActor, action: string, row: CreditRecordRow, payload: Record<string, unknown>): Promise<number> {
    await this.audit.append(t, { actor, action, subject: `credit:${row.uid}`, payload });
    const event = action === 'credit.recorded' ? 'recorded' : row.liftKind === 'revoked' ? 'revoked' : 'lifted';
    const seq = await this.feed.append(t, event, feedRecord(row), this.clock.now());
    return seq;
  }

  /** Ends a record early (repair granted, or objection upheld): its restrictions lift now; the feed carries the change. */
  private async lift(t: Transaction, actor: Actor, row: CreditRecordRow, kind: 'repaired' | 'revoked', reason: string): Promise<void> {
    const now = this.clock.now();
    await row.update({ liftedAt: now, liftKind: kind, liftReason: reason }, { transaction: t });
    await this.models.CreditRestriction.update({ liftedAt: now }, { where: { recordId: row.id, liftedAt: null }, transaction: t });
    await this.appendAudited(t, actor, kind === 'repaired' ? 'credit.repaired' : 'credit.revoked', row, { reason });
  }

  /** A verified entry from a peer's feed: a new record (restricting as a local one) or a change to one received before. */
  private async applyRemote(t: Transaction, event: string, record: FeedRecord, peer: string): Promise<void> {
    const existing = await this.models.CreditRecord.findOne({ where: { uid: record.uid }, ...lockFor(t) });
    if (event === 'recorded') {
      if (existing) return; // already known (e.g. the same record relayed twice)
      const row = await this.models.CreditRecord.create(
        {
          uid: record.uid,
          origin: 'remote',
          sourceRegionCode: peer,
          kind: record.kind,
          subjectKind: record.subject.kind,
          subjectId: record.subject.id,
          subjectName: record.subject.name,
          role: record.role,
          persons: JSON.stringify(record.persons ?? []),
          act: record.act,
          basis: record.basis,
          decisionNo: record.decisionNo,
          authority: record.authority,
          issuingRegionCode: record.issuingRegion.code,
          issuingRegionName: record.issuingRegion.name,
          severity: record.severity,
          scope: record.scope,
          points: record.points,
          startsAt: new Date(record.startsAt),
          endsAt: new Date(record.endsAt),
          recordedAt: new Date(record.recordedAt),
          receivedAt: this.clock.now(),
          recordedBy: null,
          liftedAt: record.liftedAt ? new Date(record.liftedAt) : null,
          liftKind: null,
          liftReason: record.liftReason,
          expiredNotedAt: null,
        },
        { transaction: t },
      );
      await this.restrict(t, row);
      return;
    }
    if (!existing || existing.sourceRegionCode !== peer) return; // a change to a record this peer never published here
    const liftedAt = record.liftedAt ? new Date(record.liftedAt) : this.clock.now();
    await existing.update({ liftedAt, liftKind: event === 'revoked' ? 'revoked' : 'repaired', liftReason: record.liftReason }, { transaction: t });
    await this.models.CreditRestriction.update({ liftedAt }, { where: { recordId: existing.id, liftedAt: null }, transaction: t });
  }

  // ── reading ──────────────────────────────────────────────────────────────────────────────────

  status(row: CreditRecordRow, at: Date = this.clock.now()): CreditStatus {
    if (row.liftedAt && row.liftedAt <= at) return row.liftKind === 'revoked' ? 'revoked' : 'repaired';
    if (row.startsAt > at) return 'pending';
    if (row.endsAt <= at) return 'expired';
    return 'active';
  }

  async view(row: CreditRecordRow, forPublic: boolean): Promise<CreditRecordView> {
    const repairMonths = await this.rule('credit.repair_min_months', row.issuingRegionCode);
    const sourceName = row.sourceRegionCode ? (this.identity.regions.get(row.sourceRegionCode)?.name ?? row.sourceRegionCode) : null;
    const hide = (id: string | null) => (id && forPublic ? maskIdNumber(id) : id);
    const record = feedRecord(row);
    return {
      ...record,
      id: row.id,
      origin: row.origin,
      source: row.sourceRegionCode ? { code: row.sourceRegionCode, name: sourceName! } : null,
      subject: { ...record.subject, id: row.subjectKind === 'person' ? hide(row.subjectId)! : row.subjectId },
      persons: record.persons.map((p) => ({ ...p, idNumber: hide(p.idNumber) })),
      repairableFrom: addMonths(row.startsAt, repairMonths).toISOString(),
      status: this.status(row),
    };
  }

  /** The public credit list (公示): penalties in force by default; search by USCC, ID number or name, and by issuing region. */
  async list(query: { q?: string | undefined; region?: string | undefined; kind?: 'penalty' | 'commendation' | undefined; status?: 'active' | 'all' | undefined }, forPublic: boolean): Promise<CreditRecordView[]> {
    const now = this.clock.now();
    const where: WhereOptions[] = [];
    if (query.kind) where.push({ kind: query.kind });
    if ((query.status ?? 'active') === 'active') where.push({ startsAt: { [Op.lte]: now }, endsAt: { [Op.gt]: now }, liftedAt: null });
    if (query.region) where.push({ issuingRegionCode: { [Op.startsWith]: regionPrefix(query.region) } });
    const q = query.q?.trim();
    if (q) {
      const id = q.toUpperCase();
      where.push({ [Op.or]: [{ subjectId: id }, { subjectName: { [Op.substring]: q } }] });
    }
    const rows = await this.models.CreditRecord.findAll({ where: { [Op.and]: where }, order: [['startsAt', 'DESC'], ['id', 'DESC']], limit: 500 });
    return Promise.all(rows.map((r) => this.view(r, forPublic)));
  }

  async get(id: number, forPublic: boolean): Promise<CreditRecordView> {
    const row = await this.models.CreditRecord.findByPk(id);
    if (!row) throw new AppError('NOT_FOUND', `no credit record ${id}`);
    return this.view(row, forPublic);
  }

  private scored(rows: CreditRecordRow[]): ScoredRecord[] {
    return rows.map((r) => ({ uid: r.uid, kind: r.kind, points: r.points, startsAt: r.startsAt, endsAt: r.endsAt, liftedAt: r.liftedAt, knownAt: r.origin === 'local' ? r.recordedAt : r.receivedAt }));
  }

  /** An organisation's credit score now, its records and the score's history. */
  async score(uscc: string, regionCode: string = this.region.code): Promise<CreditScoreView> {
    const now = this.clock.now();
    const rows = await this.models.CreditRecord.findAll({ where: { subjectId: uscc }, order: [['startsAt', 'ASC'], ['id', 'ASC']] });
    const params = await this.scoreParams(regionCode);
    const records = this.scored(rows);
    const org = await this.identity.models.Organisation.findOne({ where: { uscc } });
    return {
      uscc,
      name: org?.name ?? rows[0]?.subjectName ?? null,
      at: now.toISOString(),
      score: scoreAt(records, now, params),
      base: params.base,
      formula: SCORE_FORMULA,
      records: await Promise.all(rows.map((r) => this.view(r, true))),
      history: scoreHistory(records, now, params),
    };
  }

  /**
   * Scores at an instant (the bid deadline), counting only records known by then, with the rules of
   * `regionCode` (the trade's): what an evaluation freezes for its credit criterion.
   */
  async scoresAt(usccs: string[], at: Date, regionCode: string): Promise<Record<string, { score: number; share: number }>> {
    const params = await this.scoreParams(regionCode);
    const rows = usccs.length ? await this.models.CreditRecord.findAll({ where: { subjectId: [...new Set(usccs)] } }) : [];
    const out: Record<string, { score: number; share: number }> = {};
    for (const uscc of usccs) {
      const score = scoreAt(this.scored(rows.filter((r) => r.subjectId === uscc)), at, params);
      out[uscc] = { score, share: creditShare(score, params) };
    }
    return out;
  }

  // ── repair (信用修复) and objection ───────────────────────────────────────────────────────────

  private async applicantSubjects(actor: Actor): Promise<{ ids: string[]; organisation: string | null }> {
    const ids: string[] = [];
    let organisation: string | null = null;
    if (actor.organisationId !== null) {
      const org = await this.identity.models.Organisation.findByPk(actor.organisationId);
      if (org) {
        ids.push(org.uscc);
        organisation = org.name;
      }
    }
    const profile = await this.identity.models.ExpertProfile.findByPk(actor.userId);
    const idNumber = profile?.idNumber;
    if (idNumber) ids.push(idNumber);
    return { ids, organisation };
  }

  async applyRepair(actor: Actor, recordId: number, input: { kind: 'repair' | 'objection'; reason: string; evidence: string }): Promise<RepairView> {
    const { ids } = await this.applicantSubjects(actor);
    const now = this.clock.now();
    const id = await this.db.transaction(async (t) => {
      const row = await this.models.CreditRecord.findByPk(recordId, lockFor(t));
      if (!row || !ids.includes(row.subjectId)) throw new AppError('NOT_PARTICIPANT', 'only the subject of a credit record applies for its repair or objects to it');
      if (row.kind !== 'penalty') throw new AppError('CREDIT_RECORD_NOT_ACTIVE', 'only penalties are repaired');
      if (row.origin === 'remote') {
        throw new AppError('CREDIT_REMOTE_RECORD', `this record was issued by ${row.issuingRegionName} (${row.issuingRegionCode}) on another platform: apply there; its decision reaches this platform through the credit feed`, { extra: { issuingRegion: row.issuingRegionCode } });
      }
      const status = this.status(row, now);
      if (status !== 'active' && status !== 'pending') throw new AppError('CREDIT_RECORD_NOT_ACTIVE', `the record is ${status}`);
      if (input.kind === 'repair') {
        const months = await this.rule('credit.repair_min_months', row.issuingRegionCode);
        const from = addMonths(row.startsAt, months);
        if (now < from) {
          throw new AppError('CREDIT_REPAIR_TOO_EARLY', `a repair may be applied for after the minimum publicity period of ${months} months, from ${from.toISOString()}`, {
            extra: { rule: 'credit.repair_min_months', value: months, from: from.toISOString() },
          });
        }
      }
      if (await this.models.CreditRepair.findOne({ where: { recordId, status: 'pending' }, transaction: t })) {
        throw new AppError('CREDIT_REPAIR_PENDING', 'an application for this record is already waiting for a decision');
      }
      const repair = await this.models.CreditRepair.create(
        { recordId, kind: input.kind, applicantUserId: actor.userId, applicantOrganisationId: actor.organisationId, reason: input.reason, evidence: input.evidence, status: 'pending', appliedAt: now, decidedAt: null, decidedBy: null, decision: null },
        { transaction: t },
      );
      await this.audit.append(t, { actor, action: input.kind === 'repair' ? 'credit.repair_applied' : 'credit.objection_filed', subject: `credit:${row.uid}`, payload: { application: repair.id } });
      return repair.id;
    });
    return this.repairView(id);
  }

  async decideRepair(actor: Actor, repairId: number, input: { grant: boolean; reason: string }): Promise<RepairView> {
    await this.signer();
    await this.db.transaction(async (t) => {
      const repair = await this.models.CreditRepair.findByPk(repairId, lockFor(t));
      if (!repair) throw new AppError('NOT_FOUND', `no application ${repairId}`);
      const row = (await this.models.CreditRecord.findByPk(repair.recordId, lockFor(t)))!;
      this.assertSupervises(actor, row.issuingRegionCode);
      if (repair.status !== 'pending') throw new AppError('CONFLICT', `the application was already ${repair.status}`);
      const now = this.clock.now();
      await repair.update({ status: input.grant ? 'granted' : 'refused', decidedAt: now, decidedBy: actor.userId, decision: input.reason }, { transaction: t });
      await this.audit.append(t, { actor, action: 'credit.application_decided', subject: `credit:${row.uid}`, payload: { application: repair.id, kind: repair.kind, grant: input.grant, reason: input.reason } });
      if (input.grant) {
        const status = this.status(row, now);
        if (status === 'active' || status === 'pending') await this.lift(t, actor, row, repair.kind === 'repair' ? 'repaired' : 'revoked', input.reason);
      }
    });
    return this.repairView(repairId);
  }

  /** Supervisors: applications about records issued in their jurisdiction; others: their own. */
  async repairs(actor: Actor, status?: 'pending' | 'granted' | 'refused'): Promise<RepairView[]> {
    const rows = await this.models.CreditRepair.findAll({ where: status ? { status } : {}, order: [['appliedAt', 'DESC'], ['id', 'DESC']], limit: 500 });
    const out: RepairView[] = [];
    for (const r of rows) {
      const record = (await this.models.CreditRecord.findByPk(r.recordId))!;
      const mine = r.applicantUserId === actor.userId || (actor.organisationId !== null && r.applicantOrganisationId === actor.organisationId);
      const supervises = actor.role === 'admin' || (actor.role === 'supervisor' && this.identity.regions.covers(actor.regionCode, record.issuingRegionCode));
      if (mine || supervises) out.push(await this.repairView(r.id));
    }
    return out;
  }

  private async repairView(id: number): Promise<RepairView> {
    const r = (await this.models.CreditRepair.findByPk(id))!;
    const record = (await this.models.CreditRecord.findByPk(r.recordId))!;
    const user = await this.identity.models.User.findByPk(r.applicantUserId);
    const org = r.applicantOrganisationId ? await this.identity.models.Organisation.findByPk(r.applicantOrganisationId) : null;
    const decider = r.decidedBy ? await this.identity.models.User.findByPk(r.decidedBy) : null;
    return {
      id: r.id,
      recordId: r.recordId,
      recordUid: record.uid,
      kind: r.kind,
      applicant: { userId: r.applicantUserId, name: user?.displayName ?? String(r.applicantUserId), organisation: org?.name ?? null },
      reason: r.reason,
      evidence: r.evidence,
      status: r.status,
      appliedAt: r.appliedAt.toISOString(),
      decidedAt: r.decidedAt?.toISOString() ?? null,
      decidedBy: decider?.displayName ?? null,
      decision: r.decision,
    };
  }

  // ── expiry ───────────────────────────────────────────────────────────────────────────────────

  /**
   * Records reaching their end time: restrictions stop counting at endsAt by themselves (the gate
   * compares times), and the scheduler notes the end in the audit chain once — after a restart it
   * notes whatever ended while the server was down.
   */
  dueSources(): DueSource[] {
    const { CreditRecord } = this.models;
    const open = { liftedAt: null, expiredNotedAt: null };
    return [
      {
        due: async (at) => (await CreditRecord.findAll({ where: { ...open, endsAt: { [Op.lte]: at } }, order: [['endsAt', 'ASC']], limit: 100 })).map((r) => ({ id: r.id, name: 'credit.expire' })),
        next: async (after) => (await CreditRecord.findOne({ where: { ...open, endsAt: { [Op.gt]: after } }, order: [['endsAt', 'ASC']] }))?.endsAt ?? null,
        fire: async (id) => this.noteExpiry(id),
      },
    ];
  }

  private async noteExpiry(id: number): Promise<void> {
    await this.db.transaction(async (t) => {
      const row = await this.models.CreditRecord.findByPk(id, lockFor(t));
      if (!row || row.expiredNotedAt || row.liftedAt || row.endsAt > this.clock.now()) return;
      await row.update({ expiredNotedAt: this.clock.now() }, { transaction: t });
      await this.audit.append(t, { actor: { kind: 'system', name: 'credit' }, action: 'credit.expired', subject: `credit:${row.uid}`, payload: { subject: row.subjectId, endsAt: row.endsAt.toISOString() } });
    });
  }

  // ── the expert pool ──────────────────────────────────────────────────────────────────────────

  /**
   * Of these ID numbers, those under a bidding restriction (scope bidding / all) at `at` as this
   * deployment knew it then (records received later and lifts granted later change nothing).
   */
  async personsRestrictedAt(idNumbers: string[], at: Date): Promise<Map<string, PersonRestriction>> {
    const found = await this.gate.restrictionsKnownAt([...new Set(idNumbers)], 'bid', at);
    const out = new Map<string, PersonRestriction>();
    for (const r of found) if (!out.has(r.subject)) out.set(r.subject, personRestriction(r));
    return out;
  }

  /** Experts (by user id) a restriction excludes from the pool at `at`, with the restriction's region and basis. */
  async restrictedExperts(at: Date): Promise<Map<number, PersonRestriction>> {
    const profiles = await this.identity.models.ExpertProfile.findAll();
    const ids = profiles.flatMap((p) => (p.idNumber ? [p.idNumber] : []));
    const found = await this.gate.restrictionsOf(ids, 'expert', at);
    const out = new Map<number, PersonRestriction>();
    for (const p of profiles) {
      const hit = found.find((r) => r.subject === p.idNumber);
      if (hit) out.set(p.userId, personRestriction(hit));
    }
    return out;
  }
}

/** A restriction on a person (by ID number): a bid's project manager barred from bidding, an expert barred from the pool. */
export interface PersonRestriction {
  issuingRegion: string;
  issuingRegionName: string;
  basis: string;
  until: string | null;
}

const personRestriction = (r: ActiveRestriction): PersonRestriction => ({ issuingRegion: r.issuingRegionCode, issuingRegionName: r.issuingRegionName, basis: r.basis, until: r.endsAt?.toISOString() ?? null });

function parsePersons(json: string): { name: string; idNumber: string | null; role: string }[] {
  try {
    const parsed = JSON.parse(json) as { name: string; idNumber: string | null; role: string }[];
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}

export function feedRecord(row: CreditRecordRow): FeedRecord {
  return {
    uid: row.uid,
    kind: row.kind,
    subject: { kind: row.subjectKind, id: row.subjectId, name: row.subjectName },
    role: row.role,
    persons: parsePersons(row.persons),
    act: row.act,
    basis: row.basis,
    decisionNo: row.decisionNo,
    authority: row.authority,
    issuingRegion: { code: row.issuingRegionCode, name: row.issuingRegionName },
    severity: row.severity,
    scope: row.scope,
    points: row.points,
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt.toISOString(),
    recordedAt: row.recordedAt.toISOString(),
    liftedAt: row.liftedAt?.toISOString() ?? null,
    liftReason: row.liftReason,
  };
}
