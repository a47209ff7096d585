import type { VenueId } from '../../shared/engine/positions/account.ts';
import { alertKeyOf } from './every-mark-reference.ts';
import { wickSteps } from './wick-shard.bench.ts';

/**
 * How late the relay's bands make its decisions, with no load at all: one venue's shard through the wick
 * twice, in-process, as the relay steps it (calm cadence 5 s: a monitor inside its tier and forecast
 * bands keeps its marks) and with every monitor stepped at every batch (calm cadence 0), and for each
 * alert the first batch that decided it in each. A tier alert is never later (the tier band is exact),
 * and since the forecast band's time includes the estimates' next minute return (forecast-band.ts), no
 * forecast is either. Before, the 2,000-device load runs of 2026-11-28 showed forecasts 1-3 s after the
 * every-mark reference on a quiet machine, and this found Bybit's all 2.6 s late: it finds such a lag in
 * seconds, without sockets, threads or a store.
 *
 * `npx tsx relay/bench/forecast-lag.bench.ts [--devices=20]`
 */
const VENUES: readonly VenueId[] = ['binance', 'bybit', 'okx', 'hyperliquid'];
const devicesArg = process.argv.find((a) => a.startsWith('--devices='))?.slice('--devices='.length);
const devices = devicesArg === undefined ? 20 : Number(devicesArg);
if (!Number.isInteger(devices) || devices < 1) throw new Error(`--devices: a whole number of devices a venue, got ${JSON.stringify(devicesArg)}`);

/** Each alert's first deciding batch (market ms). */
function firstDecisions(venue: VenueId, calmEveryMs: number): Map<string, number> {
  const first = new Map<string, number>();
  for (const { atMs, result } of wickSteps(venue, devices, undefined, { calmEveryMs })) {
    for (const save of result.saves) {
      save.pushes.forEach((p, i) => {
        // An alert without its episode's start (the load bench's reference pairs them so too).
        const key = `${p.deviceId} ${save.alertKinds[i] ?? 'tier'} ${alertKeyOf(p.dedupeKey)}`;
        if (!first.has(key)) first.set(key, atMs);
      });
    }
  }
  return first;
}

const ms = (n: number): string => `${Math.round(n)} ms`;
console.log(`decisions of the banded shard (calm 5 s) against every monitor stepped every batch, ${devices} devices a venue, through the wick`);
for (const venue of VENUES) {
  const banded = firstDecisions(venue, 5_000);
  const every = firstDecisions(venue, 0);
  for (const kind of ['tier', 'predictive']) {
    const lags: number[] = [];
    let never = 0;
    for (const [key, atMs] of every) {
      if (!key.includes(` ${kind} `)) continue;
      const at = banded.get(key);
      if (at === undefined) never += 1;
      else lags.push(at - atMs);
    }
    if (lags.length === 0 && never === 0) {
      console.log(`  ${venue.padEnd(11)} ${kind.padEnd(10)} none decided in the wick`);
      continue;
    }
    lags.sort((a, b) => a - b);
    const late = lags.filter((x) => x > 0);
    const ahead = lags.filter((x) => x < 0).length;
    const q = (p: number): number => lags[Math.min(lags.length - 1, Math.floor(p * lags.length))] ?? NaN;
    console.log(
      `  ${venue.padEnd(11)} ${kind.padEnd(10)} ${String(lags.length).padStart(4)} decided by both: ${late.length} later in the banded shard (p50 ${ms(q(0.5))}, p90 ${ms(q(0.9))}, max ${ms(lags.at(-1) ?? NaN)}), ${ahead} earlier; ${never} only in the other`,
    );
  }
}
