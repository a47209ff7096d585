import type { VenueLayout } from './venues/venue-layout.ts';

/** A position row as read from the venue's page: which symbol and, where the size is signed, which side. Nothing else is read. */
export interface PageRow {
  readonly symbol: string;
  readonly side: 'long' | 'short' | null;
}

export interface PositionsTable {
  /** The element the panel is placed before: the table, or the grid's container. */
  readonly anchor: Element;
  readonly rows: readonly PageRow[];
}

const norm = (s: string | null | undefined): string => (s ?? '').replace(/\s+/g, ' ').trim().toLowerCase();

function headerIndex(headers: readonly Element[], wanted: string): number {
  const w = wanted.toLowerCase();
  return headers.findIndex((h) => norm(h.textContent).startsWith(w));
}

const hasAllHeaders = (headers: readonly Element[], layout: VenueLayout): boolean => layout.headerTexts.every((t) => headerIndex(headers, t) >= 0);

function sideOf(sizeText: string | null | undefined): 'long' | 'short' | null {
  const t = norm(sizeText);
  if (t.length === 0) return null;
  return /^[-−]/.test(t) ? 'short' : /^\+?\d/.test(t) ? 'long' : null;
}

function readRows(cellsOfRows: readonly (readonly Element[])[], headers: readonly Element[], layout: VenueLayout): PageRow[] {
  const symbolAt = headerIndex(headers, layout.symbolHeader);
  const sizeAt = headerIndex(headers, layout.sizeHeader);
  const rows: PageRow[] = [];
  for (const cells of cellsOfRows) {
    const symbol = layout.symbolOf(cells[symbolAt]?.textContent ?? '');
    if (symbol !== null) rows.push({ symbol, side: sideOf(cells[sizeAt]?.textContent) });
  }
  return rows;
}

/** Finds the venue's positions table by its header texts, within the layout's stable containers. */
export function findPositionsTable(doc: Document, layout: VenueLayout): PositionsTable | null {
  const scopes: ParentNode[] = layout.scopes.flatMap((s) => [...doc.querySelectorAll(s)]);
  if (scopes.length === 0) scopes.push(doc);
  for (const scope of scopes) {
    if (layout.grid !== null) {
      const g = layout.grid;
      const headers = [...scope.querySelectorAll(g.headerCell)];
      if (!hasAllHeaders(headers, layout)) continue;
      const rows = [...scope.querySelectorAll(g.row)].filter((r) => r.closest('.okui-table-thead') === null);
      const anchor = scope instanceof Element ? scope : headers[0]?.parentElement?.parentElement;
      if (anchor === null || anchor === undefined) continue;
      return { anchor, rows: readRows(rows.map((r) => [...r.querySelectorAll(g.cell)]), headers, layout) };
    }
    for (const table of scope.querySelectorAll('table')) {
      const headers = [...table.querySelectorAll('thead th, thead td')];
      if (!hasAllHeaders(headers, layout)) continue;
      const rows = [...table.querySelectorAll('tbody tr')].map((r) => [...r.querySelectorAll('td')]);
      return { anchor: table, rows: readRows(rows, headers, layout) };
    }
  }
  return null;
}
