import { readFileSync } from 'node:fs';
import { evaluateAccount } from '../../shared/engine/margin/evaluate-account.ts';
import { crossParts, riskRatio } from '../../shared/engine/margin/risk-parts.ts';
import { tierPrice } from '../../shared/engine/margin/tier-price.ts';
import { parseAccountInput } from '../../shared/exchanges/parse-account-input.ts';
import { marginModels } from '../../shared/exchanges/venues.ts';
import { nsPerCall, report } from './measure.ts';
import { isFieldError } from '../../shared/units/field-error.ts';

/**
 * The engine's cost per mark tick against the cost of merely parsing that tick's frame: if recomputing
 * every figure costs a few JSON.parse's, the engine keeps up with any venue's stream.
 */
const markFrame = '{"e":"markPriceUpdate","E":1562305380000,"s":"BTCUSDT","p":"11794.15000000","i":"11784.62659091","P":"11784.25641265","r":"0.00038167","T":1562306400000}';
const brackets = JSON.parse(readFileSync(new URL('../../examples/binance-cross.json', import.meta.url), 'utf8'));
const symbols = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'XRPUSDT', 'DOGEUSDT'];
const doc = {
  ...brackets,
  walletBalance: 50_000,
  positions: symbols.map((symbol, i) => ({
    ...brackets.positions[0],
    symbol,
    side: i % 2 === 0 ? 'long' : 'short',
    marginMode: i === 4 ? 'isolated' : 'cross',
    isolatedMargin: 2_000,
  })),
};
const input = parseAccountInput(doc);
if (isFieldError(input)) throw new Error(`${input.field}: ${input.message}`);
const { account } = input;
const model = marginModels.binance;
const btc = account.positions[0]!;

/** Reads every figure, the deferred ones (tier prices, distances, liquidation price, reduction) included. */
function everyFigure(risk: ReturnType<typeof evaluateAccount>): number {
  let n = risk.riskRatio;
  for (const p of risk.positions) {
    n += (p.liquidationPrice ?? 0) + (p.tierDistances['0.8'] ?? 0) + (p.tierPrices['0.5'] ?? 0) + (p.reduction.kind === 'reduce' ? p.reduction.qty : 0);
  }
  return n;
}

let sink = 0;
const baseline = { name: 'JSON.parse of one markPriceUpdate frame', ns: nsPerCall(() => (sink += JSON.parse(markFrame).E)) };
report('Margin engine, 5-position Binance account (3 brackets each)', baseline, [
  { name: 'risk ratio of the cross pool (per mark tick)', ns: nsPerCall(() => (sink += riskRatio(crossParts(account, model)))) },
  { name: 'one tier price (exact solve across brackets)', ns: nsPerCall(() => (sink += tierPrice(account, model, btc, 0.8) ?? 0)) },
  { name: 'evaluateAccount, only the eager figures (what a tick needs)', ns: nsPerCall(() => (sink += evaluateAccount(account, model).riskRatio)) },
  { name: 'evaluateAccount, every figure of every position read', ns: nsPerCall(() => (sink += everyFigure(evaluateAccount(account, model)))) },
  { name: 'parse + validate the calc account document', ns: nsPerCall(() => (sink += isFieldError(parseAccountInput(doc)) ? 0 : 1)) },
]);
if (sink === 42) console.log('');
