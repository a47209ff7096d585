import { LIVE_BINANCE_SPOT_REST } from '../../shared/exchanges/key-check.ts';
import { venueAdapters } from '../../shared/exchanges/venues.ts';
import { VENUE_IDS } from '../../shared/engine/positions/account.ts';
import { CONTENT_MATCHES, DEMO_CONTENT_MATCHES } from '../content/venue-pages.ts';

/**
 * The MV3 manifest, built per flavour. `store`: the four venues' API and socket hosts and their trading
 * pages, nothing else. `demo`: the same plus loopback (the local simulator and the overlay fixture
 * pages). No <all_urls>, tabs, webRequest, remote code or unsafe-eval.
 */
export type BuildFlavour = 'store' | 'demo';

/** `https://fapi.binance.com` -> `https://fapi.binance.com/*`; a websocket base needs its own pattern (wss). */
const hostPattern = (base: string): string => {
  const u = new URL(base);
  return `${u.protocol}//${u.hostname}/*`;
};

export function venueHostPermissions(): string[] {
  // Plus Binance's spot host: the key check reads the key's permission record there (shared/exchanges/key-check.ts).
  const hosts = [...VENUE_IDS.flatMap((v) => [venueAdapters[v].liveEndpoints.rest, venueAdapters[v].liveEndpoints.ws]), LIVE_BINANCE_SPOT_REST].map(hostPattern);
  return [...new Set(hosts)].sort();
}

/**
 * The push services a paired phone's subscription can live on (Chrome/Android, Safari/iOS, Firefox,
 * Edge). Optional: the options page asks for the one host of the phone's endpoint at pairing
 * (docs/adr-0002-extension-push-sender.md), so an unpaired extension reaches none of them.
 */
export const PUSH_SERVICE_HOSTS = ['https://fcm.googleapis.com/*', 'https://*.push.apple.com/*', 'https://updates.push.services.mozilla.com/*', 'https://*.notify.windows.com/*'];

export const LOOPBACK_HOSTS = ['http://127.0.0.1/*', 'ws://127.0.0.1/*'];

export function extensionManifest(flavour: BuildFlavour, version: string): Record<string, unknown> {
  const demo = flavour === 'demo';
  return {
    manifest_version: 3,
    name: demo ? 'Margin Sentry (demo)' : 'Margin Sentry',
    description: 'Watches leveraged positions on Binance, Bybit, OKX and Hyperliquid: margin ratio, liquidation, tier prices, alerts.',
    version,
    minimum_chrome_version: '116',
    background: { service_worker: 'background.js', type: 'module' },
    action: { default_popup: 'popup/popup.html', default_title: 'Margin Sentry' },
    options_page: 'options/options.html',
    permissions: ['storage', 'notifications', 'alarms'],
    host_permissions: [...venueHostPermissions(), ...(demo ? LOOPBACK_HOSTS : [])],
    optional_host_permissions: PUSH_SERVICE_HOSTS,
    content_scripts: [{ matches: [...CONTENT_MATCHES, ...(demo ? DEMO_CONTENT_MATCHES : [])], js: ['content.js'], run_at: 'document_idle' }],
    content_security_policy: { extension_pages: "script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'" },
  };
}
