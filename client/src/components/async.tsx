/**
 * What pages share around their requests: a view or list loaded once (and again on demand), the
 * busy flag and last error of a user's action, the spinner while loading, the line saying why
 * something failed, and the presence badge of a live room.
 */
import { useCallback, useEffect, useRef, useState, type DependencyList } from 'react';
import { errorMessage } from '../errors.js';
import { useI18n } from '../LocaleContext.js';

export interface Loaded<T> {
  /** Null until the first answer, and again whenever `deps` change (not on `reload`). */
  data: T | null;
  /** The last failed load (cleared by the next successful one). */
  error: unknown;
  /** Load again, keeping what is shown until the answer comes. */
  reload(): void;
}

/** Loads `fetch` when mounted and when `deps` change (aborting the request of the previous ones). */
export function useLoaded<T>(fetch: (signal: AbortSignal) => Promise<T>, deps: DependencyList): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [round, setRound] = useState(0);
  const latest = useRef(fetch);
  latest.current = fetch;

  // new deps: what was shown belongs to the old ones
  useEffect(() => setData(null), deps);

  useEffect(() => {
    const controller = new AbortController();
    latest.current(controller.signal).then(
      (answer) => {
        setData(answer);
        setError(null);
      },
      (caught: unknown) => {
        if (!controller.signal.aborted) setError(caught);
      },
    );
    return () => controller.abort();
  }, [...deps, round]);

  const reload = useCallback(() => setRound((n) => n + 1), []);
  return { data, error, reload };
}

export interface Action {
  busy: boolean;
  /** The last failed action (cleared when the next one starts). */
  error: unknown;
  /** Runs `work` with `busy` set; true when it succeeded (else `error` says why). */
  run(work: () => Promise<unknown>): Promise<boolean>;
}

/** The busy flag and the last error of a user's actions (a form's submit, a button). */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(async (work: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
      return true;
    } catch (caught) {
      setError(caught);
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run };
}

export function Loading({ testId }: { testId?: string }) {
  const { t } = useI18n();
  return (
    <div className="loading" role="status" data-testid={testId}>
      <span className="spinner" aria-hidden="true" />
      {t('app.loading')}
    </div>
  );
}

/** Why something failed (nothing when `error` is null). */
export function ErrorLine({ error, testId }: { error: unknown; testId?: string }) {
  const { t } = useI18n();
  if (error === null) return null;
  return (
    <p className="form-error" role="alert" data-testid={testId}>
      {errorMessage(t, error)}
    </p>
  );
}

/**
 * A page before its view arrives: the spinner, or — the view failed to load — why, with a way back.
 * `notice` replaces the error message with an information (e.g. "not started yet").
 */
export function ViewPending(props: { error: unknown; className: string; testId?: string; errorTestId?: string; notice?: string | null; back: { href: string; label: string } }) {
  const { t } = useI18n();
  const { error, notice } = props;
  if (error === null) return <Loading />;
  return (
    <div className={props.className} data-testid={props.testId}>
      <p className={notice ? 'notice notice--info' : 'form-error'} role="alert" data-testid={props.errorTestId}>
        {notice ?? errorMessage(t, error)}
      </p>
      <a className="button" href={props.back.href}>
        {props.back.label}
      </a>
    </div>
  );
}

/** A member's presence in a live room. */
export function PresenceBadge({ present }: { present: boolean }) {
  const { t } = useI18n();
  return <span className={`presence presence--${present ? 'in' : 'out'}`}>{present ? t('evaluation.members.online') : t('evaluation.members.offline')}</span>;
}

/** A live room's alerts: the server refused the socket's join (live, not the view), and the last action failed. */
export function RoomAlerts({ prefix, joinError, error }: { prefix: string; joinError: string | null; error: unknown }) {
  const { t } = useI18n();
  return (
    <>
      {joinError && (
        <p className="form-error" role="alert" data-testid={`${prefix}-join-error`}>
          {t('evaluation.joinFailed', { code: joinError })}
        </p>
      )}
      <ErrorLine error={error} testId={`${prefix}-problem`} />
    </>
  );
}
