import type { FundingFact } from '../alerts/alert-decision.ts';
import type { Position } from '../positions/account.ts';
import { positionFundingPaid, type FundingNotice } from '../projection/funding-step.ts';

/**
 * The next funding payment of one risk subject (the cross pool, or one isolated position), exactly:
 * the earliest announced payment time after `nowMs` among its positions, the USDT every position
 * paying then pays (rate x qty x mark, long pays a positive rate; projection/funding-step.ts), and rho
 * once it is paid with marks unchanged: requirement / (equity - cost). null without a payment to come,
 * or when it costs or brings nothing.
 */
export function nextFundingFact(
  positions: readonly Position[],
  funding: Readonly<Record<string, FundingNotice>>,
  nowMs: number,
  riskRatio: number,
  equityUsdt: number,
): FundingFact | null {
  let timeMs = Number.POSITIVE_INFINITY;
  for (const p of positions) {
    const n = funding[p.symbol];
    if (n !== undefined && n.timeMs > nowMs && n.timeMs < timeMs) timeMs = n.timeMs;
  }
  if (!Number.isFinite(timeMs)) return null;
  let costUsdt = 0;
  for (const p of positions) {
    const n = funding[p.symbol];
    if (n !== undefined && n.timeMs === timeMs) costUsdt += positionFundingPaid(p, n);
  }
  if (!(Math.abs(costUsdt) > 0) || !Number.isFinite(costUsdt)) return null;
  const after = equityUsdt - costUsdt;
  const requirement = riskRatio * equityUsdt;
  const riskRatioAfter = after > 0 && Number.isFinite(requirement) ? requirement / after : null;
  return { timeMs, costUsdt: Math.round(costUsdt * 100) / 100, riskRatioBefore: Number.isFinite(riskRatio) ? riskRatio : null, riskRatioAfter };
}
