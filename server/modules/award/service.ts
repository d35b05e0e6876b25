import type { Db } from '../../db/index.js';
import type { AuditLog } from '../../kernel/audit/service.js';
import type { Clock } from '../../kernel/clock.js';
import type { DueSource } from '../../kernel/lifecycle/scheduler.js';
import type { Logger } from '../../kernel/logger.js';
import type { BlobStore } from '../../kernel/storage.js';
import type { BidService } from '../bids/service.js';
import type { CertificateService } from '../certificates/service.js';
import type { CreditGate } from '../credit/gate.js';
import type { EvaluationService } from '../evaluation/service.js';
import type { IdentityService } from '../identity/service.js';
import type { TradeService } from '../trades/service.js';

/**
 * Candidate publicity, the award and its notices, the contract record.
 * SKELETON: filled in by the award work; the signatures below are what other modules call.
 */
export class AwardService {
  constructor(
    readonly db: Db,
    readonly audit: AuditLog,
    readonly clock: Clock,
    readonly identity: IdentityService,
    readonly certificates: CertificateService,
    readonly trades: TradeService,
    readonly bids: BidService,
    readonly evaluation: EvaluationService,
    readonly credit: CreditGate,
    readonly blobs: BlobStore,
    readonly config: { cjkFontPath: string | undefined },
    readonly logger: Logger,
  ) {}

  /** The trade's current publicity (its window is the window for objections to the result), or null. */
  async currentPublicity(_tradeId: number): Promise<{ id: number; startsAt: Date; endsAt: Date } | null> {
    return null;
  }

  dueSources(): DueSource[] {
    return [];
  }
}
