import { readFileSync } from 'node:fs';
import { HelpRequested, UsageError } from './cli-flags.ts';

/** Reads a JSON document from a file path, or from stdin for `-`. */
export function readJsonInput(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${path === '-' ? 'standard input' : path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`input: not JSON (${(e as Error).message})`);
  }
}

/**
 * Runs a command's body; a UsageError (or anything else) becomes one stderr line and exit status 2,
 * a request for help the usage on stdout and exit status 0.
 */
export function runCli(main: () => void): void {
  try {
    main();
  } catch (e) {
    if (e instanceof HelpRequested) {
      process.stdout.write(`${e.message}\n`);
      return;
    }
    const message = e instanceof UsageError ? e.message : `internal error: ${(e as Error).message ?? String(e)}`;
    process.stderr.write(`${message.split('\n')[0]}\n`);
    process.exitCode = 2;
  }
}

/** JSON with every non-finite number (a ratio past liquidation) written as null rather than a bare Infinity. */
export const finiteJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2);
