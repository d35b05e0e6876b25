import type { Db } from '../../db/index.js';
import type { Config } from '../../config.js';
import { CliUsageError, type CliCommand } from './index.js';

/** Commands against the configured database (same environment variables as the server). */
// Imported when a database verb runs, so the crypto verbs start without loading Sequelize.
async function withDb<T>(work: (db: Db, config: Config) => Promise<T>): Promise<T> {
  const { loadConfig } = await import('../../config.js');
  const { createDatabase } = await import('../../db/index.js');
  const config = loadConfig();
  const db = createDatabase(config);
  try {
    return await work(db, config);
  } finally {
    await db.close();
  }
}

export const databaseCommands: CliCommand[] = [
  {
    verbs: ['audit', 'verify'],
    usage: 'audit verify [--json]',
    summary: 'check the whole audit hash chain; exit 1 and name the first broken seq',
    options: { json: { type: 'boolean' } },
    run: ({ values }) =>
      withDb(async (db) => {
        const { AuditLog } = await import('../../kernel/audit/service.js');
        const { systemClock } = await import('../../kernel/clock.js');
        const { loadConfig } = await import('../../config.js');
        const { isCaDir, loadCaDir } = await import('../../../crypto/node/ca-dir.js');
        const { openPlatformSignature } = await import('../../modules/certificates/index.js');
        const audit = new AuditLog(db, systemClock);
        // Checkpoints are checked against the platform CA in CA_DIR (verify only: the CLI never signs).
        const caDir = loadConfig().caDir;
        if (await isCaDir(caDir)) {
          const ca = await loadCaDir(caDir);
          audit.useCheckpointSigner({
            sign: () => Promise.reject(new Error('the CLI does not sign checkpoints')),
            opener: async () => (signature) => openPlatformSignature(signature, { rootPem: ca.root.certPem, issuingPem: ca.issuing.certPem, now: new Date() }),
          });
        }
        const result = await audit.verify();
        if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        else if (result.ok) process.stdout.write(`audit chain OK: ${result.checked} events, ${result.checkpoints} signed checkpoint(s), head seq ${result.headSeq}, head hash ${result.headHash}\n`);
        else process.stdout.write(`audit chain BROKEN at seq ${result.firstBrokenSeq}: ${result.reason}\n`);
        return result.ok ? 0 : 1;
      }),
  },
  {
    verbs: ['migrate'],
    usage: 'migrate up | down [--to NAME|0] | status',
    summary: 'apply, revert (the last one, or down to NAME; 0 = all) or list migrations',
    options: { to: { type: 'string' } },
    positionals: true,
    run: ({ values, positionals }) =>
      withDb(async (db, config) => {
        const { createMigrator } = await import('../../db/migrator.js');
        const { describeDatabase } = await import('../../config.js');
        const migrator = createMigrator(db, (m) => process.stdout.write(`${m}\n`));
        const [direction] = positionals;
        if (direction === 'up') {
          const done = await migrator.up();
          process.stdout.write(`${describeDatabase(config)}: ${done.length} migration(s) applied\n`);
          return 0;
        }
        if (direction === 'down') {
          const to = values.to === '0' ? 0 : (values.to as string | undefined);
          const done = to === undefined ? await migrator.down() : await migrator.down({ to: to as 0 });
          process.stdout.write(`${describeDatabase(config)}: ${done.length} migration(s) reverted\n`);
          return 0;
        }
        if (direction === 'status') {
          for (const m of await migrator.executed()) process.stdout.write(`applied  ${m.name}\n`);
          for (const m of await migrator.pending()) process.stdout.write(`pending  ${m.name}\n`);
          return 0;
        }
        throw new CliUsageError('migrate takes up, down or status');
      }),
  },
  {
    verbs: ['seed'],
    usage: 'seed',
    summary: 'load the demo data set into an empty database',
    options: {},
    run: () =>
      withDb(async (db, config) => {
        const { AuditLog } = await import('../../kernel/audit/service.js');
        const { systemClock } = await import('../../kernel/clock.js');
        const { IdentityService } = await import('../../modules/identity/index.js');
        const { seedDemo } = await import('../../seed/seed.js');
        const identity = new IdentityService(db, new AuditLog(db, systemClock), systemClock, config);
        await identity.start();
        const result = await seedDemo(identity, config.scryptLogN);
        process.stdout.write(result.seeded ? 'demo data loaded\n' : 'database already has users; left alone\n');
        return 0;
      }),
  },
];
