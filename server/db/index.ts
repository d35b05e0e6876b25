import fs from 'node:fs';
import path from 'node:path';
import { Sequelize, Transaction, type Options } from 'sequelize';
import type { Config } from '../config.js';

export type Db = Sequelize;
export type { Transaction };

/** How long a SQLite connection waits for another writer before giving up (ms). */
const SQLITE_BUSY_TIMEOUT_MS = 10_000;

/**
 * Opens the database named by the config. SQLite is the embedded default; mysql:// URLs go to
 * MySQL/MariaDB through mysql2. Times are stored in UTC with millisecond precision on both.
 */
export function createDatabase(config: Pick<Config, 'database'>, logging: false | ((sql: string) => void) = false): Db {
  const common: Options = {
    logging,
    timezone: '+00:00',
    define: { underscored: true, timestamps: false, charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' },
    retry: { max: 0 },
  };
  if (config.database.dialect === 'sqlite') {
    const storage = config.database.storage;
    if (storage !== ':memory:') fs.mkdirSync(path.dirname(storage), { recursive: true });
    const db = new Sequelize({
      ...common,
      dialect: 'sqlite',
      storage,
      // IMMEDIATE takes the write lock at BEGIN: two writers queue on busy_timeout instead of
      // deadlocking when both upgrade from a read lock (which SQLite answers with SQLITE_BUSY at once).
      transactionType: Transaction.TYPES.IMMEDIATE,
    });
    configureSqliteConnections(db);
    serialiseSqliteTransactions(db);
    return db;
  }
  const db = new Sequelize(config.database.url, {
    ...common,
    dialect: 'mysql',
    dialectOptions: { charset: 'utf8mb4', dateStrings: false, supportBigNumbers: true, bigNumberStrings: false },
    pool: { max: 10, min: 0, idle: 10_000, acquire: 30_000 },
  });
  retryMysqlDeadlocks(db);
  return db;
}

/**
 * InnoDB resolves a deadlock by rolling one transaction back (ER_LOCK_DEADLOCK, 1213); the work is
 * undone, so a managed transaction is simply run again (a few times, with a short random pause).
 * Hooks registered with afterCommit belong to the attempt that commits.
 */
function retryMysqlDeadlocks(db: Db): void {
  const original = db.transaction.bind(db) as (...args: unknown[]) => Promise<unknown>;
  (db as unknown as { transaction: (...args: unknown[]) => Promise<unknown> }).transaction = async (...args: unknown[]) => {
    if (!args.some((a) => typeof a === 'function')) return original(...args);
    for (let attempt = 1; ; attempt++) {
      try {
        return await original(...args);
      } catch (error) {
        const parent = (error as { parent?: { errno?: number; code?: string } }).parent;
        const deadlock = parent?.errno === 1213 || parent?.code === 'ER_LOCK_DEADLOCK';
        if (!deadlock || attempt >= 4) throw error;
        await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 40 * attempt));
      }
    }
  };
}

/**
 * Sequelize's SQLite dialect opens one connection per transaction and offers no hook for new
 * connections, so wrap getConnection to give each one a busy timeout and WAL journaling.
 */
function configureSqliteConnections(db: Db): void {
  const manager = db.connectionManager as unknown as {
    getConnection(options?: unknown): Promise<SqliteConnection>;
  };
  const original = manager.getConnection.bind(manager);
  const configured = new WeakSet<object>();
  manager.getConnection = async (options?: unknown) => {
    const connection = await original(options);
    if (!configured.has(connection)) {
      configured.add(connection);
      connection.configure('busyTimeout', SQLITE_BUSY_TIMEOUT_MS);
      await new Promise<void>((resolve, reject) =>
        connection.exec('PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;', (err) => (err ? reject(err) : resolve())),
      );
    }
    return connection;
  };
}

/**
 * One SQLite write transaction at a time per process. node-sqlite3 waits out SQLITE_BUSY on a libuv
 * pool thread; with more waiting transactions than pool threads (4) the one holding the lock cannot
 * run its next statement and everything stalls until the busy timeout. Queueing transactions here
 * avoids that; the busy timeout still covers other processes sharing the file.
 */
function serialiseSqliteTransactions(db: Db): void {
  let tail: Promise<void> = Promise.resolve();
  /** Waits for the previous holder; answers the function that lets the next one in. */
  const acquire = async (): Promise<() => void> => {
    let release!: () => void;
    const previous = tail;
    tail = new Promise<void>((resolve) => (release = resolve));
    await previous;
    return release;
  };
  const original = db.transaction.bind(db) as (...args: unknown[]) => Promise<unknown>;
  (db as unknown as { transaction: (...args: unknown[]) => Promise<unknown> }).transaction = async (...args: unknown[]) => {
    const release = await acquire();
    const managed = args.some((a) => typeof a === 'function');
    if (managed) {
      try {
        return await original(...args);
      } finally {
        release();
      }
    }
    // Unmanaged (Sequelize's own findOrCreate uses these): let the next one in at commit or rollback.
    try {
      const t = (await original(...args)) as Transaction;
      let released = false;
      const once = () => {
        if (!released) {
          released = true;
          release();
        }
      };
      for (const method of ['commit', 'rollback'] as const) {
        const end = t[method].bind(t);
        t[method] = async () => {
          try {
            await end();
          } finally {
            once();
          }
        };
      }
      return t;
    } catch (error) {
      release();
      throw error;
    }
  };
}

interface SqliteConnection {
  configure(option: 'busyTimeout', value: number): void;
  exec(sql: string, callback: (err: Error | null) => void): void;
}

export function dialectOf(db: Db): 'sqlite' | 'mysql' {
  return db.getDialect() === 'sqlite' ? 'sqlite' : 'mysql';
}

/** Row lock for "read then update" on MySQL; SQLite's IMMEDIATE transaction already holds the write lock. */
export function lockFor(t: Transaction): { transaction: Transaction; lock: Transaction['LOCK']['UPDATE'] } {
  return { transaction: t, lock: t.LOCK.UPDATE };
}
