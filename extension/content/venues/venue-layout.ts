import type { VenueId } from '../../../shared/engine/positions/account.ts';

/**
 * What the overlay needs to know about one venue's trading page. Each venue's values live in one file
 * beside this one (venue-pages.md: a stable container, the table found by its header texts, cells matched
 * by header text, never by index), so a layout change on the venue is a one-file fix.
 */
export interface VenueLayout {
  readonly venue: VenueId;
  /** Stable containers to search in, most specific first; the document when none is present. */
  readonly scopes: readonly string[];
  /** Header texts that all appear in the positions table's header (case-insensitive, start of the cell's text). */
  readonly headerTexts: readonly string[];
  /** The header of the cell that names the symbol. */
  readonly symbolHeader: string;
  /** The header of the size cell (a negative size is a short where the venue signs it). */
  readonly sizeHeader: string;
  /** A div grid instead of a <table> (OKX): selectors for the header cells and the data rows and their cells. */
  readonly grid: { readonly headerCell: string; readonly row: string; readonly cell: string } | null;
  /** The symbol cell's text to the feed's symbol spelling ("BTCUSDT Perp 20x" -> "BTCUSDT"); null: not a position row. */
  symbolOf(cellText: string): string | null;
}

/** First word of a cell, upper case, letters and digits: "BTCUSDT Perp\n20x" -> "BTCUSDT". */
export const firstToken = (text: string): string | null => /^[\s]*([A-Za-z0-9]+)/.exec(text)?.[1]?.toUpperCase() ?? null;
