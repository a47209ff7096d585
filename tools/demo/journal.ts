import type { VenueView } from './view-model.ts';

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

const RANK = { safe: 0, watch: 1, 'margin call': 2, critical: 3, liquidation: 4 } as const;

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
    const newlyStale = now.stale.filter((s) => !before.stale.includes(s));
    const fresh = before.stale.filter((s) => !now.stale.includes(s));
    if (newlyStale.length > 0) say(`no mark for ${newlyStale.join(', ')}: data stale`, 'warn');
    if (fresh.length > 0) say(`marks back for ${fresh.join(', ')}`, 'info');
    // When the last position goes, its closing line says it; "critical → safe" with nothing left would not.
    if (before.account !== null && now.account !== null && before.account.tier !== now.account.tier && now.positions.length > 0) {
      const worse = RANK[now.account.tier] > RANK[before.account.tier];
      const rho = now.account.worstRiskRatio === null ? '∞' : now.account.worstRiskRatio.toFixed(3);
      say(`${before.account.tier} → ${now.account.tier} (worst ρ ${rho})`, worse && RANK[now.account.tier] >= 2 ? 'alarm' : worse ? 'warn' : 'info');
    }
    if (before.account !== null && now.account !== null) {
      for (const p of before.positions) {
        if (!now.positions.some((q) => q.symbol === p.symbol && q.side === p.side)) {
          say(`${p.symbol} ${p.side} ${p.marginMode} closed by the venue (last ρ ${p.riskRatio === null ? '∞' : p.riskRatio.toFixed(3)})`, 'alarm');
        }
      }
    }
    if (now.lastMarginCall !== null && now.lastMarginCall !== before.lastMarginCall) say(`venue margin call: ${now.lastMarginCall}`, 'alarm');
  }
  return out;
}
