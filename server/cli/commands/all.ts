import { bidPackageCommands } from './bid-package.js';
import { caCommands } from './ca.js';
import { databaseCommands } from './database.js';
import type { CliCommand } from './index.js';
import { receiptCommands } from './receipt.js';
import { sealedBidCommands } from './sealed-bid.js';
import { shareCommands } from './shares.js';

/** Every verb of the `tenderhall` command. Each area adds its table here. */
export const ALL_COMMANDS: CliCommand[] = [...databaseCommands, ...caCommands, ...sealedBidCommands, ...shareCommands, ...receiptCommands, ...bidPackageCommands];
