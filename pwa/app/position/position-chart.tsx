import { useEffect, useRef } from 'react';
import { createChart, createSeriesMarkers, LineSeries, LineStyle, type IChartApi, type ISeriesApi, type ISeriesMarkersPluginApi, type Time, type UTCTimestamp } from 'lightweight-charts';
import type { MarkPoint } from '../../../shared/ports/mark-history.ts';
import type { AlertItem, TrailPoint } from '../monitor-feed.ts';
import { chartMarkers, type PositionView } from './position-view.ts';

/**
 * The mark (stored history, then the live trail) with price lines for entry, each tier and
 * liquidation, rho in a pane below, and the subject's alerts as markers. lightweight-charts is
 * imported only here, and this module only by the Position detail (a lazy route), so the other
 * screens never load it.
 */
const secondsOf = (ms: number): UTCTimestamp => Math.floor(ms / 1000) as UTCTimestamp;

/** Strictly increasing times (the chart refuses repeats): the last value of each second wins. */
function byTime<T extends { time: UTCTimestamp }>(points: readonly T[]): T[] {
  const out: T[] = [];
  for (const p of [...points].sort((a, b) => a.time - b.time)) {
    if (out.length > 0 && out[out.length - 1]!.time === p.time) out[out.length - 1] = p;
    else out.push(p);
  }
  return out;
}

const css = (name: string): string => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';

export function PositionChart({ view, stored, trail, alerts }: { view: PositionView; stored: readonly MarkPoint[]; trail: readonly TrailPoint[]; alerts: readonly AlertItem[] }) {
  const host = useRef<HTMLElement>(null);
  const fitted = useRef(false);
  const chart = useRef<{ api: IChartApi; mark: ISeriesApi<'Line'>; rho: ISeriesApi<'Line'>; markers: ISeriesMarkersPluginApi<Time> } | null>(null);

  useEffect(() => {
    const el = host.current;
    if (el === null) return;
    const api = createChart(el, {
      autoSize: true,
      layout: { background: { color: 'transparent' }, textColor: css('--text'), panes: { separatorColor: css('--line') } },
      grid: { vertLines: { color: css('--line') }, horzLines: { color: css('--line') } },
      // The newest marks and their alert markers clear of the price lines' titles, which sit at the right edge.
      timeScale: { timeVisible: true, secondsVisible: false, rightOffsetPixels: 120 },
    });
    const mark = api.addSeries(LineSeries, { color: css('--accent'), lineWidth: 2, priceFormat: { type: 'price', precision: view.decimals, minMove: 10 ** -view.decimals } }, 0);
    const rho = api.addSeries(LineSeries, { color: css('--muted'), lineWidth: 2, priceFormat: { type: 'price', precision: 3, minMove: 0.001 } }, 1);
    api.panes()[1]?.setHeight(110);
    rho.createPriceLine({ price: 1, color: '#d11a2a', lineStyle: LineStyle.Dashed, lineWidth: 1, title: 'ρ 1' });
    const markers = createSeriesMarkers(mark, []);
    chart.current = { api, mark, rho, markers };
    return () => {
      chart.current = null;
      api.remove();
    };
  }, [view.decimals]);

  // Price lines: redrawn when a level moves (a top-up, a new tier table), not on every tick.
  const lineKey = view.lines.map((l) => `${l.title}:${l.price.toFixed(view.decimals)}`).join('|');
  useEffect(() => {
    const c = chart.current;
    if (c === null) return;
    const colours = { entry: css('--muted'), tier: '#c27c0e', liquidation: '#d11a2a' };
    const made = view.lines.map((l) =>
      c.mark.createPriceLine({ price: l.price, color: colours[l.kind], lineWidth: 1, lineStyle: l.kind === 'entry' ? LineStyle.Dotted : LineStyle.Dashed, axisLabelVisible: true, title: l.title }),
    );
    return () => made.forEach((l) => chart.current?.mark.removePriceLine(l));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [lineKey]);

  useEffect(() => {
    const c = chart.current;
    if (c === null) return;
    const marks = byTime([...stored.map((p) => ({ time: secondsOf(p.t), value: p.price })), ...trail.map((p) => ({ time: secondsOf(p.t), value: p.mark }))]);
    c.mark.setData(marks);
    c.rho.setData(byTime(trail.filter((p) => p.rho !== null).map((p) => ({ time: secondsOf(p.t), value: p.rho as number }))));
    c.markers.setMarkers(
      chartMarkers(alerts).map((m) => ({
        time: m.timeSec as UTCTimestamp,
        position: m.forecast ? ('belowBar' as const) : ('aboveBar' as const),
        shape: m.forecast ? ('arrowUp' as const) : ('arrowDown' as const),
        color: m.severity === 'watch' ? '#c27c0e' : '#d11a2a',
        text: m.text,
      })),
    );
    // Few points (a fresh install) would otherwise sit squeezed at the right edge.
    if (!fitted.current && marks.length > 1) {
      c.api.timeScale().fitContent();
      fitted.current = marks.length > 30;
    }
  }, [stored, trail, alerts]);

  // A figure, not role="img": the chart library puts its attribution link inside, and an image may hold no link.
  return <figure ref={host} className="chart" data-testid="chart" aria-label={`Chart of ${view.position.symbol}: mark with entry, tiers and liquidation; rho below; alerts marked`} />;
}
