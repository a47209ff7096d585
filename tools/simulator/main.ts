import { DEMO_CREDENTIALS } from './accounts/demo-credentials.ts';
import { HelpRequested, UsageError } from '../cli/cli-flags.ts';
import { parseSimArgs } from './cli-options.ts';
import { startSimulator } from './start-simulator.ts';

/** `npm run sim -- --scenario crash --speed 60 --port 8780 [--seed 1]`: runs until Ctrl-C. */
async function main(): Promise<void> {
  const { quiet, ...options } = parseSimArgs(process.argv.slice(2));
  const log = quiet ? undefined : (line: string): void => void process.stdout.write(`[sim] ${line}\n`);
  const sim = await startSimulator({ ...options, ...(log === undefined ? {} : { log }) });
  const c = DEMO_CREDENTIALS;
  process.stdout.write(
    [
      `Margin Sentry exchange simulator: ${sim.url}  (scenario ${options.scenario ?? 'calm'}, speed ${sim.clock.speed}x, seed ${options.seed ?? 1})`,
      `  Binance   REST ${sim.url}/binance/fapi/...   WS ${sim.wsUrl}/binance/market/ws/btcusdt@markPrice@1s   key ${c.binance.apiKey} / ${c.binance.secret}`,
      `  Bybit     REST ${sim.url}/bybit/v5/...       WS ${sim.wsUrl}/bybit/v5/public/linear, /bybit/v5/private   key ${c.bybit.apiKey} / ${c.bybit.secret}`,
      `  OKX       REST ${sim.url}/okx/api/v5/...     WS ${sim.wsUrl}/okx/ws/v5/public, /okx/ws/v5/private   key ${c.okx.apiKey} / ${c.okx.secret} / ${c.okx.passphrase}`,
      `  Hyperliquid    ${sim.url}/hyperliquid/info  WS ${sim.wsUrl}/hyperliquid/ws   address ${c.hyperliquid.address}`,
      '',
    ].join('\n'),
  );
  const stop = (): void => {
    void sim.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  if (e instanceof HelpRequested) {
    process.stdout.write(`${e.message}\n`);
    return;
  }
  process.stderr.write(`${e instanceof UsageError ? e.message : `simulator failed: ${(e as Error).message}`}\n`);
  process.exitCode = 2;
});
