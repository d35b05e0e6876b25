/**
 * A refused action, shown clearly: the translated message, the machine-readable code (PUBLICITY_RUNNING,
 * RECHECK_OPEN, OBJECTION_PENDING, TRADE_SUSPENDED…), the server's detail and the facts it sends
 * along (the publicity's end, the open recheck, the pending objection and its reply deadline, the
 * complaint and its decision deadline, the rule and its legal source…).
 */
import { isApiError } from '../api.js';
import { errorMessage } from '../errors.js';
import { shanghaiTime } from '../format.js';
import { useI18n } from '../LocaleContext.js';
import { viewHref } from '../route.js';

export function RefusalBox({ error, testId }: { error: unknown; testId: string }) {
  const { t, locale } = useI18n();
  const message = errorMessage(t, error);
  const code = isApiError(error) ? error.code : 'CLIENT';
  const p = isApiError(error) ? error.problem : null;
  const facts: React.ReactNode[] = [];
  const str = (k: string) => (p && typeof p[k] === 'string' ? (p[k] as string) : null);
  const num = (k: string) => (p && typeof p[k] === 'number' ? (p[k] as number) : null);
  if (str('endsAt')) facts.push(t('refusal.endsAt', { at: shanghaiTime(str('endsAt')!, locale) }));
  if (num('recheckId') !== null)
    facts.push(
      <a key="recheck" href={viewHref({ name: 'recheck', id: num('recheckId')! })} data-testid={`${testId}-recheck`}>
        {t('refusal.recheck', { id: num('recheckId')! })}
      </a>,
    );
  if (num('objection') !== null) facts.push(t('refusal.objection', { id: num('objection')! }));
  if (str('replyDueAt')) facts.push(t('refusal.replyDueAt', { at: shanghaiTime(str('replyDueAt')!, locale) }));
  if (num('complaint') !== null) facts.push(t('refusal.complaint', { id: num('complaint')! }));
  if (str('decisionDueAt')) facts.push(t('refusal.decisionDueAt', { at: shanghaiTime(str('decisionDueAt')!, locale) }));
  if (str('suspendedUntil')) facts.push(t('refusal.suspendedUntil', { at: shanghaiTime(str('suspendedUntil')!, locale) }));
  if (str('windowEndsAt')) facts.push(t('refusal.windowEndsAt', { at: shanghaiTime(str('windowEndsAt')!, locale) }));
  if (str('earliest')) facts.push(t('rule.earliest', { date: str('earliest')! }));
  if (str('latest')) facts.push(t('refusal.latest', { date: str('latest')! }));
  if (p && Array.isArray(p.allowed)) facts.push(t('refusal.allowed', { list: (p.allowed as unknown[]).join(', ') }));
  if (str('rule')) facts.push(t('rule.id', { rule: str('rule')! }));
  if (str('source')) facts.push(t('rule.source', { source: str('source')! }));
  return (
    <div className="form-error refusal" role="alert" data-testid={testId} data-code={code}>
      <p>
        <strong>{message}</strong> <code className="refusal__code">{code}</code>
      </p>
      {p?.detail && <p className="refusal__detail">{p.detail}</p>}
      {facts.length > 0 && (
        <ul className="refusal__facts">
          {facts.map((f, i) => (
            <li key={i}>{f}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
