import { replay } from '../../shared/replay/replay.ts';
import { isFieldError } from '../../shared/units/field-error.ts';
import { numberFlag, parseCommandLine, UsageError, type FlagTable } from './cli-flags.ts';
import { finiteJson, readJsonInput, runCli } from './read-json-input.ts';

/** The replay command's flags: one line each (cli-flags.ts). */
const FLAGS = {
  restartEvery: numberFlag('SEC', 'snapshot, JSON round-trip and restore the monitor every SEC s of exchange time', (n) => n > 0, 'seconds > 0'),
} satisfies FlagTable;

/**
 * `npm run -s replay -- FILE|- [--restart-every SEC]`: an account and a price history as JSON in, every
 * alert it would have raised as JSON out. With --restart-every the monitor is saved, read back and
 * restored every SEC seconds of exchange time (docs/monitor-state.md); the output is the same, plus
 * `restarts`, the number of cuts made.
 */
runCli(() => {
  const { flags, args } = parseCommandLine(process.argv.slice(2), { command: 'npm run -s replay --', positionals: ['FILE|-'] }, FLAGS);
  const restartEverySec = flags.restartEvery;
  const result = replay(readJsonInput(args[0] ?? '-'), restartEverySec === undefined ? {} : { restartEverySec });
  if (isFieldError(result)) throw new UsageError(`${result.field}: ${result.message}`);
  const { restarts, ...straight } = result;
  process.stdout.write(`${finiteJson(restartEverySec === undefined ? straight : { ...straight, restarts })}\n`);
});
