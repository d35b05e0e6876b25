import type { Db } from '../../db/index.js';
import type { AuditLog } from '../../kernel/audit/service.js';
import type { Clock } from '../../kernel/clock.js';
import type { DueSource } from '../../kernel/lifecycle/scheduler.js';
import type { BlobStore } from '../../kernel/storage.js';
import type { BidService } from '../bids/service.js';
import type { IdentityService } from '../identity/service.js';
import type { OpeningService } from '../opening/service.js';
import type { AwardService } from '../award/service.js';
import type { RecheckService } from '../recheck/service.js';
import type { TradeService } from '../trades/service.js';
import type { CalendarService } from '../../kernel/calendar/index.js';

/**
 * Objections and challenges (异议 / 质疑) to the tenderee or agent, complaints (投诉) to the
 * supervisor: statutory windows, reply deadlines, suspension of the trade.
 * SKELETON: filled in by the complaints work.
 */
export class ComplaintService {
  constructor(
    readonly db: Db,
    readonly audit: AuditLog,
    readonly clock: Clock,
    readonly identity: IdentityService,
    readonly calendar: CalendarService,
    readonly trades: TradeService,
    readonly bids: BidService,
    readonly opening: OpeningService,
    readonly recheck: RecheckService,
    readonly award: AwardService,
    readonly blobs: BlobStore,
  ) {}

  dueSources(): DueSource[] {
    return [];
  }
}
