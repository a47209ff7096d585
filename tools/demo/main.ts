import { isScenarioName, SCENARIO_NAMES, type ScenarioName } from '../market-paths/scenarios.ts';
import { startPwaDemo, type PwaDemoOptions, type RunningPwaDemo } from './start-pwa-demo.ts';

/**
 * `npm start`: the simulator playing a crash and the built PWA (built first if its sources changed)
 * served on loopback in demo mode; the PWA's worker runs the four venue feeds and the engine. `npm start -- --scenario calm --speed 1 --port 8790 --sim-port 8780 --seed 1 --quiet`.
 * Ctrl-C stops everything and exits 0.
 */
const USAGE = `usage: npm start -- [--scenario ${SCENARIO_NAMES.join('|')}] [--speed N] [--port P] [--sim-port P] [--seed S] [--quiet]`;

class UsageError extends Error {}

type Options = Omit<PwaDemoOptions, 'log'>;

function parseArgs(argv: readonly string[]): Options & { quiet: boolean } {
  const out: { -readonly [K in keyof Options]: Options[K] } & { quiet: boolean } = { quiet: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '--quiet') {
      out.quiet = true;
      continue;
    }
    if (arg === '--help' || arg === '-h') throw new UsageError(USAGE);
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    const value = m?.[2] ?? argv[i + 1];
    if (m?.[2] === undefined) i += 1;
    if (m === null || value === undefined) throw new UsageError(`unexpected ${JSON.stringify(arg)}; ${USAGE}`);
    const n = Number(value);
    const port = () => {
      if (!(Number.isInteger(n) && n >= 0 && n < 65536)) throw new UsageError(`--${m[1]} must be a port number, got ${JSON.stringify(value)}`);
      return n;
    };
    switch (m[1]) {
      case 'scenario':
        if (!isScenarioName(value)) throw new UsageError(`--scenario must be one of ${SCENARIO_NAMES.join(', ')}`);
        out.scenario = value as ScenarioName;
        break;
      case 'speed':
        if (!(Number.isFinite(n) && n > 0 && n <= 10_000)) throw new UsageError(`--speed must be a number in (0, 10000], got ${JSON.stringify(value)}`);
        out.speed = n;
        break;
      case 'port':
        out.port = port();
        break;
      case 'sim-port':
        out.simPort = port();
        break;
      case 'seed':
        if (!Number.isSafeInteger(n)) throw new UsageError(`--seed must be an integer, got ${JSON.stringify(value)}`);
        out.seed = n;
        break;
      default:
        throw new UsageError(`unknown option --${m[1]}; ${USAGE}`);
    }
  }
  return out;
}

async function main(): Promise<void> {
  const { quiet, ...options } = parseArgs(process.argv.slice(2));
  const say = (line: string): void => void process.stdout.write(`${line}\n`);
  // Handlers first: a Ctrl-C while the simulator is still starting must exit cleanly too.
  let demo: RunningPwaDemo | undefined;
  const stop = (): void => {
    void (demo?.stop() ?? Promise.resolve()).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  demo = await startPwaDemo({ ...options, ...(quiet ? {} : { log: say }) });
  say(`Margin Sentry (PWA, demo mode): open ${demo.url}`);
  say(`  scenario ${options.scenario ?? 'crash'} at ${options.speed ?? 20}x on the exchange simulator ${demo.simulatorUrl} (no keys, no internet)`);
  say('  Ctrl-C to stop');
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof UsageError ? e.message : `demo failed: ${e instanceof Error ? e.message : String(e)}`}\n`);
  process.exit(e instanceof UsageError ? 2 : 1);
});
