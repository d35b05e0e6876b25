import { ERROR_CODES, PROBLEM_TYPE_BASE, type ErrorCode, type FieldProblem, type Problem } from '../../contracts/errors.js';

/** The one error family. Services throw these; one renderer turns them into problem+json. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly errors: FieldProblem[] | undefined;
  readonly extra: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(
    code: ErrorCode,
    detail?: string,
    options: { errors?: FieldProblem[]; extra?: Record<string, unknown>; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(detail ?? ERROR_CODES[code].title, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.errors = options.errors;
    this.extra = options.extra ?? {};
    this.headers = options.headers ?? {};
  }

  toProblem(instance?: string, requestId?: string): Problem {
    const problem: Problem = {
      type: PROBLEM_TYPE_BASE + this.code.toLowerCase().replace(/_/g, '-'),
      title: ERROR_CODES[this.code].title,
      status: this.status,
      code: this.code,
      ...this.extra,
    };
    if (this.message && this.message !== problem.title) problem.detail = this.message;
    if (instance) problem.instance = instance;
    if (requestId) problem.requestId = requestId;
    if (this.errors?.length) problem.errors = this.errors;
    return problem;
  }
}

export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`);

/**
 * Driver errors from both dialects mean the same thing to a client: a unique key taken is a
 * conflict whether SQLite says SQLITE_CONSTRAINT or MySQL ER_DUP_ENTRY.
 */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { name?: string; parent?: { code?: string; errno?: number }; original?: { code?: string } };
  if (e?.name === 'SequelizeUniqueConstraintError') return true;
  const code = e?.parent?.code ?? e?.original?.code;
  return code === 'ER_DUP_ENTRY' || (code === 'SQLITE_CONSTRAINT' && /UNIQUE/i.test(String((error as Error).message)));
}

export function isDatabaseConnectionError(error: unknown): boolean {
  const name = (error as { name?: string })?.name ?? '';
  return /Sequelize(Connection|HostNotFound|HostNotReachable|ConnectionRefused|ConnectionTimedOut|AccessDenied)/.test(name);
}
