import type { Role } from '../../contracts/roles.js';

/** Who is acting: the authenticated user behind a request, or the platform itself. */
export interface Actor {
  kind: 'user';
  userId: number;
  username: string;
  role: Role;
  regionCode: string;
  organisationId: number | null;
  /** SHA-256 of the session token the request carried. */
  sessionId: string;
  /** How the request authenticated: browser cookie (needs CSRF) or bearer token. */
  via: 'cookie' | 'bearer';
  csrfToken: string;
}

export interface SystemActor {
  kind: 'system';
  name: string;
}

/** The label the audit chain records for an actor. */
export function actorLabel(actor: Actor | SystemActor | null): string | null {
  if (!actor) return null;
  return actor.kind === 'system' ? `system:${actor.name}` : `user:${actor.username}`;
}

/** Finds the session a token names; kernel code calls it, identity implements it. */
export interface ActorResolver {
  resolve(token: string, via: Actor['via']): Promise<Actor | null>;
}

/** Decides whether a region lies inside another's jurisdiction (identity implements it). */
export interface Jurisdiction {
  covers(actorRegion: string, targetRegion: string): boolean;
}
