import { z } from 'zod';
import { Role } from './roles.js';

export const LoginRequest = z.strictObject({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

export const UserView = z.object({
  id: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  role: Role,
  regionCode: z.string(),
  regionName: z.string(),
  organisation: z
    .object({ id: z.number().int(), name: z.string(), uscc: z.string() })
    .nullable(),
  locale: z.enum(['zh-CN', 'en']),
});
export type UserView = z.infer<typeof UserView>;

/**
 * 200 answer to `POST /api/auth/login`. `token` is a bearer token for CLI/API clients; the same
 * session is also set as an httpOnly cookie for the browser, which must echo `csrfToken` in the
 * `X-CSRF-Token` header on every state-changing request.
 */
export const LoginResponse = z.object({
  token: z.string(),
  csrfToken: z.string(),
  expiresAt: z.string(),
  user: UserView,
});
export type LoginResponse = z.infer<typeof LoginResponse>;

/** 200 answer to `GET /api/auth/me`. */
export const MeResponse = z.object({ user: UserView, csrfToken: z.string(), expiresAt: z.string() });
export type MeResponse = z.infer<typeof MeResponse>;

export const CSRF_HEADER = 'x-csrf-token';
export const SESSION_COOKIE = 'th_session';
