import { isReplayError } from '../../shared/replay/parse-replay-document.ts';
import { replay } from '../../shared/replay/replay.ts';
import { finiteJson, readJsonInput, runCli, UsageError } from './read-json-input.ts';

/**
 * `npm run -s replay -- FILE|- [--restart-every SEC]`: an account and a price history as JSON in, every
 * alert it would have raised as JSON out. With --restart-every the monitor is saved, read back and
 * restored every SEC seconds of exchange time (docs/monitor-state.md); the output is the same, plus
 * `restarts`, the number of cuts made.
 */
runCli(() => {
  const args = process.argv.slice(2);
  const flag = args.indexOf('--restart-every');
  let restartEverySec: number | undefined;
  if (flag >= 0) {
    const raw = args[flag + 1];
    restartEverySec = Number(raw);
    if (raw === undefined || raw.trim() === '' || !Number.isFinite(restartEverySec) || restartEverySec <= 0) {
      throw new UsageError(`--restart-every: expected seconds > 0, got ${raw === undefined ? 'nothing' : JSON.stringify(raw)}`);
    }
    args.splice(flag, 2);
  }
  const result = replay(readJsonInput(args[0]), restartEverySec === undefined ? {} : { restartEverySec });
  if (isReplayError(result)) throw new UsageError(`${result.field}: ${result.message}`);
  const { restarts, ...straight } = result;
  process.stdout.write(`${finiteJson(restartEverySec === undefined ? straight : { ...straight, restarts })}\n`);
});
