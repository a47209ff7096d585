import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { build } from 'vite';
import { extensionManifest } from './manifest.ts';
import { zipDirectory } from './store-zip.ts';

/**
 * `npm run build:extension`: two Vite passes into dist/extension/ (the demo build: it may also reach the
 * local simulator and the overlay fixture pages on loopback; load it unpacked), then the store build
 * (same code, manifest without loopback) in dist/extension-store/ and zipped for the Web Store.
 */
const root = resolve(import.meta.dirname, '../..');
const out = resolve(root, 'dist/extension');
const store = resolve(root, 'dist/extension-store');
const zipPath = resolve(root, 'dist/margin-sentry-extension.zip');
const version = (JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { version: string }).version;
const quiet = process.argv.includes('--quiet');

await build({ configFile: resolve(import.meta.dirname, '../vite.config.ts'), logLevel: quiet ? 'warn' : 'info' });
await build({ configFile: resolve(import.meta.dirname, '../vite.content.config.ts'), logLevel: quiet ? 'warn' : 'info' });
writeFileSync(resolve(out, 'manifest.json'), `${JSON.stringify(extensionManifest('demo', version), null, 2)}\n`);

rmSync(store, { recursive: true, force: true });
mkdirSync(store, { recursive: true });
cpSync(out, store, { recursive: true });
writeFileSync(resolve(store, 'manifest.json'), `${JSON.stringify(extensionManifest('store', version), null, 2)}\n`);
writeFileSync(zipPath, zipDirectory(store));
if (!quiet) {
  console.log(`Extension built: dist/extension/ (demo build), dist/extension-store/ and ${zipPath.slice(root.length + 1)} (store build).`);
  console.log('Load it: chrome://extensions > Developer mode > Load unpacked > dist/extension/');
  console.log('It watches the simulator\'s demo accounts at http://127.0.0.1:8780 (npm start or npm run sim); change it in the extension\'s options.');
}
