import { databaseCommands } from './database.js';
import type { CliCommand } from './index.js';

/** Every verb of the `tenderhall` command. Each area adds its table here. */
export const ALL_COMMANDS: CliCommand[] = [...databaseCommands];
