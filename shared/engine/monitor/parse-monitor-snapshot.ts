import { readFields, refuse, type FieldError } from '../../units/field-error.ts';
import { obj, type FieldObject } from '../../units/field-readers.ts';
import type { StaleFact } from '../alerts/alert-decision.ts';
import type { CorrelationState } from '../projection/correlation.ts';
import type { MinuteMoveState } from '../projection/minute-move.ts';
import type { VarianceSums, VolatilityState } from '../projection/volatility.ts';
import type { MonitorState } from './account-monitor.ts';
import { MONITOR_SNAPSHOT_VERSION, type LiveMonitorFacts, type MonitorSnapshot } from './monitor-snapshot.ts';
import { readAlertState } from './read-alert-state.ts';
import { readFundingNotices, readMarketShapes } from './read-market-shape.ts';
import { readMonitorOptions } from './read-monitor-options.ts';
import { count, epoch, exactObject, finite, listOf, namedRecord, nonEmpty, nonNegative, orNull, positive } from './snapshot-fields.ts';

/**
 * Reads a saved monitor back (JSON already parsed; from storage, so untrusted: another build, another
 * device, a truncated write). Returns the snapshot or the first bad field, e.g.
 * `{ field: 'state.volatility.BTCUSDT.fast.sumMs', message: 'expected a finite number, got null' }`.
 * Never throws, and nothing it returns holds NaN, Infinity or a tier index outside the saved ladder.
 *
 * Versions: a snapshot newer than this build is refused (it may mean things this build does not know);
 * an older one is brought forward one version at a time through MIGRATIONS before it is read.
 */
/**
 * `MIGRATIONS[v]` turns a version-v snapshot into a version v+1 one (still unchecked: the current
 * reader checks the result). Version 1 is the first format, so there is nothing to migrate yet; the
 * next format change adds `1: (v1) => ({ ...v1, version: 2, ... })` here.
 */
type Migration = (older: FieldObject) => FieldObject;
const MIGRATIONS: Readonly<Partial<Record<number, Migration>>> = {};

const TOP_FIELDS = ['version', 'options', 'state', 'live'];

/** The snapshot brought to the current version, its top-level fields checked. */
function currentVersion(raw: unknown): FieldObject {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) refuse('snapshot', 'expected an object: { version, options, state, live }');
  let o = raw as FieldObject;
  const version = finite(o['version'], 'version', (n) => Number.isInteger(n) && n >= 1, 'a whole version number >= 1');
  if (version > MONITOR_SNAPSHOT_VERSION) {
    refuse('version', `snapshot version ${version} is newer than this build reads (${MONITOR_SNAPSHOT_VERSION}): update the app, or start afresh`);
  }
  for (let v = version; v < MONITOR_SNAPSHOT_VERSION; v += 1) {
    const migrate = MIGRATIONS[v];
    if (migrate === undefined) refuse('version', `no migration from snapshot version ${v}`);
    o = migrate(o);
  }
  return exactObject(o, '', TOP_FIELDS);
}

function sums(raw: unknown, path: string): VarianceSums {
  const o = exactObject(raw, path, ['sumSquares', 'sumMs']);
  return { sumSquares: nonNegative(o['sumSquares'], `${path}.sumSquares`), sumMs: nonNegative(o['sumMs'], `${path}.sumMs`) };
}

function volatility(raw: unknown, path: string): VolatilityState {
  const o = exactObject(raw, path, ['anchorPrice', 'anchorT', 'fast', 'slow']);
  return {
    anchorPrice: orNull(positive)(o['anchorPrice'], `${path}.anchorPrice`),
    anchorT: orNull(epoch)(o['anchorT'], `${path}.anchorT`),
    fast: sums(o['fast'], `${path}.fast`),
    slow: sums(o['slow'], `${path}.slow`),
  };
}

function correlation(raw: unknown, path: string): CorrelationState {
  const o = exactObject(raw, path, ['symbols', 'anchor', 'anchorT', 'sums', 'sumMs']);
  const symbols = listOf(o['symbols'], `${path}.symbols`, nonEmpty);
  symbols.forEach((s, i) => {
    const previous = symbols[i - 1];
    if (previous !== undefined && !(previous < s)) refuse(`${path}.symbols[${i}]`, 'expected distinct symbols in sorted order');
  });
  const n = symbols.length;
  const anchor = orNull((v, f) => listOf(v, f, (x, g) => finite(x, g)))(o['anchor'], `${path}.anchor`);
  if (anchor !== null && anchor.length !== n) refuse(`${path}.anchor`, `expected ${n} log marks, one per symbol, got ${anchor.length}`);
  const matrix = listOf(o['sums'], `${path}.sums`, (x, g) => finite(x, g));
  if (matrix.length !== n * n) refuse(`${path}.sums`, `expected ${n * n} sums (${n} x ${n}), got ${matrix.length}`);
  return { symbols, anchor, anchorT: orNull(epoch)(o['anchorT'], `${path}.anchorT`), sums: matrix, sumMs: nonNegative(o['sumMs'], `${path}.sumMs`) };
}

function staleFact(raw: unknown, path: string): StaleFact {
  const o = exactObject(raw, path, ['subject', 'since', 'reason']);
  return { subject: nonEmpty(o['subject'], `${path}.subject`), since: epoch(o['since'], `${path}.since`), reason: nonEmpty(o['reason'], `${path}.reason`) };
}

function liveFacts(raw: unknown, path: string): LiveMonitorFacts {
  // markedAt came with the batched live path; a snapshot saved by a per-event home has none (= {}).
  const o = exactObject(Object.hasOwn(obj(raw, path), 'markedAt') ? raw : { ...obj(raw, path), markedAt: {} }, path, ['stale', 'now', 'markedAt']);
  return { stale: listOf(o['stale'], `${path}.stale`, nonEmpty), now: orNull(epoch)(o['now'], `${path}.now`), markedAt: namedRecord(o['markedAt'], `${path}.markedAt`, epoch) };
}

function minuteMove(raw: unknown, path: string): MinuteMoveState {
  const o = exactObject(raw, path, ['anchorPrice', 'anchorMs', 'hours']);
  return {
    anchorPrice: orNull(positive)(o['anchorPrice'], `${path}.anchorPrice`),
    anchorMs: orNull(epoch)(o['anchorMs'], `${path}.anchorMs`),
    hours: listOf(o['hours'], `${path}.hours`, (h, f) => {
      const pair = listOf(h, f, (v, g) => finite(v, g, (n) => n >= 0, 'a number >= 0'));
      if (pair.length !== 2) refuse(f, `expected [hour start ms, move], got ${pair.length} numbers`);
      return [pair[0] as number, pair[1] as number] as const;
    }),
  };
}

function snapshotAt(raw: unknown): MonitorSnapshot {
  const o = currentVersion(raw);
  const options = readMonitorOptions(o['options'], 'options');
  const known = ['now', 'marks', 'volatility', 'correlation', 'minuteMoves', 'stale', 'alerts', 'rejected'];
  // minuteMoves came with the protective stop (a snapshot saved before it has none: {}); shape and
  // funding with the forecast terms (optional, read-market-shape.ts): an older snapshot still reads.
  const stateObj = obj(o['state'], 'state');
  const given = Object.hasOwn(stateObj, 'minuteMoves') ? stateObj : { ...stateObj, minuteMoves: {} };
  const s = exactObject(given, 'state', [...known, ...['shape', 'funding'].filter((k) => Object.hasOwn(given, k))]);
  const state: MonitorState = {
    now: orNull(epoch)(s['now'], 'state.now'),
    marks: namedRecord(s['marks'], 'state.marks', positive),
    volatility: namedRecord(s['volatility'], 'state.volatility', volatility),
    correlation: correlation(s['correlation'], 'state.correlation'),
    minuteMoves: namedRecord(s['minuteMoves'], 'state.minuteMoves', minuteMove),
    shape: readMarketShapes(s['shape'], 'state.shape'),
    funding: readFundingNotices(s['funding'], 'state.funding'),
    stale: orNull(staleFact)(s['stale'], 'state.stale'),
    alerts: readAlertState(s['alerts'], 'state.alerts', options.policy.ladder.length),
    rejected: count(s['rejected'], 'state.rejected'),
  };
  return { version: MONITOR_SNAPSHOT_VERSION, options, state, live: orNull(liveFacts)(o['live'], 'live') };
}

export function parseMonitorSnapshot(raw: unknown): MonitorSnapshot | FieldError {
  return readFields(() => snapshotAt(raw));
}
