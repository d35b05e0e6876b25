import crypto from 'node:crypto';
import type { Request, Response, Router } from 'express';
import type { z } from 'zod';
import { CSRF_HEADER, SESSION_COOKIE } from '../../contracts/auth.js';
import { ERROR_CODES, type ErrorCode, type FieldProblem } from '../../contracts/errors.js';
import type { Role } from '../../contracts/roles.js';
import type { Actor, ActorResolver, Jurisdiction } from './actor.js';
import { AppError } from './errors.js';

/**
 * Declared routes. Every route names its guard; the pipeline is always
 * authenticate → guard (401/403) → CSRF → validate (params, query, body) → region guard → handler
 * → JSON view. Handlers get typed, validated input and the actor, and return the response body.
 * `mountRoutes` refuses to start a route without a guard, and the route table is exported so the
 * role × route test covers every guarded route without anyone listing them by hand.
 */
export type Guard =
  | { kind: 'public' }
  | { kind: 'authenticated' }
  | { kind: 'roles'; roles: readonly Role[] };

export const PUBLIC = { kind: 'public' } as const satisfies Guard;
export const AUTHENTICATED = { kind: 'authenticated' } as const satisfies Guard;
export const roles = (...allowed: Role[]) => ({ kind: 'roles', roles: allowed }) as const satisfies Guard;

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type AnySchema = z.ZodType;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteContext<P, Q, B, A> {
  actor: A;
  params: P;
  query: Q;
  body: B;
  /** Facts about the request a service may record (never the request itself). */
  client: { ip: string; userAgent: string | null; requestId: string };
  /** For the few routes that manage cookies (login/logout) or stream (downloads). */
  res: Response;
  /** Only for `raw` routes, which read the body themselves (multipart uploads). */
  req: Request;
}

export interface RouteSpec<
  PS extends AnySchema | undefined = AnySchema | undefined,
  QS extends AnySchema | undefined = AnySchema | undefined,
  BS extends AnySchema | undefined = AnySchema | undefined,
  G extends Guard = Guard,
> {
  method: Method;
  path: string;
  guard: G;
  summary: string;
  params?: PS;
  query?: QS;
  body?: BS;
  /** Region the resource belongs to; the actor's region must cover it (admins cover all). */
  region?: (input: { params: Out<PS>; query: Out<QS>; body: Out<BS> }) => string | undefined;
  /** The handler reads the body itself (multipart upload through kernel/upload.ts); `body` is not parsed. */
  raw?: true;
  /** Success status; 204 sends no body. */
  status?: 200 | 201 | 202 | 204;
  handle(ctx: RouteContext<Out<PS>, Out<QS>, Out<BS>, G extends { kind: 'public' } ? Actor | null : Actor>): Promise<unknown>;
}

/** Declares one route with its types inferred from its schemas and guard. */
export function route<
  PS extends AnySchema | undefined = undefined,
  QS extends AnySchema | undefined = undefined,
  BS extends AnySchema | undefined = undefined,
  G extends Guard = Guard,
>(spec: RouteSpec<PS, QS, BS, G>): RouteSpec {
  return spec as unknown as RouteSpec;
}

export interface PipelineDeps {
  actors: ActorResolver;
  jurisdiction: Jurisdiction;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Reads the session token from `Authorization: Bearer …` or, failing that, the session cookie. */
export function tokenOf(req: Request): { token: string; via: Actor['via'] } | null {
  const header = req.get('authorization');
  if (header) {
    const match = /^Bearer\s+([A-Za-z0-9_-]{16,200})\s*$/.exec(header);
    return match ? { token: match[1]!, via: 'bearer' } : { token: '', via: 'bearer' };
  }
  const cookie = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
  return cookie ? { token: cookie, via: 'cookie' } : null;
}

export async function authenticate(req: Request, actors: ActorResolver): Promise<Actor | null> {
  const presented = tokenOf(req);
  if (!presented) return null;
  if (!presented.token) throw new AppError('AUTH_REQUIRED', 'Authorization header must be "Bearer <token>"');
  return actors.resolve(presented.token, presented.via);
}

function timingSafeEqualText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && crypto.timingSafeEqual(left, right);
}

/** Browser (cookie) sessions must echo their CSRF token on every state-changing request. */
function checkCsrf(req: Request, actor: Actor | null): void {
  if (SAFE_METHODS.has(req.method)) return;
  if (actor?.via === 'cookie') {
    const sent = req.get(CSRF_HEADER) ?? '';
    if (!timingSafeEqualText(sent, actor.csrfToken)) throw new AppError('CSRF_FAILED');
  }
  // A cross-site form posting to us (e.g. login CSRF) announces a foreign Origin.
  const origin = req.get('origin');
  if (origin && origin !== 'null') {
    const host = req.get('host');
    let originHost: string | null = null;
    try {
      originHost = new URL(origin).host;
    } catch {
      originHost = null;
    }
    if (originHost !== host) throw new AppError('CSRF_FAILED', 'cross-origin request refused');
  } else if (origin === 'null') throw new AppError('CSRF_FAILED', 'cross-origin request refused');
}

function enforceGuard(guard: Guard, actor: Actor | null): void {
  if (guard.kind === 'public') return;
  if (!actor) throw new AppError('AUTH_REQUIRED');
  if (guard.kind === 'roles' && !guard.roles.includes(actor.role)) {
    throw new AppError('FORBIDDEN_ROLE', `requires role ${guard.roles.join(' or ')}`);
  }
}

const DOMAIN_CODES = new Set<string>(Object.keys(ERROR_CODES));

/** Turns zod issues into one 400: the first domain code (e.g. USCC_BAD_CHECK_DIGIT) if any, else VALIDATION_FAILED. */
export function validationError(issues: z.core.$ZodIssue[], where: 'body' | 'query' | 'params'): AppError {
  const errors: FieldProblem[] = issues.flatMap((issue) => {
    const path = [where, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
    // One entry per unknown field, each naming the field, so a client can point at it.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...path, key], code: issue.code, message: `unknown field "${key}"` }));
    }
    const domain = issue.code === 'custom' ? (issue.params as { code?: string } | undefined)?.code : undefined;
    return [{ path, code: domain ?? issue.code, message: issue.message }];
  });
  const domain = errors.find((e) => DOMAIN_CODES.has(e.code))?.code as ErrorCode | undefined;
  const first = errors[0];
  const detail = first ? `${first.path.join('.')}: ${first.message}` : undefined;
  return new AppError(domain ?? 'VALIDATION_FAILED', detail, { errors });
}

function parse<S extends AnySchema | undefined>(schema: S, value: unknown, where: 'body' | 'query' | 'params'): Out<S> {
  if (!schema) return undefined as Out<S>;
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error.issues, where);
  return result.data as Out<S>;
}

export function mountRoutes(router: Router, specs: readonly RouteSpec[], deps: PipelineDeps): void {
  for (const spec of specs) {
    if (!spec.guard) throw new Error(`route ${spec.method.toUpperCase()} ${spec.path} declares no guard`);
    router[spec.method](spec.path, async (req: Request, res: Response) => {
      const actor = await authenticate(req, deps.actors);
      enforceGuard(spec.guard, actor);
      checkCsrf(req, actor);
      // express.json() leaves the body undefined for other media types: say so rather than "field missing".
      if (spec.body && req.body === undefined && req.get('content-type') && !req.is('application/json')) {
        throw new AppError('UNSUPPORTED_MEDIA_TYPE');
      }
      const params = parse(spec.params, { ...req.params }, 'params');
      const query = parse(spec.query, { ...(req.query as object) }, 'query');
      const body = parse(spec.body, req.body ?? {}, 'body');
      if (spec.region && actor && actor.role !== 'admin') {
        const target = spec.region({ params, query, body } as never);
        if (target && !deps.jurisdiction.covers(actor.regionCode, target)) {
          throw new AppError('FORBIDDEN_REGION', `region ${target} is outside ${actor.regionCode}`);
        }
      }
      const result = await spec.handle({
        actor: actor as Actor,
        params,
        query,
        body,
        client: { ip: req.ip ?? '', userAgent: req.get('user-agent') ?? null, requestId: String(req.id ?? '') },
        res,
        req,
      } as never);
      if (res.headersSent) return;
      const status = spec.status ?? 200;
      if (status === 204) res.status(204).end();
      else res.status(status).json(result);
    });
  }
}
