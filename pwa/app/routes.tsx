import { lazy } from 'react';
import { AlertsScreen } from './alerts/alerts-screen.tsx';
import { OverviewScreen } from './overview/overview-screen.tsx';
import type { ScreenProps } from './screen-props.ts';

/**
 * The app's screens, one line each: the hash path pattern, the name in the navigation (null: not
 * in it), and the screen. Hash routes work from the precached shell offline and from a
 * notification's deep link. Position, Settings and Replay load on demand (the chart library only
 * with the Position detail).
 */
const PositionScreen = lazy(() => import('./position/position-screen.tsx'));
const SettingsRoute = lazy(() => import('./settings/settings-route.tsx'));
const ReplayRoute = lazy(() => import('./replay/replay-route.tsx'));

export interface Route {
  readonly pattern: RegExp;
  readonly nav: string | null;
  readonly href: string;
  readonly render: (props: ScreenProps, params: readonly string[]) => React.ReactNode;
}

export const ROUTES: readonly Route[] = [
  { pattern: /^\/?$/, nav: 'Overview', href: '#/', render: (p) => <OverviewScreen data={p.data} now={p.now} /> },
  { pattern: /^\/position\/([^/]+)\/([^/]+)$/, nav: null, href: '', render: (p, [a, k]) => <PositionScreen data={p.data} db={p.db} accountId={a ?? ''} positionKey={k ?? ''} /> },
  { pattern: /^\/alerts(?:\/.*)?$/, nav: 'Alerts', href: '#/alerts', render: (p) => <AlertsScreen data={p.data} feed={p.feed} /> },
  { pattern: /^\/replay$/, nav: 'Replay', href: '#/replay', render: (p) => <ReplayRoute db={p.db} data={p.data} feed={p.feed} /> },
  { pattern: /^\/settings$/, nav: 'Settings', href: '#/settings', render: (p) => <SettingsRoute db={p.db} feed={p.feed} /> },
];

/** The route for a location hash (`#/position/binance%3Ademo/BTCUSDT%3Along`), its decoded parameters; unknown paths show the Overview. */
export function routeOf(hash: string): { route: Route; params: string[] } {
  const path = hash.replace(/^#/, '');
  for (const route of ROUTES) {
    const m = route.pattern.exec(path);
    if (m !== null) return { route, params: m.slice(1).map((s) => decodeURIComponent(s)) };
  }
  return { route: ROUTES[0]!, params: [] };
}
