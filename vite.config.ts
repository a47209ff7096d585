import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { ICON_SOURCE, PWA_ICONS } from './icons/icon-set.ts';
import { webManifest } from './pwa/web-manifest.ts';

/**
 * `npm run build` writes the PWA to dist/pwa/ (the extension will build to dist/extension/).
 * The service worker is ours (pwa/sw/sw.ts) with Workbox's precache manifest injected into it.
 */
const root = import.meta.dirname;
const iconsDir = join(root, 'icons');
const shippedIcons = [ICON_SOURCE, ...PWA_ICONS.map((i) => i.file)];

/** Ships the PWA's icons from icons/ (the one source of them) under /icons/, in the build and in dev. */
function pwaIcons(): Plugin {
  return {
    name: 'margin-sentry-pwa-icons',
    generateBundle() {
      for (const file of shippedIcons) this.emitFile({ type: 'asset', fileName: `icons/${file}`, source: readFileSync(join(iconsDir, file)) });
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const file = req.url?.startsWith('/icons/') ? req.url.slice('/icons/'.length) : '';
        if (!shippedIcons.includes(file)) return next();
        res.setHeader('content-type', file.endsWith('.svg') ? 'image/svg+xml' : 'image/png');
        res.end(readFileSync(join(iconsDir, file)));
      });
    },
  };
}

export default defineConfig({
  root: join(root, 'pwa'),
  base: '/',
  publicDir: false,
  build: {
    outDir: join(root, 'dist/pwa'),
    emptyOutDir: true,
    target: 'es2022',
  },
  plugins: [
    react(),
    pwaIcons(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'sw',
      filename: 'sw.ts',
      registerType: 'prompt',
      injectRegister: false, // pwa/platform/sw-updates.ts registers it through workbox-window
      manifest: webManifest,
      injectManifest: {
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
      },
      devOptions: { enabled: false },
    }),
  ],
});
