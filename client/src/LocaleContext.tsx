import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import {
  LOCALE_STORAGE_KEY,
  applyDocumentLocale,
  isLocale,
  otherLocale,
  saveLocale,
  translate,
  type Locale,
  type Translate,
} from './i18n.js';
import { setApiLocale } from './api.js';

interface I18nValue {
  locale: Locale;
  t: Translate;
  /** Switches zh-CN ⇄ en and remembers the choice. */
  toggleLocale: () => void;
}

const I18nContext = createContext<I18nValue | null>(null);

export function I18nProvider({ initialLocale, children }: { initialLocale: Locale; children: ReactNode }) {
  const [locale, setLocale] = useState<Locale>(initialLocale);

  useEffect(() => {
    applyDocumentLocale(locale);
    setApiLocale(locale);
  }, [locale]);

  // Keep several open tabs in the same language.
  useEffect(() => {
    const onStorage = (event: StorageEvent) => {
      if (event.key === LOCALE_STORAGE_KEY && isLocale(event.newValue)) setLocale(event.newValue);
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, []);

  const toggleLocale = useCallback(() => {
    const next = otherLocale(locale);
    saveLocale(next);
    setLocale(next);
  }, [locale]);

  const value = useMemo<I18nValue>(
    () => ({ locale, toggleLocale, t: (key, params) => translate(locale, key, params) }),
    [locale, toggleLocale],
  );

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18nValue {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n must be used inside <I18nProvider>');
  return value;
}
