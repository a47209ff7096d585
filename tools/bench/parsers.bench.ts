import { applyVenueEvent, emptyAccountState } from '../../shared/engine/positions/account-state.ts';
import { binanceAdapter } from '../../shared/exchanges/binance/adapter.ts';
import { bybitAdapter } from '../../shared/exchanges/bybit/adapter.ts';
import { hyperliquidAdapter } from '../../shared/exchanges/hyperliquid/adapter.ts';
import { okxAdapter } from '../../shared/exchanges/okx/adapter.ts';
import { epochMs } from '../../shared/units/units.ts';
import { readFixture } from '../test-support/shared-design.ts';
import { nsPerCall, report } from './measure.ts';

/**
 * The venue parsers' cost per frame against JSON.parse of the same frame: the checked readers (every
 * field validated, bounded, branded) should cost a small multiple of merely parsing the text, so the
 * feed keeps up with Bybit's 100 ms tickers or Binance's several-hundred-symbol array stream.
 */
const ctx = { now: epochMs(1_700_000_000_000), contractSize: (s: string) => (s === 'ETH-USDT-SWAP' ? 0.1 : undefined) };

const binanceMark = '{"stream":"btcusdt@markPrice@1s","data":{"e":"markPriceUpdate","E":1562305380000,"s":"BTCUSDT","p":"11794.15000000","i":"11784.62659091","P":"11784.25641265","r":"0.00038167","T":1562306400000}}';
const binanceAccount = readFixture('binance-ws-ACCOUNT_UPDATE.json');
const bybitTicker = JSON.stringify(JSON.parse(readFixture('bybit-ws-tickers-linear-snapshot.json')));
const okxMark = readFixture('okx-ws-mark-price.json');
const okxPositions = JSON.stringify({
  ...JSON.parse(readFixture('okx-ws-positions.json')),
  data: [{ ...JSON.parse(readFixture('okx-ws-positions.json')).data[0], instType: 'SWAP', instId: 'ETH-USDT-SWAP', ccy: 'USDT' }],
});
const hlCtx = readFixture('hyperliquid-ws-activeAssetCtx.live-capture.json');
const hlState = JSON.stringify({ channel: 'clearinghouseState', data: JSON.parse(readFixture('hyperliquid-rest-clearinghouseState.cross-live-capture.json')) });

let sink = 0;
const rows = (label: string, text: string, parse: (t: string) => unknown) => [
  { name: `${label}: JSON.parse alone`, ns: nsPerCall(() => (sink += JSON.parse(text) === null ? 0 : 1)) },
  { name: `${label}: venue parser (parse + check)`, ns: nsPerCall(() => (sink += parse(text) === undefined ? 0 : 1)) },
];
const baseline = { name: 'JSON.parse of one Binance markPriceUpdate frame', ns: nsPerCall(() => (sink += JSON.parse(binanceMark).data.E)) };
const markEvent = binanceAdapter.parseFrame(binanceMark, ctx);
const state = emptyAccountState('binance');
report('Venue parsers, per frame', baseline, [
  { name: 'Binance markPriceUpdate: venue parser', ns: nsPerCall(() => (sink += binanceAdapter.parseFrame(binanceMark, ctx).ok ? 1 : 0)) },
  ...rows('Binance ACCOUNT_UPDATE', binanceAccount, (t) => binanceAdapter.parseFrame(t, ctx)),
  ...rows('Bybit tickers snapshot', bybitTicker, (t) => bybitAdapter.parseFrame(t, ctx)),
  ...rows('OKX mark-price', okxMark, (t) => okxAdapter.parseFrame(t, ctx)),
  ...rows('OKX positions (1 swap)', okxPositions, (t) => okxAdapter.parseFrame(t, ctx)),
  ...rows('Hyperliquid activeAssetCtx', hlCtx, (t) => hyperliquidAdapter.parseFrame(t, ctx)),
  ...rows('Hyperliquid clearinghouseState', hlState, (t) => hyperliquidAdapter.parseFrame(t, ctx)),
  { name: 'account-state reducer: fold one mark event', ns: nsPerCall(() => (sink += markEvent.ok ? applyVenueEvent(state, markEvent.events[0]!).marks.size : 0)) },
]);
if (sink === 42) console.log('');
