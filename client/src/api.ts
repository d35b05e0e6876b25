/**
 * All HTTP calls of the web client. Types come from contracts/ (type-only imports, so neither zod
 * nor the schemas end up in the bundle).
 *
 * The browser authenticates with the httpOnly session cookie the server sets at login; every
 * state-changing (non-GET) request must also echo the session's CSRF token, which is kept here in
 * memory from the login / `me` answers and never persisted.
 */
import type {
  CertificateView,
  IssuedCertificateResponse,
  HealthResponse,
  LoginRequest,
  LoginResponse,
  MeResponse,
  Problem,
  RegionView,
} from '../../contracts/index.js';

/** Same header as contracts' `CSRF_HEADER` (a value import would pull zod into the bundle). */
export const CSRF_HEADER_NAME = 'X-CSRF-Token';

const REQUEST_TIMEOUT_MS = 20_000;

/** Codes the client itself produces when there is no problem+json answer to read. */
export type ClientErrorCode = 'NETWORK_ERROR' | 'HTTP_ERROR';

/** A failed API call: `code` is the server's stable problem code, or a ClientErrorCode. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly code: string;
  readonly problem: Problem | null;
  /** For AUTH_THROTTLED (and any 429/503): seconds until trying again makes sense. */
  readonly retryAfterSeconds: number | null;

  constructor(status: number, code: string, problem: Problem | null = null, retryAfterSeconds: number | null = null) {
    super(problem?.detail ?? problem?.title ?? `${code}${status ? ` (HTTP ${status})` : ''}`);
    this.status = status;
    this.code = code;
    this.problem = problem;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}

/** True for answers meaning "you are not (or no longer) logged in". */
export function isAuthLost(error: unknown): boolean {
  return isApiError(error) && error.status === 401 && error.code !== 'AUTH_INVALID_CREDENTIALS';
}

// ---------------------------------------------------------------------------------------------
// session state kept in memory

let csrfToken: string | null = null;
let apiLocale = 'zh-CN';

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function getCsrfToken(): string | null {
  return csrfToken;
}

/** Sent as Accept-Language so the server can phrase `detail` texts in the user's language. */
export function setApiLocale(locale: string): void {
  apiLocale = locale;
}

// ---------------------------------------------------------------------------------------------
// transport

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  body?: unknown;
  /** Cancels the request; a cancelled request rejects with the fetch AbortError, not an ApiError. */
  signal?: AbortSignal;
}

export async function request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = {
    Accept: 'application/json, application/problem+json',
    'Accept-Language': apiLocale,
  };
  if (method !== 'GET') {
    headers['Content-Type'] = 'application/json';
    if (csrfToken) headers[CSRF_HEADER_NAME] = csrfToken;
  }
  const init: RequestInit = {
    method,
    headers,
    credentials: 'same-origin',
    cache: 'no-store',
    signal: requestSignal(options.signal),
  };
  if (options.body !== undefined) init.body = JSON.stringify(options.body);

  let response: Response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new ApiError(0, 'NETWORK_ERROR');
  }

  if (!response.ok) throw await toApiError(response);
  if (response.status === 204 || response.status === 205) return undefined as T;
  try {
    return (await response.json()) as T;
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new ApiError(response.status, 'HTTP_ERROR');
  }
}

/** The caller's signal (if any) combined with a timeout, so a hung server cannot hang the UI. */
function requestSignal(callerSignal: AbortSignal | undefined): AbortSignal {
  const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
  if (!callerSignal) return timeout;
  return typeof AbortSignal.any === 'function' ? AbortSignal.any([callerSignal, timeout]) : callerSignal;
}

async function toApiError(response: Response): Promise<ApiError> {
  let problem: Problem | null = null;
  const type = response.headers.get('Content-Type') ?? '';
  if (type.includes('json')) {
    try {
      const body: unknown = await response.json();
      if (isProblem(body)) problem = body;
    } catch {
      // not JSON after all: fall through to HTTP_ERROR
    }
  }
  const code = problem?.code ?? 'HTTP_ERROR';
  return new ApiError(response.status, code, problem, retryAfter(problem, response));
}

function isProblem(body: unknown): body is Problem {
  return typeof body === 'object' && body !== null && typeof (body as { code?: unknown }).code === 'string';
}

function retryAfter(problem: Problem | null, response: Response): number | null {
  const fromBody = problem?.retryAfterSeconds;
  if (typeof fromBody === 'number' && Number.isFinite(fromBody) && fromBody >= 0) return Math.ceil(fromBody);
  const header = response.headers.get('Retry-After');
  if (header && /^\d+$/.test(header.trim())) return Number(header.trim());
  return null;
}

// ---------------------------------------------------------------------------------------------
// endpoints

/** `POST /api/auth/login`: remembers the CSRF token of the new session. */
export async function login(credentials: LoginRequest, signal?: AbortSignal): Promise<LoginResponse> {
  const answer = await request<LoginResponse>('POST', '/api/auth/login', withSignal({ body: credentials }, signal));
  setCsrfToken(answer.csrfToken);
  return answer;
}

/** `GET /api/auth/me`: the current session (from the cookie); rejects with a 401 ApiError if none. */
export async function me(signal?: AbortSignal): Promise<MeResponse> {
  try {
    const answer = await request<MeResponse>('GET', '/api/auth/me', withSignal({}, signal));
    setCsrfToken(answer.csrfToken);
    return answer;
  } catch (error) {
    if (isAuthLost(error)) setCsrfToken(null);
    throw error;
  }
}

/** `POST /api/auth/logout` (204). Forgets the CSRF token once the server has ended the session. */
export async function logout(): Promise<void> {
  try {
    await request<void>('POST', '/api/auth/logout');
    setCsrfToken(null);
  } catch (error) {
    if (isAuthLost(error)) setCsrfToken(null);
    throw error;
  }
}

/** `GET /api/regions` (public). */
export function regions(signal?: AbortSignal): Promise<RegionView[]> {
  return request<RegionView[]>('GET', '/api/regions', withSignal({}, signal));
}

/** `POST /api/certificates/csr`: the platform signs my CSR (my private key stays in the browser). */
export function requestCertificate(csr: string, signal?: AbortSignal): Promise<IssuedCertificateResponse> {
  return request<IssuedCertificateResponse>('POST', '/api/certificates/csr', withSignal({ body: { csr } }, signal));
}

/** `GET /api/certificates`: certificates issued to me. */
export function myCertificates(signal?: AbortSignal): Promise<CertificateView[]> {
  return request<CertificateView[]>('GET', '/api/certificates', withSignal({}, signal));
}

/** `GET /health` (public). */
export function health(signal?: AbortSignal): Promise<HealthResponse> {
  return request<HealthResponse>('GET', '/health', withSignal({}, signal));
}

function withSignal(options: RequestOptions, signal: AbortSignal | undefined): RequestOptions {
  return signal ? { ...options, signal } : options;
}
