import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * Pass 1 of 2 (docs/adr-0001-extension-build-and-sockets.md): the popup and options pages (React) and
 * the module service worker, as ES modules. The content script needs a classic script: pass 2,
 * vite.content.config.ts. The manifest is written by build/build-extension.ts.
 */
const here = import.meta.dirname;
export default defineConfig({
  root: here,
  publicDir: false,
  plugins: [react()],
  build: {
    outDir: resolve(here, '../dist/extension'),
    emptyOutDir: true,
    modulePreload: false,
    target: 'chrome116',
    rolldownOptions: {
      input: {
        popup: resolve(here, 'popup/popup.html'),
        options: resolve(here, 'options/options.html'),
        background: resolve(here, 'background/main.ts'),
      },
      output: { entryFileNames: (chunk) => (chunk.name === 'background' ? 'background.js' : 'assets/[name]-[hash].js') },
    },
  },
});
