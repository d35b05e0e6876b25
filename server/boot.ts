import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, type Tenderhall } from './app.js';
import type { Config } from './config.js';
import { createDatabase, type Db } from './db/index.js';
import { migrateUp } from './db/migrator.js';
import { systemClock, type Clock } from './kernel/clock.js';
import type { Logger } from './kernel/logger.js';
import { seedDemo, type SeedResult } from './seed/seed.js';
import { authenticatedNamespace, createSocketServer } from './kernel/sockets.js';
import { NOTIFICATIONS_NAMESPACE } from '../contracts/trades.js';
import { OPENING_NAMESPACE } from '../contracts/opening.js';
import { openingSocket } from './modules/opening/socket.js';
import { EVALUATION_NAMESPACE } from '../contracts/evaluation.js';
import { evaluationSocket } from './modules/evaluation/socket.js';
import { recheckRoom } from './modules/recheck/socket.js';
import type { Server as SocketServer } from 'socket.io';

export interface Running extends Tenderhall {
  db: Db;
  server: http.Server;
  url: string;
  seed: SeedResult | null;
  io: SocketServer;
  migrated: string[];
  /** Stops accepting, lets requests in flight finish, closes the database. */
  close(): Promise<void>;
}

/** Everything `npm start` does, reusable by the demo and tests: migrate, seed, build, listen. */
export async function boot(config: Config, logger: Logger, clock: Clock = systemClock): Promise<Running> {
  const db = createDatabase(config);
  await db.authenticate();
  const migrated = await migrateUp(db, (m) => logger.info({ migration: m }, 'db.migrated'));
  const built = await createApp({ config, db, clock, logger });
  const seed = config.seedDemo === 'auto' ? await seedDemo(built.services.identity, config.scryptLogN) : null;
  await built.services.identity.sessions.purge();
  // the credit feed's region must be in the (now loaded) region table: a wrong CREDIT_REGION stops here
  void built.services.credit.region;

  // Node cuts a request off after 5 minutes by default; a 2 GiB sealed bid over a slow line needs
  // longer. Headers must still arrive promptly, and an idle socket is still closed.
  const server = http.createServer({ requestTimeout: 0, headersTimeout: 60_000 }, built.app);
  server.setTimeout(120_000);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const io = createSocketServer(server);
  built.services.trades.notifier.attach(authenticatedNamespace(io, NOTIFICATIONS_NAMESPACE, built.services.identity.sessions));
  openingSocket(authenticatedNamespace(io, OPENING_NAMESPACE, built.services.identity.sessions), built.services.opening, clock);
  // the recheck's room lives in the evaluation namespace (join with {recheckId})
  evaluationSocket(authenticatedNamespace(io, EVALUATION_NAMESPACE, built.services.identity.sessions), built.services.evaluation, [recheckRoom(built.services.recheck)]);
  // Deadlines that passed while the server was down fire now; then the scheduler keeps watch.
  built.services.scheduler.start();
  // Other deployments' credit feeds, each peer on its own schedule with backoff.
  built.services.credit.peers.start();
  const address = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `http://${host}:${address.port}`;

  // Sign the audit head now and then, and once more on the way out.
  const signHead = () =>
    built.services.audit.checkpoint().catch((error: unknown) => logger.error({ err: error }, 'audit.checkpoint_failed'));
  const checkpointTimer = config.auditCheckpointMs > 0 ? setInterval(signHead, config.auditCheckpointMs) : null;
  checkpointTimer?.unref();

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      await built.services.scheduler.stop();
      await built.services.credit.peers.stop();
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // Requests still running after the grace period are cut off.
        setTimeout(() => server.closeAllConnections(), 10_000).unref();
      });
      if (checkpointTimer) clearInterval(checkpointTimer);
      await signHead();
      await db.close();
    })();
    return closing;
  };
  return { ...built, db, server, url, seed, migrated, io, close };
}
