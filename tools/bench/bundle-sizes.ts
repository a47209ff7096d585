import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * What a browser fetches before the first screen, in gzip bytes (zlib's default level, what a static
 * server's on-the-fly gzip gives): a page's module scripts and everything they import statically, each
 * file once. A dynamic `import()` is left out: it loads later, when a screen asks for it.
 */
export interface BundleSize {
  readonly gzipBytes: number;
  /** The files counted, relative to the build folder, entry first. */
  readonly files: readonly string[];
}

export type MeasuredSize = { readonly gzipBytes: number; readonly files: readonly string[] } | { readonly gzipBytes: null; readonly reason: string };

export interface BuildSizes {
  readonly pwaInitialGzip: MeasuredSize;
  readonly extensionWorkerGzip: MeasuredSize;
  readonly popupGzip: MeasuredSize;
  readonly contentScriptGzip: MeasuredSize;
}

// `import{a as b}from"./x.js"`, `import "./x.js"`, `export{c}from"./x.js"`: not `import("./x.js")`.
const STATIC_IMPORT = /(?<![\w$.])(?:import|export)\s*(?:[\w$*{}\s,]*?\bfrom\s*)?(["'])([^"'\n]+)\1/g;

/** The relative or root-absolute specifiers a built module imports statically (bare names are left alone). */
export function staticImports(code: string): string[] {
  const found: string[] = [];
  for (const m of code.matchAll(STATIC_IMPORT)) {
    const spec = m[2] ?? '';
    if (spec.startsWith('./') || spec.startsWith('../') || spec.startsWith('/')) found.push(spec);
  }
  return found;
}

/** The module scripts and module preloads a built HTML page loads (their `src` or `href`). */
export function htmlModuleScripts(html: string): string[] {
  const found: string[] = [];
  for (const tag of html.match(/<(?:script|link)\b[^>]*>/gi) ?? []) {
    const isModule = /^<script/i.test(tag) ? /type\s*=\s*["']?module/i.test(tag) : /rel\s*=\s*["']?modulepreload/i.test(tag);
    const url = /\b(?:src|href)\s*=\s*["']([^"']+)["']/i.exec(tag)?.[1];
    if (isModule && url !== undefined && !/^[a-z]+:/i.test(url)) found.push(url);
  }
  return found;
}

/**
 * `entries` (paths relative to `root`, the build folder) and their static imports, transitively, each
 * file counted once.
 */
export function moduleGraphGzip(root: string, entries: readonly string[]): BundleSize {
  const seen = new Set<string>();
  const files: string[] = [];
  let gzipBytes = 0;
  const visit = (abs: string): void => {
    if (seen.has(abs)) return;
    seen.add(abs);
    if (!existsSync(abs)) throw new Error(`${relative(root, abs)}: imported but not in the build`);
    const code = readFileSync(abs);
    files.push(relative(root, abs));
    gzipBytes += gzipSync(code).length;
    for (const spec of staticImports(code.toString('utf8'))) visit(spec.startsWith('/') ? join(root, spec) : resolve(dirname(abs), spec));
  };
  for (const entry of entries) visit(resolve(root, entry.replace(/^\//, '')));
  return { gzipBytes, files };
}

/** A built page's initial JavaScript: its module scripts and module preloads and their static imports. */
export function pageInitialGzip(root: string, htmlFile: string): BundleSize {
  const html = readFileSync(join(root, htmlFile), 'utf8');
  const pageDir = dirname(join(root, htmlFile));
  const entries = htmlModuleScripts(html).map((url) => (url.startsWith('/') ? url : relative(root, resolve(pageDir, url))));
  return moduleGraphGzip(root, entries);
}

const missing = (reason: string): MeasuredSize => ({ gzipBytes: null, reason });

const measured = (measure: () => BundleSize): MeasuredSize => {
  try {
    return measure();
  } catch (e) {
    return missing(e instanceof Error ? e.message : String(e));
  }
};

interface ExtensionManifest {
  readonly background?: { readonly service_worker?: string };
  readonly action?: { readonly default_popup?: string };
  readonly content_scripts?: readonly { readonly js?: readonly string[] }[];
}

/**
 * The sizes issue 12 budgets, read from the build folders under `dist` (dist/pwa from `npm run build`;
 * dist/extension, its files found through its manifest.json). A size that cannot be read is null with
 * the reason.
 */
export function buildSizes(dist: string): BuildSizes {
  const pwa = join(dist, 'pwa');
  const pwaInitialGzip = existsSync(join(pwa, 'index.html')) ? measured(() => pageInitialGzip(pwa, 'index.html')) : missing('no dist/pwa/index.html: run npm run build');
  const ext = join(dist, 'extension');
  const manifestFile = join(ext, 'manifest.json');
  if (!existsSync(manifestFile)) {
    const reason = 'no dist/extension/manifest.json: the extension is being built on another branch';
    return { pwaInitialGzip, extensionWorkerGzip: missing(reason), popupGzip: missing(reason), contentScriptGzip: missing(reason) };
  }
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as ExtensionManifest;
  const worker = manifest.background?.service_worker;
  const popup = manifest.action?.default_popup;
  // Every content script file a page gets: the sum over the manifest's entries.
  const contentScripts = [...new Set((manifest.content_scripts ?? []).flatMap((c) => c.js ?? []))];
  return {
    pwaInitialGzip,
    extensionWorkerGzip: worker === undefined ? missing('manifest.json has no background.service_worker') : measured(() => moduleGraphGzip(ext, [worker])),
    popupGzip: popup === undefined ? missing('manifest.json has no action.default_popup') : measured(() => pageInitialGzip(ext, popup)),
    contentScriptGzip: contentScripts.length === 0 ? missing('manifest.json has no content_scripts') : measured(() => moduleGraphGzip(ext, contentScripts)),
  };
}
