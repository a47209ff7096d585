import { DEFAULT_PUSH_CONNECTIONS, pushWindowFor } from './push/push-post.ts';

/**
 * The relay's configuration: flags first, then environment (RELAY_PORT, RELAY_HOST, RELAY_DATA,
 * RELAY_STORE, RELAY_SHARD, RELAY_WORKERS, RELAY_STALE_AFTER_SEC, RELAY_BODY_LIMIT, RELAY_PUSH_CONNECTIONS,
 * RELAY_PUSH_WINDOW), then defaults. Unknown flags
 * and bad values are refused with one line naming them, before anything starts.
 */
export interface RelayConfig {
  readonly port: number;
  readonly host: string;
  /** Folder for the VAPID keys and the SQLite file. */
  readonly dataDir: string;
  /** `sqlite` (the file in dataDir) or a `postgres://` URL. */
  readonly store: string;
  /** This worker's share of the devices (`i/n`), or null: all of them. */
  readonly shard: { readonly index: number; readonly count: number } | null;
  /** Worker threads for the live monitors (0: all in the main thread), split by the device-id hash. */
  readonly workers: number;
  /** A device snapshot older than this makes the alerts it causes say so. */
  readonly staleAfterSec: number;
  /** A monitor whose marks stay inside its tier band is stepped at most this often (0: every batch). */
  readonly calmEveryMs?: number;
  /** Benches: per batch, at most about this long on calm monitors (default 100 ms; see relay-watcher.ts). */
  readonly calmBudgetMs?: number;
  readonly bodyLimitBytes: number;
  /**
   * Keep-alive connections to one push service at most (HTTP/1.1: one post on each at a time). A push
   * service 50-100 ms away answers ~10-20 posts a second on each, so the flash burst's ~2,100 pushes a
   * second need ~200-400 (docs/relay-load-log.md, "After the step"). Default 256.
   */
  readonly pushConnections?: number;
  /** Posts in flight at most; refilled when half is free, so twice the connections keeps them all busy. Default 2 x pushConnections. */
  readonly pushWindow?: number;
  /**
   * Where the venues live: null for the real exchanges, or one origin serving every venue under
   * `/<venue>` (the simulator, for tests and the demo: `http://127.0.0.1:8780`).
   */
  readonly venuesFrom: string | null;
}

const FLAGS: Record<string, { env: string; help: string }> = {
  '--port': { env: 'RELAY_PORT', help: 'TCP port (0 = any free port)' },
  '--host': { env: 'RELAY_HOST', help: 'address to listen on (default 127.0.0.1; put TLS in front, see relay/README.md)' },
  '--data': { env: 'RELAY_DATA', help: 'folder for the keys and the SQLite store' },
  '--store': { env: 'RELAY_STORE', help: 'sqlite (default) or postgres://…' },
  '--shard': { env: 'RELAY_SHARD', help: 'this worker’s share of the devices, i/n (e.g. 0/3)' },
  '--workers': { env: 'RELAY_WORKERS', help: 'worker threads for the monitors (default 0: the main thread; one per core pays past ~2,000 devices)' },
  '--stale-after-sec': { env: 'RELAY_STALE_AFTER_SEC', help: 'snapshot age after which alerts say it is old (default 900)' },
  '--calm-every-ms': { env: 'RELAY_CALM_EVERY_MS', help: 'a monitor whose marks stay inside its tier and forecast bands is stepped this often (default 5000; 0: at every batch)' },
  '--body-limit': { env: 'RELAY_BODY_LIMIT', help: 'largest request body in bytes (default 65536)' },
  '--push-connections': { env: 'RELAY_PUSH_CONNECTIONS', help: 'keep-alive connections to one push service at most (default 256; ~rate x round trip)' },
  '--push-window': { env: 'RELAY_PUSH_WINDOW', help: 'pushes in flight at most (default twice the connections)' },
  '--venues-from': { env: 'RELAY_VENUES_FROM', help: 'tests and demo: one origin serving every venue under /<venue> (the simulator)' },
};

export const RELAY_USAGE = `usage: npm run relay -- --data DIR [--port P] [--host H] [--store sqlite|postgres://…] [--shard i/n] [--workers N] [--stale-after-sec S] [--calm-every-ms M] [--body-limit B] [--push-connections C] [--push-window W]\n${Object.entries(
  FLAGS,
)
  .map(([flag, { env, help }]) => `  ${flag.padEnd(18)} ${env.padEnd(22)} ${help}`)
  .join('\n')}`;

export type ConfigResult = { ok: true; config: RelayConfig } | { ok: false; error: string };

function whole(text: string, name: string, min: number, max: number): number | string {
  if (!/^\d+$/.test(text)) return `${name}: expected a whole number, got "${text}"`;
  const n = Number(text);
  return n >= min && n <= max ? n : `${name}: expected ${min} to ${max}, got ${n}`;
}

export function parseRelayConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): ConfigResult {
  const given = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (flag === '--help' || flag === '-h') return { ok: false, error: RELAY_USAGE };
    if (FLAGS[flag] === undefined) return { ok: false, error: `unknown argument "${arg}"\n${RELAY_USAGE}` };
    const value = inline ?? argv[++i];
    if (value === undefined) return { ok: false, error: `${flag}: needs a value` };
    given.set(flag, value);
  }
  const read = (flag: string): string | undefined => given.get(flag) ?? env[FLAGS[flag]!.env];

  const port = whole(read('--port') ?? '8787', 'port', 0, 65_535);
  if (typeof port === 'string') return { ok: false, error: port };
  const dataDir = read('--data');
  if (dataDir === undefined || dataDir === '') return { ok: false, error: `--data: required (or RELAY_DATA)\n${RELAY_USAGE}` };
  const store = read('--store') ?? 'sqlite';
  if (!(store === 'sqlite' || /^postgres(ql)?:\/\//.test(store))) return { ok: false, error: `store: expected sqlite or a postgres:// URL, got "${store}"` };
  let shard: RelayConfig['shard'] = null;
  const shardText = read('--shard');
  if (shardText !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(shardText);
    if (m === null || Number(m[2]) < 1 || Number(m[1]) >= Number(m[2])) return { ok: false, error: `shard: expected i/n with 0 <= i < n, got "${shardText}"` };
    shard = { index: Number(m[1]), count: Number(m[2]) };
  }
  const workers = whole(read('--workers') ?? '0', 'workers', 0, 64);
  if (typeof workers === 'string') return { ok: false, error: workers };
  const staleAfterSec = whole(read('--stale-after-sec') ?? '900', 'stale-after-sec', 1, 7 * 86_400);
  if (typeof staleAfterSec === 'string') return { ok: false, error: staleAfterSec };
  const calmEveryMs = whole(read('--calm-every-ms') ?? '5000', 'calm-every-ms', 0, 60_000);
  if (typeof calmEveryMs === 'string') return { ok: false, error: calmEveryMs };
  const bodyLimitBytes = whole(read('--body-limit') ?? '65536', 'body-limit', 1024, 4 * 1024 * 1024);
  if (typeof bodyLimitBytes === 'string') return { ok: false, error: bodyLimitBytes };
  const pushConnections = whole(read('--push-connections') ?? String(DEFAULT_PUSH_CONNECTIONS), 'push-connections', 1, 4096);
  if (typeof pushConnections === 'string') return { ok: false, error: pushConnections };
  const pushWindow = whole(read('--push-window') ?? String(pushWindowFor(pushConnections)), 'push-window', 1, 16_384);
  if (typeof pushWindow === 'string') return { ok: false, error: pushWindow };
  const venuesFrom = read('--venues-from') ?? null;
  if (venuesFrom !== null && !/^https?:\/\/[^/?#\s]+$/.test(venuesFrom)) return { ok: false, error: `venues-from: expected an origin such as http://127.0.0.1:8780, got "${venuesFrom}"` };
  return { ok: true, config: { port, host: read('--host') ?? '127.0.0.1', dataDir, store, shard, workers, staleAfterSec, calmEveryMs, bodyLimitBytes, pushConnections, pushWindow, venuesFrom } };
}
