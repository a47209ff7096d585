import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/** Pass 2 of 2: the overlay content script as one self-contained classic script (content scripts cannot be modules). */
const here = import.meta.dirname;
export default defineConfig({
  root: here,
  publicDir: false,
  build: {
    outDir: resolve(here, '../dist/extension'),
    emptyOutDir: false,
    target: 'chrome116',
    lib: { entry: resolve(here, 'content/main.ts'), formats: ['iife'], name: 'marginSentryOverlay', fileName: () => 'content.js' },
  },
});
