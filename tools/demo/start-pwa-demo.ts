import type { ScenarioName } from '../market-paths/scenarios.ts';
import { startSimulator, type RunningSimulator } from '../simulator/start-simulator.ts';
import { serveStatic, type StaticServer } from '../test-support/static-server.ts';
import { buildPwaIfNeeded, PWA_DIST } from './pwa-build.ts';

/**
 * `npm start`: the exchange simulator playing a scenario and the built PWA served on loopback in
 * demo mode. The PWA's worker runs the feeds and the monitor itself; this process only serves files
 * and simulates the venues. The URL carries the simulator's origin (`?sim=`), which the PWA remembers.
 */
export interface PwaDemoOptions {
  /** The PWA's port (default 8790; falls back to a free port when taken). */
  readonly port?: number;
  /** The simulator's port (default 8780, same fallback). */
  readonly simPort?: number;
  readonly scenario?: ScenarioName;
  readonly speed?: number;
  readonly seed?: number;
  readonly log?: (line: string) => void;
}

export interface RunningPwaDemo {
  /** Open this: the PWA with the simulator's origin in `?sim=`. */
  readonly url: string;
  readonly simulatorUrl: string;
  readonly simulator: RunningSimulator;
  stop(): Promise<void>;
}

const isAddressInUse = (e: unknown): boolean => (e as { code?: unknown }).code === 'EADDRINUSE';

async function onPortOrAny<T>(port: number, start: (port: number) => Promise<T>): Promise<T> {
  try {
    return await start(port);
  } catch (e) {
    if (port !== 0 && isAddressInUse(e)) return start(0);
    throw e;
  }
}

export async function startPwaDemo(options: PwaDemoOptions = {}): Promise<RunningPwaDemo> {
  await buildPwaIfNeeded(options.log);
  const sim = await onPortOrAny(options.simPort ?? 8780, (port) => startSimulator({ port, scenario: options.scenario ?? 'crash', speed: options.speed ?? 20, seed: options.seed ?? 1 }));
  let site: StaticServer;
  try {
    site = await onPortOrAny(options.port ?? 8790, (port) => serveStatic(PWA_DIST, port));
  } catch (e) {
    await sim.close();
    throw e;
  }
  let stopping: Promise<void> | undefined;
  return {
    url: `${site.origin}/?sim=${encodeURIComponent(sim.url)}`,
    simulatorUrl: sim.url,
    simulator: sim,
    stop() {
      stopping ??= (async () => {
        await site.close();
        await sim.close();
      })();
      return stopping;
    },
  };
}
