import { INVITATION_METHODS, METHODS_BY_KIND, TRADE_METHODS, TRADE_STATES, type TradeMethod } from '../../../contracts/trades.js';
import { civilDateOf } from '../../kernel/calendar/index.js';
import { AppError } from '../../kernel/errors.js';
import type { GuardSpec, MethodTable, TransitionSpec } from '../../kernel/lifecycle/engine.js';
import { noticeOf, type TradeRow } from './models.js';
import type { OpeningKeyMaterial, TradeService } from './service.js';

/**
 * The tender-like methods as declared tables (architecture.md "Lifecycle engine"). Every method shares
 * draft → bidding → opening, with cancel from draft or bidding; they differ in their publication
 * guards (invitations, the minimum period of each method comes from the rules table by kind and
 * method). Later issues extend the shared path (opening → evaluation → recheck → award).
 */
export interface TradeContext {
  service: TradeService;
}

type Guard = GuardSpec<TradeRow, TradeContext>;

const methodAllowed: Guard = {
  name: 'method.allowed_for_kind',
  async check(trade) {
    if (!METHODS_BY_KIND[trade.kind].includes(trade.method)) {
      throw new AppError('METHOD_NOT_ALLOWED', `${trade.kind} trades may use ${METHODS_BY_KIND[trade.kind].join(', ')}`);
    }
  },
};

const inviteesNamed: Guard = {
  name: 'invitees.required',
  async check(trade) {
    const invitees = noticeOf(trade).invitees ?? [];
    if (trade.method === 'single_source' ? invitees.length !== 1 : invitees.length < 1) {
      throw new AppError('INVITEES_REQUIRED', trade.method === 'single_source' ? 'single source names exactly one supplier' : 'an invited tender names the organisations invited');
    }
  },
};

const tenderDocuments: Guard = {
  name: 'documents.present',
  async check(trade, { service }) {
    if (!(await service.hasTenderDocuments(trade.id))) throw new AppError('DOCUMENTS_REQUIRED', 'upload the tender documents (kind tender_documents) before publishing');
  },
};

/** deadline.min_period.*: documents issued (now) → bid deadline, in the rule's unit, on the region's calendar. */
const deadlinePeriod: Guard = {
  name: 'deadline.min_period',
  async check(trade, { service }) {
    const limit = await service.periodLimit('deadline.min_period', trade, service.now());
    if (limit && civilDateOf(trade.bidDeadline) < limit.earliest) {
      throw new AppError('DEADLINE_TOO_EARLY', `${limit.rule.row.title.zh}: ${limit.rule.value} ${limit.rule.row.unit}; the deadline may be on ${limit.earliest} at the earliest`, {
        extra: { rule: limit.rule.row.id, value: limit.rule.value, unit: limit.rule.row.unit, earliest: limit.earliest, source: limit.rule.row.source },
      });
    }
  },
};

/** documents.min_period.*: documents stay available from publication for at least the period. */
const documentsPeriod: Guard = {
  name: 'documents.min_period',
  async check(trade, { service }) {
    const limit = await service.periodLimit('documents.min_period', trade, service.now());
    if (limit && civilDateOf(trade.documentsUntil) < limit.earliest) {
      throw new AppError('DOCUMENT_PERIOD_TOO_SHORT', `${limit.rule.row.title.zh}: ${limit.rule.value} ${limit.rule.row.unit}; documents must stay available until ${limit.earliest} at least`, {
        extra: { rule: limit.rule.row.id, value: limit.rule.value, unit: limit.rule.row.unit, earliest: limit.earliest, source: limit.rule.row.source },
      });
    }
  },
};

const bidSecurityCap: Guard = {
  name: 'bid_security.cap',
  async check(trade, { service }) {
    const rule = await service.rules.forTrade('bid_security.cap', trade);
    if (!rule) return;
    const notice = noticeOf(trade);
    // integer arithmetic: security × 100 ≤ amount × percent
    if (notice.bidSecurityFen * 100 > notice.amountFen * rule.value) {
      throw new AppError('BID_SECURITY_TOO_HIGH', `bid security may be at most ${rule.value}% of ${notice.amountFen} fen`, {
        extra: { rule: rule.row.id, value: rule.value, unit: rule.row.unit, maxFen: Math.floor((notice.amountFen * rule.value) / 100), source: rule.row.source },
      });
    }
  },
};

const openingAtDeadline: Guard = {
  name: 'opening.at_deadline',
  async check(trade, { service }) {
    const rule = await service.rules.forTrade('opening.at_deadline', trade);
    if (rule?.value === 1 && trade.openingAt.getTime() !== trade.bidDeadline.getTime()) {
      throw new AppError('OPENING_TIME_MISMATCH', 'the opening time must be the bid deadline', { extra: { rule: rule.row.id, source: rule.row.source } });
    }
  },
};

/** Enough named officials hold a valid encryption certificate for k-of-n (k ≥ the rule's minimum). */
const officialsReady: Guard = {
  name: 'opening.officials_threshold',
  async check(trade, { service }) {
    await service.officialHolders(trade);
  },
};

const publish = (method: TradeMethod): TransitionSpec<TradeRow, TradeContext, OpeningKeyMaterial> => ({
  name: 'publish',
  from: ['draft'],
  to: 'bidding',
  by: ['center_staff', 'agent', 'admin'],
  guards: [
    methodAllowed,
    ...(INVITATION_METHODS.includes(method) ? [inviteesNamed] : []),
    tenderDocuments,
    deadlinePeriod,
    documentsPeriod,
    bidSecurityCap,
    openingAtDeadline,
    officialsReady,
  ],
  // RSA-3072 generation and k sealings happen before the transaction holds any lock.
  prepare: (trade, { service }) => service.makeOpeningKey(trade),
  effects: [
    { name: 'opening_key.store_shares', apply: (trade, { service }, t, material) => service.storeOpeningKey(t, trade, material) },
    { name: 'documents.publish', apply: (trade, { service }, t) => service.publishDocuments(t, trade) },
  ],
  after: async (_trade, { service }) => service.scheduler?.poke(),
});

const closeBidding: TransitionSpec<TradeRow, TradeContext> = {
  name: 'close_bidding',
  from: ['bidding'],
  to: 'opening',
  by: 'clock',
  dueAt: (trade) => trade.bidDeadline,
  guards: [],
  effects: [],
};

const cancel: TransitionSpec<TradeRow, TradeContext> = {
  name: 'cancel',
  from: ['draft', 'bidding'],
  to: 'cancelled',
  by: ['center_staff', 'admin'],
  guards: [],
  effects: [{ name: 'participants.notify', apply: (trade, { service }, t) => service.notifyParticipants(t, trade, 'trade.cancelled') }],
  after: async (trade, { service }) => service.flushNotifications(trade.id),
};

/** The opening module fires these when the opening record is published: 开标 done, or 流标 (too few valid bids). */
const recordOpening: TransitionSpec<TradeRow, TradeContext> = { name: 'record_opening', from: ['opening'], to: 'opened', by: 'system', guards: [], effects: [] };
const failOpening: TransitionSpec<TradeRow, TradeContext> = { name: 'fail', from: ['opening'], to: 'failed', by: 'system', guards: [], effects: [] };

// ── after the opening: evaluation → (recheck) → publicity → award → contract ──────────────────

const STAFF = ['center_staff', 'agent', 'admin'] as const;

/** The evaluation module fires it when every member has signed (or refused with reasons) the report. */
const concludeEvaluation: TransitionSpec<TradeRow, TradeContext> = { name: 'conclude_evaluation', from: ['opened'], to: 'evaluated', by: 'system', guards: [], effects: [] };
/** A recheck that orders re-evaluation by a new committee (or a complaint decision) sends the trade back to the opened record. */
const reevaluate: TransitionSpec<TradeRow, TradeContext> = { name: 'reevaluate', from: ['evaluated', 'publicity'], to: 'opened', by: 'system', guards: [], effects: [] };
/** Candidate publicity (中标候选人公示 / 结果公告); the award module writes the publicity with its dates. Held while a recheck is open. */
const startPublicity: TransitionSpec<TradeRow, TradeContext> = { name: 'start_publicity', from: ['evaluated'], to: 'publicity', by: STAFF, guards: [], effects: [], route: 'POST /api/trades/:id/publicity' };
/** A recheck that corrected the ranking during publicity withdraws it; publicity starts again with the corrected candidates. */
const withdrawPublicity: TransitionSpec<TradeRow, TradeContext> = { name: 'withdraw_publicity', from: ['publicity'], to: 'evaluated', by: 'system', guards: [], effects: [] };
/** The award (定标): publicity ended, objections answered, no recheck open; the award module issues the notices. */
const award: TransitionSpec<TradeRow, TradeContext> = { name: 'award', from: ['publicity'], to: 'awarded', by: STAFF, guards: [], effects: [], route: 'POST /api/trades/:id/award' };
/** The contract record (合同备案): signing date, amount, parties, the document's hash. */
const recordContract: TransitionSpec<TradeRow, TradeContext> = { name: 'record_contract', from: ['awarded'], to: 'contracted', by: STAFF, guards: [], effects: [], route: 'POST /api/trades/:id/contract' };
/** No candidate is left to take the award (all declined or disqualified): the trade fails and may be tendered again. */
const failAward: TransitionSpec<TradeRow, TradeContext> = { name: 'fail_award', from: ['evaluated', 'publicity', 'awarded'], to: 'failed', by: 'system', guards: [], effects: [] };

/** Transitions a recheck holds (publicity and award wait for it to close). */
export const HELD_BY_RECHECK = ['start_publicity', 'award', 'record_contract'] as const;

export const METHOD_TABLES: MethodTable<TradeRow, TradeContext>[] = TRADE_METHODS.map((method) => ({
  method,
  states: TRADE_STATES,
  initial: 'draft',
  transitions: [publish(method), closeBidding, cancel, recordOpening, failOpening, concludeEvaluation, reevaluate, startPublicity, withdrawPublicity, award, recordContract, failAward],
}));
