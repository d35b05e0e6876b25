import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { QueryInterface } from 'sequelize';
import { SequelizeStorage, Umzug } from 'umzug';
import type { Db } from './index.js';

export interface MigrationContext {
  queryInterface: QueryInterface;
  db: Db;
}
export interface MigrationModule {
  up(context: MigrationContext): Promise<void>;
  down(context: MigrationContext): Promise<void>;
}

const here = path.dirname(fileURLToPath(import.meta.url));
// migrations/ sits beside server/ both in the source tree and in dist/.
const migrationsDir = path.resolve(here, '..', '..', 'migrations');
const extension = path.extname(fileURLToPath(import.meta.url)); // .ts under tsx, .js when built

/** Migration files in name order; the stored name has no extension so source and build agree. */
function migrationFiles(): { name: string; file: string }[] {
  return fs
    .readdirSync(migrationsDir)
    .filter((f) => f.endsWith(extension) && !f.endsWith('.d.ts') && /^\d{8}-\d{4}-/.test(f))
    .sort()
    .map((f) => ({ name: f.slice(0, -extension.length), file: path.join(migrationsDir, f) }));
}

export function createMigrator(db: Db, log: (message: string) => void = () => {}): Umzug<MigrationContext> {
  return new Umzug<MigrationContext>({
    migrations: migrationFiles().map(({ name, file }) => ({
      name,
      up: async ({ context }) => ((await import(pathToFileURL(file).href)) as MigrationModule).up(context),
      down: async ({ context }) => ((await import(pathToFileURL(file).href)) as MigrationModule).down(context),
    })),
    context: { queryInterface: db.getQueryInterface(), db },
    storage: new SequelizeStorage({ sequelize: db, tableName: 'schema_migrations' }),
    logger: {
      info: (event: Record<string, unknown>) => {
        if (event.event === 'migrated' || event.event === 'reverted') log(`${String(event.event)} ${String(event.name)}`);
      },
      warn: (event: Record<string, unknown>) => log(`warning: ${JSON.stringify(event)}`),
      error: (event: Record<string, unknown>) => log(`error: ${JSON.stringify(event)}`),
      debug: () => {},
    },
  });
}

export async function migrateUp(db: Db, log?: (message: string) => void): Promise<string[]> {
  const done = await createMigrator(db, log).up();
  return done.map((m) => m.name);
}

export async function migrateDownAll(db: Db, log?: (message: string) => void): Promise<string[]> {
  const done = await createMigrator(db, log).down({ to: 0 });
  return done.map((m) => m.name);
}
