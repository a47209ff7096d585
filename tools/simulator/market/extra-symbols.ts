import { deriveSeed, seededRandom } from '../../market-paths/seeded-random.ts';
import type { Market } from './market.ts';

/**
 * The other USDⓈ-M perpetuals Binance's all-market stream (`!markPrice@arr`) carries, so a client
 * sees a realistically large array (~330 symbols, Binance lists a little over 300 perpetuals).
 * Real base names first, then seeded made-up ones. Each moves with BTC raised to a per-symbol beta,
 * plus a slow deterministic wobble: cheap to compute for hundreds of symbols every second.
 */
const REAL_BASES = (
  'XRP DOGE ADA BNB TRX LINK AVAX DOT LTC BCH ATOM UNI ETC FIL APT ARB OP NEAR INJ SUI SEI TIA ' +
  'AAVE MKR SNX CRV LDO RUNE GRT SAND MANA AXS GALA IMX APE CHZ ENJ FLOW EGLD XLM XMR ZEC DASH ' +
  'EOS XTZ ALGO VET HBAR ICP KAVA KSM QNT FTM THETA ZIL ONE IOTA NEO WAVES COMP YFI SUSHI 1INCH ' +
  'BAL ZRX BAT ENS GMX DYDX BLUR PENDLE JTO JUP PYTH WIF BONK 1000PEPE 1000SHIB 1000FLOKI ORDI ' +
  'STX RNDR FET AGIX OCEAN WLD ARKM TAO ENA ETHFI W STRK ZRO NOT TON BOME MEW POPCAT ONDO ' +
  'TRB LPT MASK CFX MINA ROSE CELO KNC LRC SKL STORJ ANKR ICX ONT QTUM RVN IOST CKB HOT'
).split(' ');

const TARGET_COUNT = 330;
const SYLLABLES = 'BA BE BI BO DA DE DO GA GO KA KE KI KO LA LI LO LU MA ME MI MO NA NE NI NO PA PE PO RA RE RI RO SA SE SO TA TE TI TO VA VE VI VO XA ZA ZE ZO'.split(' ');

export interface ExtraSymbol {
  readonly symbol: string;
  readonly basePrice: number;
  readonly beta: number;
  readonly wobblePhase: number;
  readonly wobblePeriodMs: number;
}

export function extraSymbols(seed: number): ExtraSymbol[] {
  const rng = seededRandom(deriveSeed(seed, 'binance-extra-symbols'));
  const names = new Set<string>(REAL_BASES);
  while (names.size < TARGET_COUNT) {
    const parts = 2 + Math.floor(rng.next() * 2);
    let name = '';
    for (let i = 0; i < parts; i += 1) name += SYLLABLES[Math.floor(rng.next() * SYLLABLES.length)] ?? 'XA';
    names.add(name);
  }
  return [...names].map((base) => ({
    symbol: `${base}USDT`,
    // log-uniform from 0.0005 to 500 USDT
    basePrice: Number((0.0005 * 10 ** (rng.next() * 6)).toPrecision(5)),
    beta: 0.8 + rng.next(),
    wobblePhase: rng.next() * 2 * Math.PI,
    wobblePeriodMs: (20 + rng.next() * 100) * 60_000,
  }));
}

export function extraMark(s: ExtraSymbol, market: Market, t: number): number {
  const btc = market.mark('BTC', t) / market.startPrice('BTC');
  const wobble = 1 + 0.004 * Math.sin((2 * Math.PI * (t - market.startMs)) / s.wobblePeriodMs + s.wobblePhase);
  return s.basePrice * btc ** s.beta * wobble;
}
