/** Display helpers of objections (异议 / 质疑) and complaints (投诉). */
import type { ComplaintSubject, ObjectionLabel } from '../../../contracts/complaints.js';
import type { TradeKind, TradeState } from '../../../contracts/trades.js';
import type { Translate } from '../i18n.js';

/** 质疑 for government procurement, 异议 for the tender-law kinds (the server labels each record the same way). */
export function objectionLabelOf(kind: TradeKind): ObjectionLabel {
  return kind === 'procurement' ? 'challenge' : 'objection';
}

export const labelName = (t: Translate, label: ObjectionLabel) => t(`objection.label.${label}`);
export const subjectName = (t: Translate, subject: ComplaintSubject) => t(`complaint.subject.${subject}`);

/** What a bidder most likely challenges at this point of the trade (the form's default). */
export function defaultSubject(state: TradeState): ComplaintSubject {
  if (state === 'bidding' || state === 'draft') return 'documents';
  if (state === 'opening' || state === 'opened') return 'opening';
  if (state === 'evaluated' || state === 'publicity') return 'candidates';
  if (state === 'awarded' || state === 'contracted') return 'award';
  return 'process';
}

/** Procedural steps a `process` objection may name (transition names of the trade's history). */
export const STEPS = ['publish', 'close_bidding', 'record_opening', 'conclude_evaluation', 'start_publicity', 'award', 'record_contract'] as const;
