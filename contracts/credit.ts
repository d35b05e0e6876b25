import { z } from 'zod';
import { DivisionCode, Id, Uscc } from './values.js';
import {
  CREDIT_KINDS, CREDIT_ROLES, CREDIT_SEVERITIES, CREDIT_SCOPES, REPAIR_KINDS, isIdNumber, normaliseIdNumber,
} from './credit-names.js';

export * from './credit-names.js';

/**
 * The credit module (信用): bad-behaviour records (不良行为记录) and commendations recorded by a
 * region's supervisor, the restrictions they impose (barred from bidding / excluded from the expert
 * pool, everywhere Tenderhall runs), a credit score per organisation with its history, repair
 * (信用修复) and objection applications decided by the issuing region, the public credit list, and
 * the signed federation feed other deployments pull (`GET /api/credit/feed?after=SEQ`).
 */

const Instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s).toISOString());
const Text = (max: number) => z.string().trim().min(1).max(max);

/** 居民身份证号码 (GB 11643-1999): 17 digits and a check character (0-9 or X). */
export const IdNumber = z
  .string()
  .transform(normaliseIdNumber)
  .refine(isIdNumber, { message: 'must be an 18-character resident ID number with a valid check character (GB 11643)', params: { code: 'ID_NUMBER_INVALID' } });

export const CreditSubject = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('organisation'), uscc: Uscc, name: Text(200) }),
  z.strictObject({ kind: z.literal('person'), idNumber: IdNumber, name: Text(100) }),
]);
export type CreditSubject = z.infer<typeof CreditSubject>;

/** Named persons in an organisation's record (e.g. its project manager): restricted by the same scope when an ID number is given. */
export const CreditPerson = z.strictObject({ name: Text(100), idNumber: IdNumber.optional(), role: Text(50) });

export const RecordCreditRequest = z
  .strictObject({
    kind: z.enum(CREDIT_KINDS),
    subject: CreditSubject,
    /** What the subject was acting as. */
    role: z.enum(CREDIT_ROLES),
    persons: z.array(CreditPerson).max(20).optional(),
    /** The act (违法违规行为 / 表彰事由). */
    act: Text(2000),
    /** Legal basis, e.g. 招标投标法 第五十三条. */
    basis: Text(500),
    decisionNo: Text(100),
    /** The issuing authority, e.g. 瑞金市发展和改革委员会. */
    authority: Text(200),
    /** The region issuing it: the supervisor's own or one inside their jurisdiction. */
    issuingRegionCode: DivisionCode,
    severity: z.enum(CREDIT_SEVERITIES).optional(),
    /** What the record restricts: nothing (score only), bidding everywhere, the expert pool, or both. */
    scope: z.enum(CREDIT_SCOPES),
    /** Points: deducted by a penalty (default by severity, rules `credit.score.deduct.*`), added by a commendation. */
    points: z.number().int().min(0).max(100).optional(),
    startsAt: Instant.optional(),
    endsAt: Instant,
  })
  .superRefine((r, ctx) => {
    if (r.kind === 'penalty' && !r.severity) ctx.addIssue({ code: 'custom', path: ['severity'], message: 'a penalty needs a severity', params: { code: 'VALIDATION_FAILED' } });
    if (r.kind === 'commendation' && r.scope !== 'none') ctx.addIssue({ code: 'custom', path: ['scope'], message: 'a commendation restricts nothing', params: { code: 'VALIDATION_FAILED' } });
    if (r.kind === 'commendation' && !r.points) ctx.addIssue({ code: 'custom', path: ['points'], message: 'a commendation gives points', params: { code: 'VALIDATION_FAILED' } });
  });
export type RecordCreditRequest = z.infer<typeof RecordCreditRequest>;

export const CreditListQuery = z.strictObject({
  /** USCC, ID number or part of the name. */
  q: z.string().trim().max(100).optional(),
  region: z.string().regex(/^[0-9]{6}$/).optional(),
  kind: z.enum(CREDIT_KINDS).optional(),
  /** active (default for the public list) or all. */
  status: z.enum(['active', 'all']).optional(),
});

export const RevokeCreditRequest = z.strictObject({ reason: Text(1000) });

export const RepairRequest = z.strictObject({
  kind: z.enum(REPAIR_KINDS),
  /** Why the record should be lifted early (repair) or was wrong (objection). */
  reason: Text(2000),
  /** What was done to correct it: fines paid, rectification, commitments (信用承诺). */
  evidence: Text(4000),
});
export const RepairDecisionRequest = z.strictObject({ grant: z.boolean(), reason: Text(1000) });
export const RepairParams = z.strictObject({ id: Id });
export const UsccParams = z.strictObject({ uscc: Uscc });

export const FeedQuery = z.strictObject({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});

export const PeerParams = z.strictObject({ code: DivisionCode });
