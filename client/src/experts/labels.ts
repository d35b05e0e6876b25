import { isMessageKey, type Translate } from '../i18n.js';

/** The specialty codes of the pool (server/seed/demo-data.ts DEMO_SPECIALTIES), in display order. */
export const SPECIALTIES = ['building', 'municipal', 'highway', 'water', 'cost', 'goods', 'land', 'mining', 'property'] as const;

/** 房屋建筑工程 … for a known code; the code itself otherwise. */
export function specialtyLabel(t: Translate, code: string): string {
  const key = `specialty.${code}`;
  return isMessageKey(key) ? t(key) : code;
}

/** Why candidates were left out of the pool (the avoidance rules), translated; the rule id otherwise. */
export function exclusionLabel(t: Translate, rule: string): string {
  const key = `exclusion.${rule}`;
  return isMessageKey(key) ? t(key) : rule;
}
