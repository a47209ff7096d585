import type { MarginModel } from '../engine/margin/margin-model.ts';
import { protectiveStop } from '../engine/margin/protective-stop.ts';
import type { Account, Position } from '../engine/positions/account.ts';
import type { ProtectiveStopReport } from './account-report.ts';
import { finiteOrNull, priceOf, qtyOf, ratioOf, usdtOf } from './protocol-numbers.ts';

const percent = (fraction: number): number => finiteOrNull(fraction * 100) ?? 0;

/**
 * The engine's protective stop of `p` as protocol data: every number finite (a non-finite price, which
 * the engine does not return, reads as "none needed" rather than crossing the boundary).
 * `worstMinuteMove`: the symbol's recent worst one-minute move (the monitor's minute-move state).
 */
export function protectiveStopReport(account: Account, model: MarginModel, p: Position, worstMinuteMove: number | null): ProtectiveStopReport {
  const s = protectiveStop(account, model, p, { worstMinuteMove });
  switch (s.kind) {
    case 'none-needed':
      return { kind: 'none-needed', reason: s.reason };
    case 'unreachable':
      return { kind: 'unreachable', reason: s.reason };
    case 'too-close': {
      const liquidation = finiteOrNull(s.liquidationPrice);
      const trigger = finiteOrNull(s.triggerPrice);
      if (liquidation === null || !(liquidation > 0)) return { kind: 'none-needed', reason: 'no positive mark liquidates it' };
      return { kind: 'too-close', liquidationPrice: priceOf(liquidation), triggerPrice: trigger !== null && trigger > 0 ? priceOf(trigger) : null, bufferPercent: percent(s.bufferFraction) };
    }
    case 'stop': {
      const figures = [s.triggerPrice, s.fillPrice, s.qty, s.feeUsdt, s.liquidationPrice];
      if (!figures.every(Number.isFinite)) return { kind: 'none-needed', reason: 'no finite stop for this position' };
      const rest = finiteOrNull(s.restRiskRatio);
      const restLiquidation = finiteOrNull(s.restLiquidationPrice);
      return {
        kind: 'stop',
        triggerPrice: priceOf(s.triggerPrice),
        fillPrice: priceOf(s.fillPrice),
        qty: qtyOf(s.qty),
        feeUsdt: usdtOf(s.feeUsdt),
        closesPosition: s.closesPosition,
        bufferPercent: percent(s.bufferFraction),
        worstMinuteMovePercent: worstMinuteMove === null ? null : percent(worstMinuteMove),
        liquidationPrice: priceOf(s.liquidationPrice),
        restRiskRatio: rest === null ? null : ratioOf(rest),
        restLiquidationPrice: restLiquidation !== null && restLiquidation > 0 ? priceOf(restLiquidation) : null,
      };
    }
  }
}
