import { useEffect, useState, type FormEvent } from 'react';
import type { UserView } from '../../../contracts/index.js';
import type { OrganisationView } from '../../../contracts/identity.js';
import { INVITATION_METHODS, METHODS_BY_KIND, TRADE_KINDS, type TradeKind, type TradeMethod } from '../../../contracts/trade-names.js';
import type { TradeNoticeInput } from '../../../contracts/trades.js';
import { isApiError } from '../api.js';
import { errorMessage } from '../errors.js';
import { shanghaiInputToIso, yuanToFen } from '../format.js';
import { useI18n } from '../LocaleContext.js';
import { viewHref, type View } from '../route.js';
import * as tradesApi from '../tradesApi.js';
import { kindLabel, methodLabel } from './labels.js';

/** The evaluation templates the notice may name (contracts' TradeNoticeInput.evaluationTemplate; the server's compute.ts TEMPLATES). */
type EvaluationTemplateId = NonNullable<TradeNoticeInput['evaluationTemplate']>;
const EVALUATION_TEMPLATE_IDS: EvaluationTemplateId[] = ['construction.comprehensive', 'construction.lowest_price', 'procurement.comprehensive_scoring', 'procurement.lowest_evaluated_price'];

/**
 * Demo officials' user ids (official1…3 in the demo data set). Only admins may list users
 * (GET /api/admin/users); staff type the ids of the opening officials, pre-filled with these.
 */
const DEMO_OFFICIAL_IDS = '18, 19, 20';

interface LotRow {
  no: string;
  name: string;
  amount: string;
}

const parseIds = (text: string): number[] | null => {
  const parts = text.split(/[,，\s]+/).filter(Boolean);
  const ids = parts.map(Number);
  return ids.every((n) => Number.isInteger(n) && n > 0) ? ids : null;
};

export function TradeCreatePage({ user, onNavigate }: { user: UserView; onNavigate(view: View): void }) {
  const { t, locale } = useI18n();
  const [orgs, setOrgs] = useState<OrganisationView[]>([]);
  const [officialUsers, setOfficialUsers] = useState<tradesApi.OfficialChoice[] | null>(null);

  const [title, setTitle] = useState('');
  const [kind, setKind] = useState<TradeKind>('construction');
  const [method, setMethod] = useState<TradeMethod>('open_tender');
  const [regionCode, setRegionCode] = useState(user.regionCode);
  const [tenderee, setTenderee] = useState('');
  const [agency, setAgency] = useState('');
  const [amount, setAmount] = useState('');
  const [lots, setLots] = useState<LotRow[]>([{ no: '1', name: '', amount: '' }]);
  const [qualifications, setQualifications] = useState('');
  const [bidSecurity, setBidSecurity] = useState('');
  const [documentsUntil, setDocumentsUntil] = useState('');
  const [bidDeadline, setBidDeadline] = useState('');
  const [openingPlace, setOpeningPlace] = useState('');
  const [unlockMode, setUnlockMode] = useState<'bidder' | 'officials'>('officials');
  const [officialIds, setOfficialIds] = useState(DEMO_OFFICIAL_IDS);
  const [chosenOfficials, setChosenOfficials] = useState<number[]>([]);
  const [threshold, setThreshold] = useState('2');
  const [invitees, setInvitees] = useState<number[]>([]);
  const [details, setDetails] = useState<Record<string, string>>({});
  /** The evaluation template ('' = the default for the kind) and 暗标. */
  const [evaluationTemplate, setEvaluationTemplate] = useState<'' | EvaluationTemplateId>('');
  const [anonymousTechnical, setAnonymousTechnical] = useState(false);

  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const controller = new AbortController();
    tradesApi.organisations(controller.signal).then(setOrgs, () => setOrgs([]));
    tradesApi.officials(controller.signal).then(
      (officials) => {
        setOfficialUsers(officials);
        setChosenOfficials(officials.filter((u) => u.certificateSerial).slice(0, 3).map((u) => u.id));
      },
      () => setOfficialUsers(null),
    );
    return () => controller.abort();
  }, [user.role]);

  useEffect(() => {
    if (!METHODS_BY_KIND[kind].includes(method)) setMethod(METHODS_BY_KIND[kind][0]!);
  }, [kind, method]);

  const detail = (name: string) => details[name] ?? '';
  const setDetail = (name: string, value: string) => setDetails((d) => ({ ...d, [name]: value }));

  function buildDetails(): TradeNoticeInput['details'] | string {
    const num = (name: string) => Number(detail(name));
    switch (kind) {
      case 'construction': {
        const ceiling = detail('ceilingPrice').trim() ? yuanToFen(detail('ceilingPrice')) : undefined;
        if (ceiling === null) return t('create.amountInvalid');
        return {
          kind,
          site: detail('site'),
          scope: detail('scope'),
          durationDays: num('durationDays'),
          qualityStandard: detail('qualityStandard'),
          ...(ceiling !== undefined ? { ceilingPriceFen: ceiling } : {}),
        };
      }
      case 'land':
        return {
          kind,
          parcelNo: detail('parcelNo'),
          location: detail('location'),
          areaSqm: num('areaSqm'),
          landUse: detail('landUse'),
          termYears: num('termYears'),
          ...(detail('plotRatio').trim() ? { plotRatio: detail('plotRatio') } : {}),
        };
      case 'mining':
        return {
          kind,
          rightType: detail('rightType') === 'exploration' ? 'exploration' : 'extraction',
          mineral: detail('mineral'),
          location: detail('location'),
          areaSqKm: num('areaSqKm'),
          termYears: num('termYears'),
        };
      case 'property': {
        const valuation = yuanToFen(detail('valuation'));
        if (valuation === null) return t('create.amountInvalid');
        return { kind, targetCompany: detail('targetCompany'), sharePercent: num('sharePercent'), valuationFen: valuation };
      }
      case 'procurement': {
        const category = detail('category') === 'works' || detail('category') === 'services' ? (detail('category') as 'works' | 'services') : 'goods';
        return { kind, category, ...(detail('planNo').trim() ? { planNo: detail('planNo') } : {}) };
      }
    }
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    setError(null);
    const amountFen = yuanToFen(amount);
    const bidSecurityFen = yuanToFen(bidSecurity);
    const lotRows = lots.map((l) => ({ no: l.no.trim(), name: l.name.trim(), amountFen: yuanToFen(l.amount) }));
    if (amountFen === null || bidSecurityFen === null || lotRows.some((l) => l.amountFen === null)) return setProblem(t('create.amountInvalid'));
    const docsIso = shanghaiInputToIso(documentsUntil);
    const deadlineIso = shanghaiInputToIso(bidDeadline);
    if (!docsIso || !deadlineIso) return setProblem(t('create.dateInvalid'));
    const officials = officialUsers ? chosenOfficials : parseIds(officialIds);
    if (!officials || officials.length < 2) return setProblem(t('create.officialsInvalid'));
    const built = buildDetails();
    if (typeof built === 'string') return setProblem(built);
    const tendereeId = Number(tenderee);
    if (!tendereeId) return setProblem(t('create.tendereeRequired'));
    const notice: TradeNoticeInput = {
      title: title.trim(),
      kind,
      method,
      regionCode,
      tendereeOrganisationId: tendereeId,
      ...(agency ? { agencyOrganisationId: Number(agency) } : {}),
      amountFen,
      lots: lotRows.map((l) => ({ no: l.no, name: l.name, amountFen: l.amountFen! })),
      qualifications: qualifications
        .split('\n')
        .map((q) => q.trim())
        .filter(Boolean),
      bidSecurityFen,
      documentsUntil: docsIso,
      bidDeadline: deadlineIso,
      // The opening takes place at the bid deadline (招标投标法 art 34).
      openingAt: deadlineIso,
      openingPlace: openingPlace.trim(),
      unlockMode,
      officials,
      threshold: Number(threshold),
      ...(invitees.length > 0 ? { invitees } : {}),
      details: built,
      ...(evaluationTemplate && evaluationTemplate.startsWith(`${kind}.`) ? { evaluationTemplate } : {}),
      ...(anonymousTechnical ? { anonymousTechnical } : {}),
    };
    setBusy(true);
    try {
      const created = await tradesApi.createTrade(notice);
      onNavigate({ name: 'trade', id: created.id });
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  const text = (id: string, label: string, value: string, onChange: (v: string) => void, extra: { placeholder?: string; type?: string } = {}) => (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} type={extra.type ?? 'text'} value={value} placeholder={extra.placeholder} onChange={(e) => onChange(e.target.value)} data-testid={id} />
    </div>
  );
  const detailField = (name: string, label: string, placeholder?: string) =>
    text(`create-details-${name}`, label, detail(name), (v) => setDetail(name, v), placeholder ? { placeholder } : {});

  const tenderees = orgs.filter((o) => o.kind === 'tenderee');
  const agencies = orgs.filter((o) => o.kind === 'agency');
  const bidderOrgs = orgs.filter((o) => o.kind === 'bidder');
  const fieldErrors = isApiError(error) ? (error.problem?.errors ?? []) : [];

  return (
    <div className="trade-create-page" data-testid="trade-create-page">
      <section className="welcome">
        <div className="welcome__text">
          <h1 className="welcome__title">{t('create.title')}</h1>
          <p>{t('create.intro')}</p>
          <a className="button" href={viewHref({ name: 'trades' })}>
            {t('trade.back')}
          </a>
        </div>
      </section>
      <form onSubmit={submit} noValidate className="trade-form">
        {text('create-title', t('create.noticeTitle'), title, setTitle)}
        <div className="field">
          <label htmlFor="create-kind">{t('trades.kind')}</label>
          <select
            id="create-kind"
            value={kind}
            onChange={(e) => {
              setKind(e.target.value as TradeKind);
              setEvaluationTemplate('');
            }}
            data-testid="create-kind"
          >
            {TRADE_KINDS.map((k) => (
              <option key={k} value={k}>
                {kindLabel(k, locale)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="create-method">{t('trades.method')}</label>
          <select id="create-method" value={method} onChange={(e) => setMethod(e.target.value as TradeMethod)} data-testid="create-method">
            {METHODS_BY_KIND[kind].map((m) => (
              <option key={m} value={m}>
                {methodLabel(m, locale)}
              </option>
            ))}
          </select>
        </div>
        {text('create-region', t('create.regionCode'), regionCode, setRegionCode)}
        <div className="field">
          <label htmlFor="create-tenderee">{t('trade.tenderee')}</label>
          <select id="create-tenderee" value={tenderee} onChange={(e) => setTenderee(e.target.value)} data-testid="create-tenderee">
            <option value="">{t('create.choose')}</option>
            {tenderees.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="create-agency">{t('trade.agency')}</label>
          <select id="create-agency" value={agency} onChange={(e) => setAgency(e.target.value)} data-testid="create-agency">
            <option value="">{t('create.none')}</option>
            {agencies.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
        </div>
        {text('create-amount', t('create.amountYuan'), amount, setAmount, { placeholder: '10000000.00' })}
        {text('create-bid-security', t('create.bidSecurityYuan'), bidSecurity, setBidSecurity)}

        <fieldset>
          <legend>{t('trade.lots')}</legend>
          {lots.map((lot, i) => (
            <div className="field-row" key={i} data-testid="create-lot">
              <input aria-label={t('create.lotNo')} value={lot.no} onChange={(e) => setLots(lots.map((l, j) => (j === i ? { ...l, no: e.target.value } : l)))} />
              <input
                aria-label={t('create.lotName')}
                placeholder={t('create.lotName')}
                value={lot.name}
                onChange={(e) => setLots(lots.map((l, j) => (j === i ? { ...l, name: e.target.value } : l)))}
                data-testid="create-lot-name"
              />
              <input
                aria-label={t('create.lotAmount')}
                placeholder={t('create.lotAmount')}
                value={lot.amount}
                onChange={(e) => setLots(lots.map((l, j) => (j === i ? { ...l, amount: e.target.value } : l)))}
                data-testid="create-lot-amount"
              />
              {lots.length > 1 && (
                <button type="button" className="button button--small" onClick={() => setLots(lots.filter((_, j) => j !== i))}>
                  {t('create.remove')}
                </button>
              )}
            </div>
          ))}
          <button type="button" className="button button--small" onClick={() => setLots([...lots, { no: String(lots.length + 1), name: '', amount: '' }])}>
            {t('create.addLot')}
          </button>
        </fieldset>

        <div className="field">
          <label htmlFor="create-qualifications">{t('create.qualifications')}</label>
          <textarea id="create-qualifications" rows={3} value={qualifications} onChange={(e) => setQualifications(e.target.value)} data-testid="create-qualifications" />
        </div>
        {text('create-documents-until', t('create.documentsUntil'), documentsUntil, setDocumentsUntil, { type: 'datetime-local' })}
        {text('create-bid-deadline', t('create.bidDeadline'), bidDeadline, setBidDeadline, { type: 'datetime-local' })}
        {text('create-opening-place', t('trade.openingPlace'), openingPlace, setOpeningPlace)}
        <div className="field">
          <label htmlFor="create-unlock">{t('trade.unlockMode')}</label>
          <select id="create-unlock" value={unlockMode} onChange={(e) => setUnlockMode(e.target.value as 'bidder' | 'officials')} data-testid="create-unlock">
            <option value="officials">{t('trade.unlock.officials')}</option>
            <option value="bidder">{t('trade.unlock.bidder')}</option>
          </select>
        </div>

        {(kind === 'construction' || kind === 'procurement') && (
          <div className="field">
            <label htmlFor="create-evaluation-template">{t('create.evaluationTemplate')}</label>
            <select
              id="create-evaluation-template"
              value={evaluationTemplate}
              onChange={(e) => setEvaluationTemplate(e.target.value as '' | EvaluationTemplateId)}
              data-testid="create-evaluation-template"
            >
              <option value="">{t('create.evaluationTemplateDefault')}</option>
              {EVALUATION_TEMPLATE_IDS.filter((id) => id.startsWith(`${kind}.`)).map((id) => (
                <option key={id} value={id}>
                  {t(`evaluation.template.${id}`)}
                </option>
              ))}
            </select>
          </div>
        )}
        <label className="checkbox">
          <input type="checkbox" checked={anonymousTechnical} onChange={(e) => setAnonymousTechnical(e.target.checked)} data-testid="create-anonymous-technical" />{' '}
          {t('create.anonymousTechnical')}
        </label>

        <fieldset>
          <legend>{t('trade.officials')}</legend>
          {officialUsers ? (
            officialUsers.map((u) => (
              <label key={u.id} className="checkbox">
                <input
                  type="checkbox"
                  checked={chosenOfficials.includes(u.id)}
                  onChange={(e) => setChosenOfficials(e.target.checked ? [...chosenOfficials, u.id] : chosenOfficials.filter((id) => id !== u.id))}
                  data-testid="create-official"
                />{' '}
                {u.displayName} ({u.username}) {u.certificateSerial ? `✓ ${t('create.officialHasCertificate')}` : `✗ ${t('create.officialNoCertificate')}`}
              </label>
            ))
          ) : (
            <>
              {text('create-officials', t('create.officialIds'), officialIds, setOfficialIds)}
              <p className="muted">{t('create.officialIdsHint')}</p>
            </>
          )}
          {text('create-threshold', t('create.threshold'), threshold, setThreshold)}
        </fieldset>

        {(INVITATION_METHODS.includes(method) || method === 'competitive_negotiation' || method === 'competitive_consultation' || method === 'inquiry') && (
          <fieldset>
            <legend>{t('create.invitees')}</legend>
            {bidderOrgs.map((o) => (
              <label key={o.id} className="checkbox">
                <input
                  type="checkbox"
                  checked={invitees.includes(o.id)}
                  onChange={(e) => setInvitees(e.target.checked ? [...invitees, o.id] : invitees.filter((id) => id !== o.id))}
                  data-testid="create-invitee"
                />{' '}
                {o.name}
              </label>
            ))}
          </fieldset>
        )}

        <fieldset data-testid="create-details" data-kind={kind}>
          <legend>{t('trade.detailsTitle')}</legend>
          {kind === 'construction' && (
            <>
              {detailField('site', t('details.site'))}
              {detailField('scope', t('details.scope'))}
              {detailField('durationDays', t('details.durationDays'))}
              {detailField('qualityStandard', t('details.qualityStandard'), '合格')}
              {detailField('ceilingPrice', t('details.ceilingPriceYuan'))}
            </>
          )}
          {kind === 'land' && (
            <>
              {detailField('parcelNo', t('details.parcelNo'))}
              {detailField('location', t('details.location'))}
              {detailField('areaSqm', t('details.areaSqm'))}
              {detailField('landUse', t('details.landUse'))}
              {detailField('termYears', t('details.termYears'))}
              {detailField('plotRatio', t('details.plotRatio'))}
            </>
          )}
          {kind === 'mining' && (
            <>
              <div className="field">
                <label htmlFor="create-details-rightType">{t('details.rightType')}</label>
                <select id="create-details-rightType" value={detail('rightType') || 'extraction'} onChange={(e) => setDetail('rightType', e.target.value)}>
                  <option value="extraction">{t('details.rightType.extraction')}</option>
                  <option value="exploration">{t('details.rightType.exploration')}</option>
                </select>
              </div>
              {detailField('mineral', t('details.mineral'))}
              {detailField('location', t('details.location'))}
              {detailField('areaSqKm', t('details.areaSqKm'))}
              {detailField('termYears', t('details.termYears'))}
            </>
          )}
          {kind === 'property' && (
            <>
              {detailField('targetCompany', t('details.targetCompany'))}
              {detailField('sharePercent', t('details.sharePercent'))}
              {detailField('valuation', t('details.valuationYuan'))}
            </>
          )}
          {kind === 'procurement' && (
            <>
              <div className="field">
                <label htmlFor="create-details-category">{t('details.category')}</label>
                <select id="create-details-category" value={detail('category') || 'goods'} onChange={(e) => setDetail('category', e.target.value)}>
                  <option value="goods">{t('details.category.goods')}</option>
                  <option value="works">{t('details.category.works')}</option>
                  <option value="services">{t('details.category.services')}</option>
                </select>
              </div>
              {detailField('planNo', t('details.planNo'))}
            </>
          )}
        </fieldset>

        {problem && (
          <p className="form-error" role="alert" data-testid="create-problem">
            {problem}
          </p>
        )}
        {error !== null && (
          <div className="form-error" role="alert" data-testid="create-error" data-code={isApiError(error) ? error.code : 'CLIENT'}>
            <p>{errorMessage(t, error)}</p>
            {isApiError(error) && error.problem?.detail && <p className="muted">{error.problem.detail}</p>}
            {fieldErrors.length > 0 && (
              <ul>
                {fieldErrors.map((f, i) => (
                  <li key={i}>
                    <code>{f.path.join('.')}</code>: {f.message}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
        <button type="submit" className="button button--primary" disabled={busy} data-testid="create-submit">
          {busy ? t('create.saving') : t('create.save')}
        </button>
      </form>
    </div>
  );
}
