import { SCENARIO_NAMES, isScenarioName } from '../market-paths/scenarios.ts';
import type { SimulatorOptions } from './sim-options.ts';

/** A command-line mistake: printed as one line, exit status 2. */
export class SimUsageError extends Error {}

export const SIM_USAGE = `usage: npm run sim -- [--scenario ${SCENARIO_NAMES.join('|')}] [--speed N] [--port P] [--seed S] [--host 127.0.0.1] [--quiet]`;

/** `--scenario crash --speed 60 --port 8780 --seed 1` → options (also accepts `--flag=value`). */
export function parseSimArgs(argv: readonly string[]): SimulatorOptions & { readonly quiet: boolean } {
  const values = new Map<string, string>();
  let quiet = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '--quiet') {
      quiet = true;
      continue;
    }
    if (arg === '--help' || arg === '-h') throw new SimUsageError(SIM_USAGE);
    const m = /^--([a-z]+)(?:=(.*))?$/.exec(arg);
    if (m === null || m[1] === undefined) throw new SimUsageError(`unexpected argument ${JSON.stringify(arg)}; ${SIM_USAGE}`);
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new SimUsageError(`--${m[1]} needs a value`);
    values.set(m[1], value);
  }
  const number = (name: string, ok: (n: number) => boolean, rule: string): number | undefined => {
    const raw = values.get(name);
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (raw.trim() === '' || !ok(n)) throw new SimUsageError(`--${name} must be ${rule}, got ${JSON.stringify(raw)}`);
    return n;
  };
  for (const name of values.keys()) {
    if (!['scenario', 'speed', 'port', 'seed', 'host'].includes(name)) throw new SimUsageError(`unknown option --${name}; ${SIM_USAGE}`);
  }
  const scenario = values.get('scenario') ?? 'calm';
  if (!isScenarioName(scenario)) throw new SimUsageError(`--scenario must be one of ${SCENARIO_NAMES.join(', ')}, got ${JSON.stringify(scenario)}`);
  const speed = number('speed', (n) => Number.isFinite(n) && n > 0 && n <= 10_000, 'a number in (0, 10000]');
  const port = number('port', (n) => Number.isInteger(n) && n >= 0 && n < 65536, 'a port number');
  const seed = number('seed', Number.isSafeInteger, 'an integer');
  const host = values.get('host');
  return {
    scenario,
    quiet,
    ...(speed === undefined ? {} : { speed }),
    ...(port === undefined ? {} : { port }),
    ...(seed === undefined ? {} : { seed }),
    ...(host === undefined ? {} : { host }),
  };
}
