import { replay } from '../../shared/replay/replay.ts';
import { finiteJson, readJsonInput, runCli, UsageError } from './read-json-input.ts';
import { isFieldError } from '../../shared/units/field-error.ts';

/** `npm run -s replay -- FILE|-`: an account and a price history as JSON in, every alert it would have raised as JSON out. */
runCli(() => {
  const result = replay(readJsonInput(process.argv[2]));
  if (isFieldError(result)) throw new UsageError(`${result.field}: ${result.message}`);
  process.stdout.write(`${finiteJson(result)}\n`);
});
