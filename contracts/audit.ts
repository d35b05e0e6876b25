import { z } from 'zod';

export const AuditEventView = z.object({
  seq: z.number().int(),
  at: z.string(),
  actor: z.string().nullable(),
  action: z.string(),
  subject: z.string().nullable(),
  payload: z.unknown(),
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEventView = z.infer<typeof AuditEventView>;

/** Result of checking the whole chain. `firstBrokenSeq` is null when every link holds. */
export const AuditVerification = z.object({
  ok: z.boolean(),
  checked: z.number().int(),
  headSeq: z.number().int(),
  headHash: z.string(),
  firstBrokenSeq: z.number().int().nullable(),
  reason: z.string().nullable(),
  /** Platform-signed checkpoints of the head that were checked against the chain. */
  checkpoints: z.number().int(),
  verifiedAt: z.string(),
});
export type AuditVerification = z.infer<typeof AuditVerification>;

export const AuditEventsQuery = z.strictObject({
  after: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});
