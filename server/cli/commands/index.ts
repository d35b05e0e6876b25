import { readFile } from 'node:fs/promises';

/**
 * The `tenderhall` command's verbs. Each area (ca, sealed bids, shares, receipts, database) exports
 * a table of commands from its own file; main.ts dispatches on the longest matching verb path.
 */
export interface CliCommand {
  /** Verb path, e.g. ['ca', 'issue'] or ['seal']. */
  verbs: string[];
  /** One usage line: `ca issue --dir DIR --csr CSR [--role ROLE] --out CRT`. */
  usage: string;
  summary: string;
  /** node:util parseArgs option declarations. */
  options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>;
  /** Allows trailing positionals (e.g. `share combine --out KEY SHARE…`). */
  positionals?: boolean;
  /** Returns the exit code: 0 ok, 1 the check failed, 2 usage. Throw CliUsageError for bad flags. */
  run(args: { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] }): Promise<number>;
}

export class CliUsageError extends Error {}

/** Reads a file a flag names; a missing or unreadable file is a usage error naming the flag's role. */
export async function readBytes(path: string, what: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    throw new CliUsageError(`cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

export const readText = async (path: string, what: string): Promise<string> => new TextDecoder().decode(await readBytes(path, what));

/** A required string flag, or a usage error naming it. */
export function required(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new CliUsageError(`--${name} is required`);
  return value;
}
