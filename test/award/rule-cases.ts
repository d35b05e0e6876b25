import type { RuleId } from '../../server/kernel/rules/table.js';
import type { TestApp } from '../helpers/app.js';

/** The rules-table rows of the award module, one case each (test/trades/rules.test.ts runs them). */
export type AwardRuleId = Extract<RuleId, `award.${string}`>;

export function awardRuleCases(app: () => TestApp): Record<AwardRuleId, () => Promise<void>> {
  void app;
  const pending = async () => {
    throw new Error('case not written yet');
  };
  return {
    'award.publicity_start.construction': pending,
    'award.publicity_start.procurement': pending,
    'award.publicity_start.rights': pending,
    'award.publicity_period.construction': pending,
    'award.publicity_period.procurement': pending,
    'award.publicity_period.rights': pending,
    'award.notice_within': pending,
    'award.contract_within': pending,
    'award.contract_warning': pending,
    'award.pass_to_next_candidate': pending,
  };
}
