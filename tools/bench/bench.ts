import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * `npm run bench`: the human-readable benches, each in its own process, then the size budgets.
 * `npm run bench -- --json` (or `--quick`): issue 12's suite (suite.ts), JSON on stdout with --json.
 * `npm run bench -- relay [--quick] [--sizes=…] [--workers=…]`: the relay's load bench alone (issue 11).
 * `--browser` adds the end-to-end notification latency in Chromium (notification-latency.ts).
 */
const args = process.argv.slice(2);
const here = import.meta.dirname;
const run = (file: string, extra: readonly string[] = []): number => spawnSync(process.execPath, ['--import', 'tsx', join(here, file), ...extra], { stdio: 'inherit' }).status ?? 1;
if (args[0] === 'relay') process.exitCode = run('../../relay/bench/relay-load.bench.ts', args.slice(1));
else if (args.includes('--json') || args.includes('--quick') || args.includes('--browser')) process.exitCode = run('suite.ts', args);
else {
  for (const file of ['engine.bench.ts', 'parsers.bench.ts', 'replay.bench.ts', 'live-path.bench.ts']) {
    // Options (--positions, --venues, --coalesced-only) are the live-path bench's, as before.
    const status = run(file, file === 'live-path.bench.ts' ? args : []);
    if (status !== 0) process.exit(status);
  }
  run('budgets.ts');
}
