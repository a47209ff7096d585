import type { ParseContext } from '../../shared/ports/venue-adapter.ts';
import { epochMs } from '../../shared/units/units.ts';

/** A parse context at a fixed time, with the given contract sizes (OKX ctVal by instId). */
export const parseContext = (now = 1_700_000_000_000, contractSizes: Readonly<Record<string, number>> = {}): ParseContext => ({
  now: epochMs(now),
  contractSize: (symbol) => contractSizes[symbol],
});
