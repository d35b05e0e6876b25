import { describeDatabase, loadConfig, ConfigError } from './config.js';
import { boot } from './boot.js';
import { createLogger } from './kernel/logger.js';
import { DEMO_PASSWORD, DEMO_USERS } from './seed/demo-data.js';

/** `npm start`: read config, migrate, seed an empty database with the demo set, listen. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config);
  const running = await boot(config, logger);
  // Handlers go in before the banner: whoever reads "listening on" may stop us at once.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'server.stopping');
    running
      .close()
      .then(() => {
        logger.info('server.stopped');
        process.exit(0);
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'server.stop_failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  const lines = [
    '',
    `Tenderhall 公共资源交易平台 is listening on ${running.url}`,
    `  database: ${describeDatabase(config)}${running.migrated.length ? ` (applied ${running.migrated.length} migrations)` : ''}`,
    `  data dir: ${config.dataDir}`,
  ];
  if (running.seed) {
    lines.push(`  demo accounts (password ${DEMO_PASSWORD}):`);
    const byRole = new Map<string, string[]>();
    for (const user of DEMO_USERS) byRole.set(user.role, [...(byRole.get(user.role) ?? []), user.username]);
    for (const [role, names] of byRole) lines.push(`    ${role.padEnd(13)} ${names.join(', ')}`);
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`Tenderhall failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
