import type { VenueEvent } from '../positions/venue-events.ts';
import type { FundingNotice } from '../projection/funding-step.ts';

/**
 * The funding notice a mark event (or OKX's funding event) carries, as the monitor takes it: both the
 * rate and the payment time, or nothing (a rate without a time says nothing about when the margin moves).
 */
export function markFunding(e: Extract<VenueEvent, { kind: 'mark' | 'funding' }>): FundingNotice | null {
  return e.fundingRate === undefined || e.nextFundingTime === undefined ? null : { rate: e.fundingRate, timeMs: e.nextFundingTime };
}
