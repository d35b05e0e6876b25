import type { Request, Response } from 'express';
import type { HealthResponse } from '../../contracts/health.js';
import type { Db } from '../db/index.js';

const DB_PROBE_TIMEOUT_MS = 2000;

/** `GET /health`: 200 `{status:"ok"}` when the database answers, 503 `{status:"degraded"}` when not. */
export function healthHandler(db: Db, version: string) {
  return async (_req: Request, res: Response) => {
    let dbOk = false;
    try {
      await Promise.race([
        db.query('SELECT 1'),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), DB_PROBE_TIMEOUT_MS).unref()),
      ]);
      dbOk = true;
    } catch {
      dbOk = false;
    }
    const body: HealthResponse = { status: dbOk ? 'ok' : 'degraded', db: dbOk ? 'ok' : 'unreachable', version };
    res.status(dbOk ? 200 : 503).set('Cache-Control', 'no-store').json(body);
  };
}
