import { POLICY_NAMES, type BacktestReport, type PolicyFigures } from './backtest-figures.ts';

const minutes = (sec: number | null): string => (sec === null ? 'n/a' : `${(sec / 60).toFixed(1)} min`);
const percent = (x: number | null): string => (x === null ? 'n/a' : `${(100 * x).toFixed(1)} %`);

function columns(rows: string[][]): string[] {
  const widths = (rows[0] ?? []).map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  ');
  return [line(rows[0] ?? []), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line)];
}

const HEAD = ['policy', 'liquidated', 'lead P50', 'lead P10', 'pushes/pos-day', 'false forecasts', 'idle actions', 'top-up USDT/path', 'closed/path', 'reduce PnL/path', 'stop PnL/path', 'stopped', 'needless'];
const row = (p: PolicyFigures, label = p.name) => [
  label,
  percent(p.liquidatedShare),
  minutes(p.leadTimeP50Sec),
  minutes(p.leadTimeP10Sec),
  p.pushesPerPositionDay.toFixed(2),
  percent(p.falseAlarmShare),
  percent(p.idleActionShare),
  p.topUpPerPath.toFixed(0),
  percent(p.closedSharePerPath),
  p.reducedPnlPerPath === null ? 'n/a' : p.reducedPnlPerPath.toFixed(0),
  p.stopRealisedPerPath === null ? 'n/a' : p.stopRealisedPerPath.toFixed(0),
  percent(p.stoppedShare),
  percent(p.needlessStopShare),
];

const SHORT: Readonly<Record<string, string>> = {
  [POLICY_NAMES.static]: 'static',
  [POLICY_NAMES.ours]: 'ours',
  [POLICY_NAMES.prefunded]: 'prefunded',
  [POLICY_NAMES.protectedAtOpen]: 'stop with position',
  [POLICY_NAMES.stopLossAtOpen]: 'full stop with position',
  [POLICY_NAMES.protected]: 'stop when warned',
  [POLICY_NAMES.protectedLate]: 'stop +delay',
  [POLICY_NAMES.staticReduce]: 'static, reducing',
  [POLICY_NAMES.oursReduce]: 'ours, reducing',
  [POLICY_NAMES.preReduced]: 'pre-reduced',
  [POLICY_NAMES.protectedReduce]: 'stop when warned, reducing',
  [POLICY_NAMES.oracle]: 'oracle (hindsight)',
  [POLICY_NAMES.oracleStop]: 'oracle + stop (hindsight)',
  [POLICY_NAMES.oracleReduce]: 'oracle, reducing (hindsight)',
  [POLICY_NAMES.oracleStopReduce]: 'oracle + stop, reducing (hindsight)',
};

/** The report as fixed-width tables: the policies, per family, and the two frontiers. */
export function backtestTable(report: BacktestReport, elapsedSec: number): string {
  const families = columns([
    ['family / policy', ...HEAD.slice(1)],
    ...report.families.flatMap((f) => f.policies.map((p, i) => row(p, `${i === 0 ? `${f.family} (${f.paths}, ${f.events} events)` : ''.padEnd(2)} ${SHORT[p.name] ?? p.name}`))),
  ]);
  const capitalNames = report.frontiers.capital[0]?.policies.map((p) => SHORT[p.name] ?? p.name) ?? [];
  const capital = columns([
    ['target rho', ...capitalNames.flatMap((s) => [`liq ${s}`, `USDT/path ${s}`])],
    ...report.frontiers.capital.map((c) => [c.targetRho.toFixed(2), ...c.policies.flatMap((p) => [percent(p.liquidatedShare), p.topUpPerPath.toFixed(0)])]),
  ]);
  const sizingNames = report.frontiers.sizing[0]?.policies.map((p) => SHORT[p.name] ?? p.name) ?? [];
  const sizing = columns([
    ['target rho', ...sizingNames.flatMap((s) => [`liq ${s}`, `closed ${s}`])],
    ...report.frontiers.sizing.map((c) => [c.targetRho.toFixed(2), ...c.policies.flatMap((p) => [percent(p.liquidatedShare), percent(p.closedSharePerPath)])]),
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
  const hindsight = columns([
    ['family', 'trader', 'paths', 'survive untouched', 'no warning saves', 'ours saves', 'bound saves, ours late', 'bound saves, ours in time'],
    ...report.hindsight.map((h) => [h.family, h.trader, String(h.paths), String(h.survives), String(h.unsaveable), String(h.oursSaves), String(h.oursLate), String(h.oursInTime)]),
  ]);
  return [
    `${report.paths} paths, seed ${report.seed}, reaction delay ${report.delayMin} min, one trader for every policy (${elapsedSec.toFixed(1)} s)`,
    `ours forecasts with terms: ${report.forecast.terms}; predict rules: ${report.forecast.predict.map((p) => `${p.level} at P(${p.horizonSec / 3600} h) >= ${p.threshold}`).join(', ')}`,
    ...(report.policies.some((p) => p.trader === 'reduce')
      ? ['reducing trader: no policy adds capital (equal capital by construction); closed = share of the starting position closed, reduce PnL = what closing realised']
      : []),
    '',
    ...columns([HEAD, ...report.policies.map((p) => row(p))]),
    '',
    ...families,
    '',
    ...(report.frontiers.capital.length === 0 ? [] : ['capital frontier: the trader tops up to the target rho (prefunded: ours\' spend, up front)', ...capital, '']),
    ...(report.frontiers.sizing.length === 0
      ? []
      : ['sizing frontier: the trader closes the engine\'s reduction to the target rho, no capital added (pre-reduced: ours\' reductions, up front)', ...sizing, '']),
    'forecast frontier: every predict rule of the ladder set to the rule (passive runs)',
    ...forecast,
    '',
    'hindsight bound (not a policy): paths by what the best warning times could do for the same trader',
    ...hindsight,
  ].join('\n');
}
