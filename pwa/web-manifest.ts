import type { ManifestOptions } from 'vite-plugin-pwa';
import { ICON_SOURCE, PWA_ICONS } from '../icons/icon-set.ts';

/**
 * The web app manifest (vite-plugin-pwa writes it as manifest.webmanifest and links it from the HTML).
 * `display: standalone` is what lets iOS treat the Home Screen app as a web app with notifications;
 * start_url and scope are the site root, where `npm start` and a static host serve the build.
 */
export const THEME_COLOR = '#13203a';
export const BACKGROUND_COLOR = '#0b1020';

export const webManifest: Partial<ManifestOptions> = {
  id: '/',
  name: 'Margin Sentry',
  short_name: 'Sentry',
  description: 'Watches leveraged crypto positions: margin ratio, liquidation price, tiers, and alerts before a margin call.',
  lang: 'en',
  start_url: '/',
  scope: '/',
  display: 'standalone',
  orientation: 'any',
  theme_color: THEME_COLOR,
  background_color: BACKGROUND_COLOR,
  icons: [
    ...PWA_ICONS.filter((i) => i.kind !== 'apple').map((i) => ({
      src: `icons/${i.file}`,
      sizes: `${i.size}x${i.size}`,
      type: 'image/png',
      purpose: i.kind === 'maskable' ? 'maskable' : 'any',
    })),
    { src: `icons/${ICON_SOURCE}`, sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
  ],
};
