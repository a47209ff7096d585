import type { BacktestReport, PolicyFigures } from './backtest-figures.ts';

const minutes = (sec: number | null): string => (sec === null ? 'n/a' : `${(sec / 60).toFixed(1)} min`);
const percent = (x: number | null): string => (x === null ? 'n/a' : `${(100 * x).toFixed(1)} %`);

function columns(rows: string[][]): string[] {
  const widths = (rows[0] ?? []).map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  ');
  return [line(rows[0] ?? []), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line)];
}

const HEAD = ['policy', 'liquidated', 'lead P50', 'lead P10', 'pushes/pos-day', 'false forecasts', 'top-up USDT/path', 'stop PnL/path', 'stopped', 'needless'];
const row = (p: PolicyFigures, label = p.name) => [
  label,
  percent(p.liquidatedShare),
  minutes(p.leadTimeP50Sec),
  minutes(p.leadTimeP10Sec),
  p.pushesPerPositionDay.toFixed(2),
  percent(p.falseAlarmShare),
  p.topUpPerPath.toFixed(0),
  p.stopRealisedPerPath === null ? 'n/a' : p.stopRealisedPerPath.toFixed(0),
  percent(p.stoppedShare),
  percent(p.needlessStopShare),
];

/** The report as fixed-width tables: the policies, per family, and the two frontiers. */
export function backtestTable(report: BacktestReport, elapsedSec: number): string {
  const short = ['static', 'ours', 'prefunded', 'stop with position', 'full stop with position', 'stop when warned', 'stop +delay'];
  const families = columns([
    ['family / policy', ...HEAD.slice(1)],
    ...report.families.flatMap((f) => f.policies.map((p, i) => row(p, `${i === 0 ? `${f.family} (${f.paths}, ${f.events} events)` : ''.padEnd(2)} ${short[i] ?? ''}`))),
  ]);
  const capital = columns([
    ['target rho', ...short.slice(0, 3).flatMap((s) => [`liq ${s}`, `USDT/path ${s}`])],
    ...report.frontiers.capital.map((c) => [c.targetRho.toFixed(2), ...c.policies.flatMap((p) => [percent(p.liquidatedShare), p.topUpPerPath.toFixed(0)])]),
  ]);
  const forecast = columns([
    ['forecast rule', 'lead P50', 'lead P10', 'forecasts', 'false'],
    ...report.frontiers.forecast.map((f) => [
      `P(${f.horizonSec / 3600} h) >= ${f.threshold}`,
      minutes(f.leadTimeP50Sec),
      minutes(f.leadTimeP10Sec),
      String(f.forecasts),
      percent(f.falseForecastShare),
    ]),
  ]);
  return [
    `${report.paths} paths, seed ${report.seed}, reaction delay ${report.delayMin} min, one trader for every policy (${elapsedSec.toFixed(1)} s)`,
    `ours forecasts with terms: ${report.forecast.terms}; predict rules: ${report.forecast.predict.map((p) => `${p.level} at P(${p.horizonSec / 3600} h) >= ${p.threshold}`).join(', ')}`,
    '',
    ...columns([HEAD, ...report.policies.map((p) => row(p))]),
    '',
    ...families,
    '',
    'capital frontier: the trader tops up to the target rho (prefunded: ours\' spend, up front)',
    ...capital,
    '',
    'forecast frontier: every predict rule of the ladder set to the rule (passive runs)',
    ...forecast,
  ].join('\n');
}
