import type http from 'node:http';
import { Server, type Namespace } from 'socket.io';
import { SESSION_COOKIE } from '../../contracts/auth.js';
import type { Actor, ActorResolver } from './actor.js';

/**
 * socket.io on the same HTTP server, authenticated like HTTP: the session token comes as
 * `auth: { token }` (scripts) or in the session cookie (browsers, same origin). A namespace's
 * connections carry their actor in `socket.data.actor` and join the room `user:<id>`.
 */
export function createSocketServer(server: http.Server): Server {
  return new Server(server, { serveClient: false, cors: { origin: false } });
}

function cookieToken(header: string | undefined): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === SESSION_COOKIE) return decodeURIComponent(rest.join('='));
  }
  return null;
}

export function authenticatedNamespace(io: Server, name: string, actors: ActorResolver): Namespace {
  const namespace = io.of(name);
  namespace.use((socket, next) => {
    const fromAuth = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    const token = typeof fromAuth === 'string' ? fromAuth : cookieToken(socket.handshake.headers.cookie);
    if (!token) return next(new Error('AUTH_REQUIRED'));
    actors
      .resolve(token, typeof fromAuth === 'string' ? 'bearer' : 'cookie')
      .then((actor: Actor | null) => {
        if (!actor) return next(new Error('AUTH_REQUIRED'));
        socket.data.actor = actor;
        void socket.join(`user:${actor.userId}`);
        if (actor.organisationId) void socket.join(`org:${actor.organisationId}`);
        next();
      })
      .catch(() => next(new Error('AUTH_REQUIRED')));
  });
  return namespace;
}
