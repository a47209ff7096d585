import { evaluateAccount } from '../../shared/engine/margin/evaluate-account.ts';
import { parseAccountInput } from '../../shared/exchanges/parse-account-input.ts';
import { marginModels } from '../../shared/exchanges/venues.ts';
import { isFieldError } from '../../shared/units/field-error.ts';
import { calcOutput } from './calc-output.ts';
import { parseCommandLine, UsageError } from './cli-flags.ts';
import { finiteJson, readJsonInput, runCli } from './read-json-input.ts';

/** `npm run -s calc -- FILE|-`: an account as JSON in, its risk figures as JSON out. */
runCli(() => {
  const { args } = parseCommandLine(process.argv.slice(2), { command: 'npm run -s calc --', positionals: ['FILE|-'] }, {});
  const input = parseAccountInput(readJsonInput(args[0] ?? '-'));
  if (isFieldError(input)) throw new UsageError(`${input.field}: ${input.message}`);
  const risk = evaluateAccount(input.account, marginModels[input.account.exchange], input.options);
  process.stdout.write(`${finiteJson(calcOutput(risk))}\n`);
});
