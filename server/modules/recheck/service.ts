import type { Db } from '../../db/index.js';
import type { Actor, SystemActor } from '../../kernel/actor.js';
import type { AuditLog } from '../../kernel/audit/service.js';
import type { Clock } from '../../kernel/clock.js';
import type { DueSource } from '../../kernel/lifecycle/scheduler.js';
import type { CertificateService } from '../certificates/service.js';
import type { EvaluationService } from '../evaluation/service.js';
import type { ExpertService } from '../experts/service.js';
import type { IdentityService } from '../identity/service.js';
import type { OpeningService } from '../opening/service.js';
import type { TradeService } from '../trades/service.js';

/** How a recheck was opened (the three ways). */
export type RecheckTrigger = 'request' | 'objection' | 'automatic';

/**
 * The recheck of an evaluation (评标复核 by the original committee / 复审 by an independent panel).
 * SKELETON: filled in by the recheck work; the signatures below are what other modules call.
 */
export class RecheckService {
  constructor(
    readonly db: Db,
    readonly audit: AuditLog,
    readonly clock: Clock,
    readonly identity: IdentityService,
    readonly certificates: CertificateService,
    readonly trades: TradeService,
    readonly opening: OpeningService,
    readonly experts: ExpertService,
    readonly evaluation: EvaluationService,
    readonly config: { cjkFontPath: string | undefined },
  ) {}

  /** Opens a recheck of the trade's signed evaluation (the complaints module calls it for an upheld objection). Answers its id. */
  async open(_actor: Actor | SystemActor, _tradeId: number, _input: { trigger: RecheckTrigger; grounds: string[]; note: string; objectionId?: number }): Promise<{ id: number }> {
    throw new Error('recheck: not built yet');
  }

  /** Is a recheck of this trade open? (The hold on publicity and award reads it.) */
  async isOpen(_tradeId: number): Promise<boolean> {
    return false;
  }

  dueSources(): DueSource[] {
    return [];
  }
}
