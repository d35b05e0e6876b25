import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { ERROR_CODES, type ErrorCode } from '../../contracts/errors.js';
import { isCryptoError } from '../../crypto/errors.js';
import { AppError, isDatabaseConnectionError } from './errors.js';

/** body-parser's error types, mapped to our codes. */
const BODY_PARSER_ERRORS: Record<string, AppError['code']> = {
  'entity.parse.failed': 'MALFORMED_JSON',
  'entity.too.large': 'PAYLOAD_TOO_LARGE',
  'encoding.unsupported': 'UNSUPPORTED_MEDIA_TYPE',
  'charset.unsupported': 'UNSUPPORTED_MEDIA_TYPE',
  'entity.verify.failed': 'MALFORMED_JSON',
  'request.aborted': 'MALFORMED_JSON',
  'request.size.invalid': 'MALFORMED_JSON',
  'stream.encoding.set': 'INTERNAL',
};

export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const type = (error as { type?: string })?.type;
  if (type && BODY_PARSER_ERRORS[type]) {
    return new AppError(BODY_PARSER_ERRORS[type], (error as Error).message, { cause: error });
  }
  // crypto/ throws typed errors; those with a public code (contracts/errors.ts) keep it on the wire.
  if (isCryptoError(error) && error.code in ERROR_CODES) return new AppError(error.code as ErrorCode, error.message, { cause: error });
  if (isDatabaseConnectionError(error)) return new AppError('DB_UNAVAILABLE', undefined, { cause: error });
  return new AppError('INTERNAL', undefined, { cause: error });
}

/** The one renderer: every error leaves as application/problem+json with a stable code. */
export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const appError = toAppError(error);
    const log = (req as { log?: Logger }).log ?? logger;
    if (appError.status >= 500) log.error({ err: error, code: appError.code }, 'request.failed');
    else log.info({ code: appError.code, status: appError.status }, 'request.refused');
    if (res.headersSent) {
      res.end();
      return;
    }
    for (const [name, value] of Object.entries(appError.headers)) res.setHeader(name, value);
    res
      .status(appError.status)
      .type('application/problem+json')
      .send(JSON.stringify(appError.toProblem(req.originalUrl, String(req.id ?? ''))));
  };
}

export const routeNotFound: RequestHandler = (req, _res, next) => {
  next(new AppError('ROUTE_NOT_FOUND', `${req.method} ${req.path}`));
};
