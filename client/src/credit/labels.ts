/** Display helpers of the credit module: CREDIT_LABELS (zod-free, from contracts) in the page's language. */
import { CREDIT_LABELS } from '../../../contracts/credit-names.js';
import type { Locale } from '../i18n.js';
import { TRADE_TIME_ZONE } from '../format.js';

type Labels = typeof CREDIT_LABELS;
export type LabelGroup = keyof Labels;

/** The zh or en label of a credit value (kind, role, severity, scope, status, repairKind, repairStatus). */
export function creditLabel<G extends LabelGroup>(group: G, value: keyof Labels[G], locale: Locale): string {
  const entry = CREDIT_LABELS[group][value] as { zh: string; en: string } | undefined;
  if (!entry) return String(value);
  return locale === 'zh-CN' ? entry.zh : entry.en;
}

/** An instant as a Beijing-time date, e.g. 2027-05-25 (periods are shown by day; the title carries the time). */
export function shanghaiDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat('en-CA', { timeZone: TRADE_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(date);
}
