import type { RuleId } from '../../server/kernel/rules/table.js';
import type { TestApp } from '../helpers/app.js';

/** The rules-table rows of the recheck module, one case each (test/trades/rules.test.ts runs them). */
export type RecheckRuleId = Extract<RuleId, `recheck.${string}`>;

export function recheckRuleCases(app: () => TestApp): Record<RecheckRuleId, () => Promise<void>> {
  void app;
  const pending = async () => {
    throw new Error('case not written yet');
  };
  return {
    'recheck.independent_panel': pending,
    'recheck.panel_size': pending,
    'recheck.score_deviation_share': pending,
    'recheck.grounds.procurement': pending,
  };
}
