import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import cookieParser from 'cookie-parser';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Config } from './config.js';
import type { Db } from './db/index.js';
import { auditRoutes } from './kernel/audit/routes.js';
import { AuditLog } from './kernel/audit/service.js';
import { CalendarService, calendarRoutes } from './kernel/calendar/index.js';
import type { Clock } from './kernel/clock.js';
import { healthHandler } from './kernel/health.js';
import { mountRoutes, type RouteSpec } from './kernel/http.js';
import type { Logger } from './kernel/logger.js';
import { projectRoot } from './kernel/paths.js';
import { problemHandler, routeNotFound } from './kernel/problem.js';
import { CertificateService, certificateRoutes } from './modules/certificates/index.js';
import { IdentityService, identityRoutes } from './modules/identity/index.js';
import { RulesService, rulesRoutes } from './kernel/rules/service.js';
import { BlobStore } from './kernel/storage.js';
import { Scheduler } from './kernel/lifecycle/scheduler.js';
import { CreditService } from './modules/credit/service.js';
import { creditRoutes } from './modules/credit/routes.js';
import { TradeService } from './modules/trades/service.js';
import { tradeRoutes } from './modules/trades/routes.js';
import { dueTrades } from './modules/trades/schedule.js';
import { Notifier } from './modules/trades/notifier.js';
import { BidService } from './modules/bids/service.js';
import { bidRoutes } from './modules/bids/routes.js';
import { defineTradeModels } from './modules/trades/models.js';
import { OpeningService } from './modules/opening/service.js';
import { openingRoutes } from './modules/opening/routes.js';
import { ExpertService } from './modules/experts/service.js';
import { expertRoutes } from './modules/experts/routes.js';
import { EvaluationService } from './modules/evaluation/service.js';
import { evaluationRoutes } from './modules/evaluation/routes.js';
import { RecheckService } from './modules/recheck/service.js';
import { recheckRoutes } from './modules/recheck/routes.js';
import { AwardService } from './modules/award/service.js';
import { awardRoutes } from './modules/award/routes.js';
import { ComplaintService } from './modules/complaints/service.js';
import { complaintRoutes } from './modules/complaints/routes.js';

export interface AppDeps {
  config: Config;
  db: Db;
  clock: Clock;
  logger: Logger;
}

export interface Services {
  audit: AuditLog;
  identity: IdentityService;
  certificates: CertificateService;
  calendar: CalendarService;
  rules: RulesService;
  blobs: BlobStore;
  trades: TradeService;
  bids: BidService;
  scheduler: Scheduler;
  opening: OpeningService;
  experts: ExpertService;
  evaluation: EvaluationService;
  credit: CreditService;
  recheck: RecheckService;
  award: AwardService;
  complaints: ComplaintService;
}

export interface Tenderhall {
  app: Express;
  services: Services;
  /** Every declared API route with its guard: the role × route test walks this. */
  routes: readonly RouteSpec[];
}

const version = (JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;

/** Builds the Express app and the services behind it; does not listen (main.ts and tests do). */
export async function createApp({ config, db, clock, logger }: AppDeps): Promise<Tenderhall> {
  const audit = new AuditLog(db, clock);
  const identity = new IdentityService(db, audit, clock, config);
  await identity.start();
  const certificates = new CertificateService(db, audit, clock, identity, config, logger);
  await certificates.start();
  // The audit head is signed with the platform key (CA_DIR), which a database insider does not hold.
  audit.useCheckpointSigner(await certificates.checkpointSigner());
  const calendar = new CalendarService(db, audit, identity.regions, clock);
  const rules = new RulesService(db, audit, clock, identity.regions);
  const blobs = new BlobStore(config.dataDir, logger);
  await blobs.start();
  const notifier = new Notifier(defineTradeModels(db), clock);
  const credit = new CreditService(db, audit, clock, identity, certificates, rules, config, logger);
  await credit.start();
  const trades = new TradeService(db, audit, clock, identity, certificates, rules, calendar, credit.gate, blobs, notifier, logger);
  const bids = new BidService(db, audit, clock, identity, certificates, trades, blobs);
  const scheduler = new Scheduler(dueTrades(trades), clock, logger, config.schedulerPollMs);
  trades.scheduler = scheduler;
  const opening = new OpeningService(db, audit, clock, identity, trades, bids, blobs, config, logger);
  opening.scheduler = scheduler;
  scheduler.add(opening.dueSource());
  const experts = new ExpertService(db, audit, clock, identity, trades, bids, credit);
  const evaluation = new EvaluationService(db, audit, clock, identity, certificates, trades, opening, experts, bids, credit, config);
  experts.onAccepted = (tradeId, userId) => evaluation.joinIfRunning(tradeId, userId);
  const recheck = new RecheckService(db, audit, clock, identity, certificates, trades, opening, experts, evaluation, config);
  const award = new AwardService(db, audit, clock, identity, certificates, trades, bids, evaluation, credit.gate, blobs, config, logger);
  const complaints = new ComplaintService(db, audit, clock, identity, calendar, trades, bids, opening, recheck, award, blobs);
  for (const source of [...recheck.dueSources(), ...award.dueSources(), ...complaints.dueSources(), ...credit.dueSources()]) scheduler.add(source);
  const services: Services = { audit, identity, certificates, calendar, rules, blobs, trades, bids, scheduler, opening, experts, evaluation, credit, recheck, award, complaints };

  const routes: RouteSpec[] = [
    ...identityRoutes(identity, config),
    ...auditRoutes(audit),
    ...certificateRoutes(certificates),
    ...calendarRoutes(calendar),
    ...rulesRoutes(rules),
    ...tradeRoutes(trades, blobs, config),
    ...bidRoutes(bids, blobs, config),
    ...openingRoutes(opening),
    ...expertRoutes(experts),
    ...evaluationRoutes(evaluation),
    ...recheckRoutes(recheck),
    ...awardRoutes(award),
    ...complaintRoutes(complaints, config),
    ...creditRoutes(credit),
  ];

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && /^[A-Za-z0-9._-]{8,64}$/.test(incoming) ? incoming : crypto.randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug'),
      autoLogging: { ignore: (req) => req.url === '/health' },
    }),
  );
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: { 'default-src': ["'self'"], 'style-src': ["'self'", "'unsafe-inline'"], 'img-src': ["'self'", 'data:'] },
      },
      hsts: config.cookieSecure,
    }),
  );
  app.use(cookieParser());
  app.get('/health', healthHandler(db, version));

  const api = express.Router();
  api.use(express.json({ limit: config.jsonBodyLimit, strict: true, type: ['application/json', 'application/*+json'] }));
  mountRoutes(api, routes, { actors: identity.sessions, jurisdiction: identity.regions });
  app.use(api);
  app.use('/api', routeNotFound);

  serveClient(app, config.clientDir);
  app.use(routeNotFound);
  app.use(problemHandler(logger));
  return { app, services, routes };
}

/** The built web client, with index.html for any other GET so client-side routes survive a reload. */
function serveClient(app: Express, clientDir: string): void {
  const index = path.join(clientDir, 'index.html');
  app.use(express.static(clientDir, { index: false, maxAge: '1h', setHeaders: noCacheForHtml }));
  app.get(/^\/(?!api\/|health$).*/, (_req, res, next) => {
    if (!fs.existsSync(index)) {
      res
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('Tenderhall web client is not built. Run `npm run build` (or `npm start`, which builds it).\n');
      return;
    }
    res.set('Cache-Control', 'no-cache');
    res.sendFile(index, (err) => (err ? next(err) : undefined));
  });
}

function noCacheForHtml(res: express.Response, file: string): void {
  if (file.endsWith('.html')) res.setHeader('Cache-Control', 'no-cache');
}
