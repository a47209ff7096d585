import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Rollup } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSizes, moduleGraphGzip, pageInitialGzip, staticImports } from './bundle-sizes.ts';
import { checkBudgets } from './size-budgets.ts';

const dir = mkdtempSync(join(tmpdir(), 'bundle-sizes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (file: string, text: string): void => {
  mkdirSync(join(dir, file, '..'), { recursive: true });
  writeFileSync(join(dir, file), text);
};

describe('staticImports', () => {
  it('reads static imports and re-exports, not dynamic imports or bare names', () => {
    const code = 'import{a as b}from"./x.js";import"./side.js";export{c}from"../y.js";import * as r from "react";const l=()=>import("./lazy.js");import {d} from \'/assets/z.js\'';
    expect(staticImports(code)).toEqual(['./x.js', './side.js', '../y.js', '/assets/z.js']);
  });
});

describe('pageInitialGzip on a real vite build', () => {
  it("counts a page's entry and the chunks it imports statically, not its lazy chunk or another page's", async () => {
    const src = join(dir, 'src');
    const pad = (name: string) => `'${name}:${Array.from({ length: 200 }, (_, i) => `${name}${i * 7919}`).join(',')}'`;
    write('src/a.html', '<!doctype html><html><body><script type="module" src="./main-a.js"></script></body></html>');
    write('src/b.html', '<!doctype html><html><body><script type="module" src="./main-b.js"></script></body></html>');
    write('src/shared.js', `export const shared = () => ${pad('shared')};`);
    write('src/lazy.js', `import { shared } from './shared.js';\nexport const lazy = () => shared() + ${pad('lazy')};`);
    write('src/main-a.js', `import { shared } from './shared.js';\ndocument.title = shared() + ${pad('a')};\ndocument.onclick = () => import('./lazy.js').then((m) => console.log(m.lazy()));`);
    write('src/main-b.js', `import { shared } from './shared.js';\ndocument.title = shared() + ${pad('b')};`);
    const out = join(dir, 'out');
    const result = (await build({
      configFile: false,
      root: src,
      logLevel: 'silent',
      build: { outDir: out, emptyOutDir: true, rollupOptions: { input: { a: join(src, 'a.html'), b: join(src, 'b.html') } } },
    })) as Rollup.RollupOutput;

    // What vite says page a loads first: its entry chunk and that chunk's static imports, transitively.
    const chunks = result.output.filter((o): o is Rollup.OutputChunk => o.type === 'chunk');
    const entryA = chunks.find((c) => c.isEntry && c.facadeModuleId?.endsWith('a.html') === true);
    expect(entryA).toBeDefined();
    const initial = new Set<string>();
    const visit = (file: string): void => {
      if (initial.has(file)) return;
      initial.add(file);
      for (const f of chunks.find((c) => c.fileName === file)?.imports ?? []) visit(f);
    };
    visit(entryA?.fileName ?? '');
    expect(initial.size).toBeGreaterThanOrEqual(2); // the shared chunk is split out (two pages import it)
    const lazy = chunks.find((c) => c.facadeModuleId?.endsWith('lazy.js') === true);
    expect(lazy).toBeDefined();
    expect(initial.has(lazy?.fileName ?? '')).toBe(false);

    const expected = [...initial].reduce((sum, f) => sum + gzipSync(readFileSync(join(out, f))).length, 0);
    const measured = pageInitialGzip(out, 'a.html');
    expect(new Set(measured.files)).toEqual(initial);
    expect(measured.gzipBytes).toBe(expected);
    // The page's modulepreload links name the shared chunk too; from the entry chunk alone (as for the
    // extension's worker) the static imports lead to the same files.
    expect(moduleGraphGzip(out, [entryA?.fileName ?? ''])).toEqual(measured);
  }, 60_000);
});

describe('buildSizes', () => {
  it('reads the extension through its manifest, and says why a size is missing', () => {
    write('dist/pwa/index.html', '<script type="module" src="/assets/app.js"></script><link rel="modulepreload" href="/assets/vendor.js">');
    write('dist/pwa/assets/app.js', 'import{v}from"./vendor.js";v();import("./chart.js")');
    write('dist/pwa/assets/vendor.js', 'export const v=()=>1;');
    write('dist/pwa/assets/chart.js', 'export const c=2;');
    const gz = (file: string): number => gzipSync(readFileSync(join(dir, file))).length;

    const noExtension = buildSizes(join(dir, 'dist'));
    expect(noExtension.pwaInitialGzip).toEqual({ gzipBytes: gz('dist/pwa/assets/app.js') + gz('dist/pwa/assets/vendor.js'), files: ['assets/app.js', 'assets/vendor.js'] });
    expect(noExtension.extensionWorkerGzip.gzipBytes).toBeNull();
    expect(noExtension.contentScriptGzip).toMatchObject({ gzipBytes: null, reason: expect.stringContaining('manifest.json') });

    write('dist/extension/manifest.json', JSON.stringify({ background: { service_worker: 'background.js', type: 'module' }, action: { default_popup: 'popup/popup.html' }, content_scripts: [{ js: ['content/a.js'] }, { js: ['content/a.js', 'content/b.js'] }] }));
    write('dist/extension/background.js', 'import{e}from"./engine.js";e();');
    write('dist/extension/engine.js', 'export const e=()=>0;');
    write('dist/extension/popup/popup.html', '<script type="module" src="./popup.js"></script>');
    write('dist/extension/popup/popup.js', 'import{e}from"../engine.js";e();');
    write('dist/extension/content/a.js', '(()=>{console.log("a")})();');
    write('dist/extension/content/b.js', '(()=>{console.log("b")})();');
    const sizes = buildSizes(join(dir, 'dist'));
    expect(sizes.extensionWorkerGzip.gzipBytes).toBe(gz('dist/extension/background.js') + gz('dist/extension/engine.js'));
    expect(sizes.popupGzip.gzipBytes).toBe(gz('dist/extension/popup/popup.js') + gz('dist/extension/engine.js'));
    expect(sizes.contentScriptGzip.gzipBytes).toBe(gz('dist/extension/content/a.js') + gz('dist/extension/content/b.js'));

    const budgets = checkBudgets({ ...sizes, pwaInitialGzip: { gzipBytes: 170 * 1024 + 1, files: [] } });
    expect(budgets.map((b) => [b.size, b.verdict])).toEqual([
      ['pwaInitialGzip', 'over'],
      ['extensionWorkerGzip', 'pass'],
      ['popupGzip', 'no budget'],
      ['contentScriptGzip', 'pass'],
    ]);
  });
});
