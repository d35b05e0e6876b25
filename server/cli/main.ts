import { parseArgs } from 'node:util';
import { ConfigError, describeDatabase, loadConfig } from '../config.js';
import { createDatabase } from '../db/index.js';
import { createMigrator } from '../db/migrator.js';
import { AuditLog } from '../kernel/audit/service.js';
import { systemClock } from '../kernel/clock.js';
import { IdentityService } from '../modules/identity/index.js';
import { seedDemo } from '../seed/seed.js';

/**
 * `tenderhall <verb>`: operator commands against the configured database (same environment
 * variables as the server). Exit codes: 0 success, 1 the check failed, 2 usage or configuration.
 */
const USAGE = `usage: tenderhall <command> [options]

commands:
  audit verify [--json]        check the whole audit hash chain; exit 1 and name the first broken seq
  migrate up                   apply pending migrations
  migrate down [--to NAME|0]   revert the last migration, or down to NAME (0 = all)
  migrate status               list applied and pending migrations
  seed                         load the demo data set into an empty database
  help                         this text

configuration comes from the environment (DATABASE_URL, DATA_DIR, …; see README).
`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false }, to: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const [command, sub] = positionals;
  if (!command || command === 'help' || values.help) {
    process.stdout.write(USAGE);
    return command || values.help ? 0 : 2;
  }
  const config = loadConfig();
  const db = createDatabase(config);
  try {
    if (command === 'audit' && sub === 'verify') {
      const result = await new AuditLog(db, systemClock).verify();
      if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else if (result.ok) {
        process.stdout.write(`audit chain OK: ${result.checked} events, head seq ${result.headSeq}, head hash ${result.headHash}\n`);
      } else {
        process.stdout.write(`audit chain BROKEN at seq ${result.firstBrokenSeq}: ${result.reason}\n`);
      }
      return result.ok ? 0 : 1;
    }
    if (command === 'migrate') {
      const migrator = createMigrator(db, (m) => process.stdout.write(`${m}\n`));
      if (sub === 'up') {
        const done = await migrator.up();
        process.stdout.write(`${describeDatabase(config)}: ${done.length} migration(s) applied\n`);
        return 0;
      }
      if (sub === 'down') {
        const to = values.to === '0' ? 0 : values.to;
        const done = to === undefined ? await migrator.down() : await migrator.down({ to: to as 0 | string });
        process.stdout.write(`${describeDatabase(config)}: ${done.length} migration(s) reverted\n`);
        return 0;
      }
      if (sub === 'status') {
        for (const m of await migrator.executed()) process.stdout.write(`applied  ${m.name}\n`);
        for (const m of await migrator.pending()) process.stdout.write(`pending  ${m.name}\n`);
        return 0;
      }
    }
    if (command === 'seed') {
      const identity = new IdentityService(db, new AuditLog(db, systemClock), systemClock, config);
      await identity.start();
      const result = await seedDemo(identity, config.scryptLogN);
      process.stdout.write(result.seeded ? 'demo data loaded\n' : 'database already has users; left alone\n');
      return 0;
    }
    process.stderr.write(`unknown command: ${positionals.join(' ')}\n\n${USAGE}`);
    return 2;
  } finally {
    await db.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError || (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      process.stderr.write(`${(error as Error).message}\n`);
      process.exit(2);
    }
    process.stderr.write(`tenderhall: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
