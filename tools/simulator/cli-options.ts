import { choiceFlag, numberFlag, parseCommandLine, switchFlag, textFlag, type FlagTable } from '../cli/cli-flags.ts';
import { SCENARIO_NAMES } from '../market-paths/scenarios.ts';
import type { SimulatorOptions } from './sim-options.ts';

/** The simulator's flags: one line each (tools/cli/cli-flags.ts). */
const FLAGS = {
  scenario: choiceFlag('NAME', `market scenario: ${SCENARIO_NAMES.join(', ')} (default calm)`, SCENARIO_NAMES),
  speed: numberFlag('N', 'market seconds per real second (default 1)', (n) => n > 0 && n <= 10_000, 'a number in (0, 10000]'),
  port: numberFlag('P', 'port to listen on (default 8780; 0 picks a free one)', (n) => Number.isInteger(n) && n >= 0 && n < 65536, 'a port number'),
  seed: numberFlag('S', 'seed of the market path (default 1)', Number.isSafeInteger, 'an integer'),
  host: textFlag('HOST', 'address to listen on (default 127.0.0.1)', (h) => h.trim() !== '', 'a host name or address'),
  quiet: switchFlag('no log lines'),
} satisfies FlagTable;

/** `--scenario crash --speed 60 --port 8780 --seed 1` → options (also accepts `--flag=value`). */
export function parseSimArgs(argv: readonly string[]): SimulatorOptions & { readonly quiet: boolean } {
  const { flags } = parseCommandLine(argv, { command: 'npm run sim --', positionals: [] }, FLAGS);
  const { scenario, speed, port, seed, host, quiet } = flags;
  return {
    scenario: scenario ?? 'calm',
    quiet: quiet ?? false,
    ...(speed === undefined ? {} : { speed }),
    ...(port === undefined ? {} : { port }),
    ...(seed === undefined ? {} : { seed }),
    ...(host === undefined ? {} : { host }),
  };
}
