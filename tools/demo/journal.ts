import type { AccountReport } from '../../shared/protocol/account-report.ts';
import { staleSymbols, tierWords, type VenueView } from './view-model.ts';

/**
 * The demo's running commentary: what changed between two refreshes, in words. A tier crossed, a
 * position gone (the simulator liquidates at rho 1), marks gone stale or back, a socket down or back,
 * the venue's own margin call. Pure: two lists of views in, lines out.
 */
export interface JournalEntry {
  /** Simulated time of the refresh that noticed it. */
  readonly simTime: number;
  readonly venue: string;
  readonly text: string;
  readonly severity: 'info' | 'warn' | 'alarm';
}

/** The badge's place on the ladder: -1 below it. */
const rankOf = (r: AccountReport): number => r.ladder.findIndex((l) => l.level === r.badge.tier);
const rhoText = (rho: number | null): string => (rho === null ? '∞' : rho.toFixed(3));

export function journalEntries(previous: readonly VenueView[], next: readonly VenueView[], simTime: number): JournalEntry[] {
  const out: JournalEntry[] = [];
  for (const now of next) {
    const before = previous.find((v) => v.venue === now.venue);
    if (before === undefined) continue;
    const say = (text: string, severity: JournalEntry['severity']) => out.push({ simTime, venue: now.venue, text, severity });
    for (const socket of ['public', 'private'] as const) {
      const [a, b] = [before.connections[socket], now.connections[socket]];
      if (a !== b && (b === 'down' || (a === 'down' && b === 'ready'))) say(`${socket} socket ${b === 'down' ? 'down, reconnecting' : 'back'}`, b === 'down' ? 'warn' : 'info');
    }
    const [staleBefore, staleNow] = [staleSymbols(before), staleSymbols(now)];
    const newlyStale = staleNow.filter((s) => !staleBefore.includes(s));
    const fresh = staleBefore.filter((s) => !staleNow.includes(s));
    if (newlyStale.length > 0) say(`no mark for ${newlyStale.join(', ')}: data stale`, 'warn');
    if (fresh.length > 0) say(`marks back for ${fresh.join(', ')}`, 'info');
    const [a, b] = [before.report, now.report];
    // When the last position goes, its closing line says it; "critical → safe" with nothing left would not.
    if (a !== null && b !== null && a.badge.tier !== b.badge.tier && b.positions.length > 0) {
      const worse = rankOf(b) > rankOf(a);
      const loud = b.badge.severity === 'margin-call' || b.badge.severity === 'critical' || b.badge.severity === 'liquidation';
      say(`${tierWords(a)} → ${tierWords(b)} (worst ρ ${rhoText(b.account.worstRiskRatio)})`, worse && loud ? 'alarm' : worse ? 'warn' : 'info');
    }
    if (a !== null && b !== null) {
      for (const p of a.positions) {
        if (!b.positions.some((q) => q.key === p.key)) say(`${p.symbol} ${p.side} ${p.marginMode} closed by the venue (last ρ ${rhoText(p.riskRatio)})`, 'alarm');
      }
    }
    if (now.lastMarginCall !== null && now.lastMarginCall !== before.lastMarginCall) say(`venue margin call: ${now.lastMarginCall}`, 'alarm');
  }
  return out;
}
