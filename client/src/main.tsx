import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { setApiLocale } from './api.js';
import { applyDocumentLocale, loadLocale } from './i18n.js';
import { I18nProvider } from './LocaleContext.js';
import './styles.css';

const locale = loadLocale();
applyDocumentLocale(locale);
setApiLocale(locale);

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

createRoot(container).render(
  <StrictMode>
    <I18nProvider initialLocale={locale}>
      <App />
    </I18nProvider>
  </StrictMode>,
);
