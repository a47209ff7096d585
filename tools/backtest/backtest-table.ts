import { PATH_FAMILIES } from './backtest-paths.ts';
import { backtestReport, type BacktestReport, type PolicyFigures } from './backtest-figures.ts';
import type { PathOutcome } from './play-path.ts';

const minutes = (sec: number | null): string => (sec === null ? 'n/a' : `${(sec / 60).toFixed(1)} min`);
const percent = (x: number): string => `${(100 * x).toFixed(1)} %`;

function columns(rows: string[][]): string[] {
  const widths = (rows[0] ?? []).map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  ');
  return [line(rows[0] ?? []), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line)];
}

/**
 * The report as a fixed-width table, one row per policy, plus what the JSON leaves out: the margin the
 * trader added per path (the price of acting early) and the figures per path family.
 */
export function backtestTable(
  report: BacktestReport,
  outcomes: readonly PathOutcome[],
  extra: { readonly delayMin: number; readonly elapsedSec: number },
): string {
  const topUps = [outcomes.map((o) => o.static.topUpUsdt), outcomes.map((o) => o.ours.topUpUsdt)];
  const meanTopUp = (i: number) => (outcomes.length === 0 ? 0 : (topUps[i] ?? []).reduce((a, b) => a + b, 0) / outcomes.length);
  const row = (p: PolicyFigures, i: number) => [
    p.name,
    percent(p.liquidatedShare),
    minutes(p.leadTimeP50Sec),
    minutes(p.leadTimeP10Sec),
    p.pushesPerPositionDay.toFixed(2),
    percent(p.falseAlarmShare),
    meanTopUp(i).toFixed(0),
  ];
  const main = columns([
    ['policy', 'liquidated', 'lead P50', 'lead P10', 'pushes/pos-day', 'false alarms', 'top-up USDT/path'],
    ...report.policies.map(row),
  ]);
  const families = columns([
    ['family', 'paths', 'events', 'liquidated static', 'liquidated ours', 'lead P50 static', 'lead P50 ours'],
    ...PATH_FAMILIES.map((family) => {
      const mine = outcomes.filter((o) => o.family === family);
      const [stat, ours] = backtestReport(mine, report.seed).policies;
      return [
        family,
        String(mine.length),
        String(mine.filter((o) => o.event !== null).length),
        percent(stat?.liquidatedShare ?? 0),
        percent(ours?.liquidatedShare ?? 0),
        minutes(stat?.leadTimeP50Sec ?? null),
        minutes(ours?.leadTimeP50Sec ?? null),
      ];
    }),
  ]);
  return [
    `${report.paths} paths, seed ${report.seed}, reaction delay ${extra.delayMin} min (${extra.elapsedSec.toFixed(1)} s)`,
    '',
    ...main,
    '',
    ...families,
  ].join('\n');
}
