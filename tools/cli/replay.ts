import { replay } from '../../shared/replay/replay.ts';
import { isFieldError } from '../../shared/units/field-error.ts';
import { parseCommandLine, UsageError, type FlagTable } from './cli-flags.ts';
import { finiteJson, readJsonInput, runCli } from './read-json-input.ts';

/** The replay command's flags: one line each (cli-flags.ts). */
const FLAGS = {} satisfies FlagTable;

/** `npm run -s replay -- FILE|-`: an account and a price history as JSON in, every alert it would have raised as JSON out. */
runCli(() => {
  const { args } = parseCommandLine(process.argv.slice(2), { command: 'npm run -s replay --', positionals: ['FILE|-'] }, FLAGS);
  const result = replay(readJsonInput(args[0] ?? '-'));
  if (isFieldError(result)) throw new UsageError(`${result.field}: ${result.message}`);
  process.stdout.write(`${finiteJson(result)}\n`);
});
