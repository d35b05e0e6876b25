import { KIND_LABELS, METHOD_LABELS, type TradeKind, type TradeMethod } from '../../../contracts/trade-names.js';
import type { Locale, MessageKey, Translate } from '../i18n.js';

export function kindLabel(kind: TradeKind, locale: Locale): string {
  return locale === 'en' ? KIND_LABELS[kind].en : KIND_LABELS[kind].zh;
}

/** The notice's own name for the kind (招标公告, 出让公告…); in English, "Notice". */
export function noticeLabel(kind: TradeKind, locale: Locale): string {
  return locale === 'en' ? 'Notice' : KIND_LABELS[kind].notice;
}

export function methodLabel(method: TradeMethod, locale: Locale): string {
  return locale === 'en' ? METHOD_LABELS[method].en : METHOD_LABELS[method].zh;
}

/** 日 / 工作日 (and the other rule units). */
export function unitLabel(t: Translate, unit: string): string {
  const key = `unit.${unit}` as MessageKey;
  return ['day', 'workingDay', 'percent', 'count', 'boolean'].includes(unit) ? t(key) : unit;
}

export function limitLabel(t: Translate, rule: string): string {
  if (rule.startsWith('deadline.min_period')) return t('limit.deadline');
  if (rule.startsWith('documents.min_period')) return t('limit.documents');
  if (rule.startsWith('clarification.lead')) return t('limit.clarification');
  return rule;
}

export const STAFF_ROLES = new Set(['admin', 'center_staff', 'agent']);
export const OVERSIGHT_ROLES = new Set(['admin', 'center_staff', 'supervisor']);
