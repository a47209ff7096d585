import { isScenarioName } from '../market-paths/scenarios.ts';
import { startSimulator } from '../simulator/start-simulator.ts';

/**
 * The exchange simulator in a process of its own, for the relay's load bench: its CPU is then not
 * counted as the relay's. Forked with an IPC channel; argv: scenario, speed. It sends `{ url }` once
 * listening. Told `{ jumpToMin: m }`, it moves sim time forward to m minutes after the scenario's start
 * (never back): the bench loads 10,000 devices first, then measures a window of a real-pace scenario
 * from its interesting minute instead of from its calm start. Told `close`, it stops and exits.
 */
const [scenario = 'crash', speedText = '1'] = process.argv.slice(2);
if (!isScenarioName(scenario)) throw new Error(`simulator-process: unknown scenario ${scenario}`);
const sim = await startSimulator({ scenario, speed: Number(speedText), seed: 1, port: 0 });
process.send?.({ url: sim.url });
// A parent gone without saying `close` (killed) takes this process with it.
process.once('disconnect', () => setTimeout(() => process.exit(0), 1_000).unref());
process.on('message', (message: unknown) => {
  if (message === 'close') {
    void sim.close().then(() => process.exit(0));
    return;
  }
  const jump = (message as { jumpToMin?: unknown }).jumpToMin;
  if (typeof jump === 'number' && Number.isFinite(jump)) {
    sim.advance(Math.max(0, sim.clock.startMs + jump * 60_000 - sim.clock.now()));
    process.send?.({ jumpedToMs: sim.clock.now() });
  }
});
