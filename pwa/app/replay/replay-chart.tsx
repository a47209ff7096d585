import { ColorType, createChart, createSeriesMarkers, LineSeries, type SeriesMarker, type UTCTimestamp } from 'lightweight-charts';
import { useEffect, useRef } from 'react';
import type { PriceTick } from '../../../shared/replay/parse-price-series.ts';
import type { ReplayLine } from './replay-model.ts';

/**
 * The replayed mark of one symbol with a marker where each notice about it fired (lightweight-charts
 * v5: `addSeries`, `createSeriesMarkers`). Times are whole seconds on the chart; notices in the same
 * second share a bar.
 */
export function ReplayChart({ ticks, lines, symbol }: { ticks: readonly PriceTick[]; lines: readonly ReplayLine[]; symbol: string }) {
  const box = useRef<HTMLElement>(null);
  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    const css = getComputedStyle(document.documentElement);
    const colour = (name: string, fallback: string): string => css.getPropertyValue(name).trim() || fallback;
    const chart = createChart(el, {
      autoSize: true,
      layout: { background: { type: ColorType.Solid, color: colour('--card', '#fff') }, textColor: colour('--text', '#141925') },
      grid: { vertLines: { color: colour('--line', '#d5dae6') }, horzLines: { color: colour('--line', '#d5dae6') } },
      timeScale: { timeVisible: true },
    });
    const series = chart.addSeries(LineSeries, { color: colour('--accent', '#1d4ed8'), lineWidth: 2 });
    const points = new Map<number, number>();
    for (const t of ticks) {
      const p = t.marks.get(symbol);
      if (p !== undefined) points.set(Math.floor(t.t / 1000), p);
    }
    series.setData([...points].map(([time, value]) => ({ time: time as UTCTimestamp, value })));
    const markers: SeriesMarker<UTCTimestamp>[] = lines
      .filter((l) => l.symbol === symbol)
      .map((l) => ({
        time: Math.floor(l.t / 1000) as UTCTimestamp,
        position: 'aboveBar',
        shape: l.label.startsWith('Forecast') ? 'circle' : 'arrowDown',
        color: l.label.includes('Liquidation') || l.label.includes('Critical') ? '#c0262d' : l.label.includes('Margin call') ? '#b45309' : '#64748b',
        text: l.label,
      }));
    createSeriesMarkers(series, markers);
    chart.timeScale().fitContent();
    return () => chart.remove();
  }, [ticks, lines, symbol]);
  // A figure, not role="img": the chart library puts its attribution link inside (see position-chart.tsx).
  return <figure ref={box} className="replay-chart" data-testid="replay-chart" aria-label={`${symbol} mark with the alerts that fired`} />;
}
