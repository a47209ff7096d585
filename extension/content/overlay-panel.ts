import type { AccountReport, PositionReport } from '../../shared/protocol/account-report.ts';
import { durationText, priceText, rhoText } from '../../shared/ui/figures.ts';
import { suggestionText } from '../../shared/ui/suggestion-text.ts';
import type { PageRow } from './positions-table.ts';

/**
 * The compact panel beside the venue's positions table, in a shadow root so neither side's styles
 * leak (open: it holds only the user's own figures, which the venue's page knows anyway). Every figure is
 * written with textContent: nothing from the venue or the worker is parsed as HTML.
 */
const STYLE = `
:host { all: initial; display: block; margin: 4px 0; font: 12px/1.35 system-ui, sans-serif; }
.panel { border: 1px solid #c7cbd1; border-radius: 6px; background: #fff; color: #1d2129; padding: 4px 8px; max-width: 720px; }
.title { font-weight: 600; display: flex; gap: 8px; } .title span { font-weight: 400; color: #6b7280; }
.row { display: grid; grid-template-columns: 150px 150px 1fr; gap: 1px 8px; padding: 3px 0; border-top: 1px solid #eef0f3; }
.sym { font-weight: 600; } .rho { font-variant-numeric: tabular-nums; }
.sev-watch { color: #a16207; } .sev-margin-call { color: #c2410c; } .sev-critical, .sev-liquidation { color: #b91c1c; font-weight: 700; }
.tiers { color: #374151; } .forecast { grid-column: 1 / 3; color: #6b7280; } .suggestion { grid-column: 3; font-weight: 600; }
.none { color: #6b7280; }
`;

export interface OverlayPanel {
  readonly host: HTMLElement;
  render(reports: readonly AccountReport[], rows: readonly PageRow[], now: number): void;
  remove(): void;
}

const el = (doc: Document, tag: string, cls: string, text?: string): HTMLElement => {
  const e = doc.createElement(tag);
  e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
};

function findPosition(reports: readonly AccountReport[], row: PageRow): { report: AccountReport; position: PositionReport } | null {
  for (const report of reports) {
    const matches = report.positions.filter((p) => p.symbol.toUpperCase() === row.symbol && (row.side === null || p.side === row.side));
    if (matches[0] !== undefined) return { report, position: matches[0] };
  }
  return null;
}

function positionLine(doc: Document, report: AccountReport, p: PositionReport): HTMLElement {
  const line = el(doc, 'div', 'row');
  line.dataset['key'] = p.key;
  line.append(el(doc, 'div', 'sym', `${p.symbol} ${p.side}`));
  const reached = [...report.ladder].reverse().find((l) => p.riskRatio === null || p.riskRatio >= l.riskRatio);
  line.append(el(doc, 'div', `rho sev-${reached?.severity ?? 'safe'}`, `ρ ${rhoText(p.riskRatio)}${reached ? ` ${reached.name}` : ''}`));
  const tiers = p.tiers.filter((t) => t.level !== '1').map((t) => `${t.name} ${t.reached ? 'reached' : priceText(t.price, 'out of reach')}`);
  line.append(el(doc, 'div', 'tiers', `Liq. ${priceText(p.liquidationPrice, 'none')} · ${tiers.join(' · ')}`));
  const next = p.tiers.find((t) => t.level === p.nextTier);
  const hour = next?.reach.kind === 'projected' ? next.reach.horizons.find((h) => h.horizonSec === 3600) : undefined;
  const forecast =
    next === undefined || next.reach.kind !== 'projected'
      ? ''
      : `${next.name}: ${hour === undefined ? '' : `${Math.round(hour.probability * 100)} % in 1 h, `}median ${durationText(next.reach.medianTimeSec)}`;
  line.append(el(doc, 'div', 'forecast', forecast));
  const subject = report.subjects.find((s) => s.subject === p.subject);
  line.append(el(doc, 'div', 'suggestion', subject === undefined ? '' : suggestionText(subject)));
  return line;
}

export function createOverlayPanel(doc: Document): OverlayPanel {
  const host = doc.createElement('margin-sentry-overlay');
  const shadow = host.attachShadow({ mode: 'open' });
  const style = doc.createElement('style');
  style.textContent = STYLE;
  const panel = el(doc, 'div', 'panel');
  shadow.append(style, panel);
  return {
    host,
    render(reports, rows, now) {
      const title = el(doc, 'div', 'title', 'Margin Sentry');
      const stale = reports.some((r) => r.badge.stale || r.feed.stale !== null);
      title.append(el(doc, 'span', '', reports.length === 0 ? 'waiting for data' : stale ? 'data stale' : `updated ${Math.round(Math.max(0, now - reports[0]!.builtAt) / 1000)} s ago`));
      const lines = rows.map((row) => {
        const found = findPosition(reports, row);
        return found === null ? el(doc, 'div', 'row none', `${row.symbol}: not in a watched account`) : positionLine(doc, found.report, found.position);
      });
      panel.replaceChildren(title, ...lines);
    },
    remove: () => host.remove(),
  };
}
