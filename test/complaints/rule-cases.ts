import type { RuleId } from '../../server/kernel/rules/table.js';
import type { TestApp } from '../helpers/app.js';

/** The rules-table rows of the complaints module, one case each (test/trades/rules.test.ts runs them). */
export type ComplaintsRuleId = Extract<RuleId, `complaints.${string}`>;

export function complaintsRuleCases(app: () => TestApp): Record<ComplaintsRuleId, () => Promise<void>> {
  void app;
  const pending = async () => {
    throw new Error('case not written yet');
  };
  return {
    'complaints.objection_documents_lead.construction': pending,
    'complaints.objection_reply.construction': pending,
    'complaints.objection_candidates': pending,
    'complaints.challenge_window.procurement': pending,
    'complaints.challenge_reply.procurement': pending,
    'complaints.complaint_window.construction': pending,
    'complaints.complaint_window.procurement': pending,
    'complaints.acceptance.construction': pending,
    'complaints.acceptance.procurement': pending,
    'complaints.decision': pending,
    'complaints.suspension_max.procurement': pending,
  };
}
