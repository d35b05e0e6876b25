import type { UserView } from '../../../contracts/index.js';
import { useLoaded } from '../components/async.js';
import { shanghaiTime } from '../format.js';
import { useI18n } from '../LocaleContext.js';
import { viewHref } from '../route.js';
import * as creditApi from './creditApi.js';

/**
 * On a trade page, tells a bidder before they act that a credit penalty in force bars their
 * organisation from bidding (from any region, or from another platform's feed): who issued it, on
 * what basis and until when. The server's gate stays the authority; this only saves a wasted try.
 */
export function CreditNotice({ user }: { user: UserView }) {
  const { t, locale } = useI18n();
  const uscc = user.organisation?.uscc ?? null;
  const records = useLoaded((signal) => (uscc ? creditApi.publicList({ q: uscc }, signal) : Promise.resolve([])), [uscc]);
  const barring = (records.data ?? []).filter((r) => r.subject.id === uscc && r.status === 'active' && (r.scope === 'bidding' || r.scope === 'all'));
  if (barring.length === 0) return null;
  return (
    <div className="form-error refusal" role="alert" data-testid="credit-notice">
      <p>{t('credit.notice.title')}</p>
      <ul>
        {barring.map((r) => (
          <li key={r.uid}>
            {t('credit.notice.item', { region: `${r.issuingRegion.name}（${r.issuingRegion.code}）`, basis: `${r.basis}（${r.decisionNo}）`, until: shanghaiTime(r.endsAt, locale) })}
          </li>
        ))}
      </ul>
      <a href={viewHref({ name: 'creditMine' })}>{t('credit.notice.mine')}</a>
    </div>
  );
}
