/**
 * Every PNG drawn from `icon.svg` (by `npm run icons`, tools/icons/render-icons.ts). The web manifest,
 * the HTML head, the extension manifest and the tests read this list, so a size is named in one place.
 *
 * - any: the plain drawing on a transparent ground (manifest `purpose: any`, favicons).
 * - maskable: full-bleed ground with the drawing inside the central circle of radius 40 % (the
 *   maskable safe zone, w3.org/TR/appmanifest/#icon-masks), so any launcher mask keeps all of it.
 * - apple: iOS fills transparency with black and rounds the corners itself: an opaque ground, a
 *   little padding.
 */
export interface IconOutput {
  readonly file: string;
  readonly size: number;
  readonly kind: 'any' | 'maskable' | 'apple';
}

export const ICON_SOURCE = 'icon.svg';

export const PWA_ICONS: readonly IconOutput[] = [
  { file: 'icon-192.png', size: 192, kind: 'any' },
  { file: 'icon-512.png', size: 512, kind: 'any' },
  { file: 'icon-maskable-512.png', size: 512, kind: 'maskable' },
  { file: 'apple-touch-icon-180.png', size: 180, kind: 'apple' },
];

export const EXTENSION_ICONS: readonly IconOutput[] = [16, 32, 48, 128].map((size) => ({ file: `extension-${size}.png`, size, kind: 'any' }));

export const ALL_ICONS: readonly IconOutput[] = [...PWA_ICONS, ...EXTENSION_ICONS];

/** The opaque ground of the maskable and Apple icons: light, so the navy shield stands out. */
export const ICON_GROUND = '#e9eefb';

/** Radius of the maskable safe zone as a fraction of the icon's size. */
export const SAFE_ZONE_RADIUS = 0.4;
