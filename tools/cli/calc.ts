import { evaluateAccount } from '../../shared/engine/margin/evaluate-account.ts';
import { parseAccountInput } from '../../shared/exchanges/parse-account-input.ts';
import { marginModels } from '../../shared/exchanges/venues.ts';
import { calcOutput } from './calc-output.ts';
import { finiteJson, readJsonInput, runCli, UsageError } from './read-json-input.ts';
import { isFieldError } from '../../shared/units/field-error.ts';

/** `npm run -s calc -- FILE|-`: an account as JSON in, its risk figures as JSON out. */
runCli(() => {
  const input = parseAccountInput(readJsonInput(process.argv[2]));
  if (isFieldError(input)) throw new UsageError(`${input.field}: ${input.message}`);
  const risk = evaluateAccount(input.account, marginModels[input.account.exchange], input.options);
  process.stdout.write(`${finiteJson(calcOutput(risk))}\n`);
});
