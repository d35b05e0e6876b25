import { parseArgs } from 'node:util';
import { isCryptoError } from '../../crypto/errors.js';
import { ConfigError } from '../config.js';
import { ALL_COMMANDS } from './commands/all.js';
import { CliUsageError, type CliCommand } from './commands/index.js';

/**
 * `tenderhall <verb> [flags]`. Exit codes: 0 success, 1 the check or operation failed (a one-line
 * reason on stderr), 2 usage or configuration error.
 */
function usage(): string {
  const lines = ALL_COMMANDS.map((c) => `  ${c.usage.padEnd(58)} ${c.summary}`);
  return `usage: tenderhall <command> [options]\n\ncommands:\n${lines.join('\n')}\n  help\n\nconfiguration comes from the environment (DATABASE_URL, DATA_DIR, …; see README).\n`;
}

function findCommand(argv: string[]): { command: CliCommand; rest: string[] } | null {
  let best: CliCommand | null = null;
  for (const command of ALL_COMMANDS) {
    const matches = command.verbs.every((v, i) => argv[i] === v);
    if (matches && (!best || command.verbs.length > best.verbs.length)) best = command;
  }
  return best ? { command: best, rest: argv.slice(best.verbs.length) } : null;
}

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h') {
    process.stdout.write(usage());
    return argv.length === 0 ? 2 : 0;
  }
  const found = findCommand(argv);
  if (!found) {
    process.stderr.write(`unknown command: ${argv.join(' ')}\n\n${usage()}`);
    return 2;
  }
  const { values, positionals } = parseArgs({
    args: found.rest,
    options: found.command.options,
    allowPositionals: found.command.positionals ?? false,
    strict: true,
  });
  return found.command.run({ values: values as Record<string, string | boolean | string[] | undefined>, positionals });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const code = (error as { code?: string }).code ?? '';
    if (error instanceof CliUsageError || error instanceof ConfigError || code.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`tenderhall: ${(error as Error).message}\n`);
      process.exit(2);
    }
    if (isCryptoError(error)) {
      process.stderr.write(`tenderhall: ${error.code}: ${error.message}\n`);
      process.exit(1);
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`tenderhall: ${message}\n`);
    if (process.env.TENDERHALL_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
    process.exit(1);
  },
);
