import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Issue 12 and the style guide (B11, "objects whose figures are getters"): a figure behind a getter vanishes in
 * structuredClone, in a spread and in IndexedDB, silently. The engine computes on demand with explicit calls
 * (`tierPriceOf`, `positionFigures`, `viewProjection`, a subject's `searches`); this keeps getters from
 * coming back into its production files.
 */
const ENGINE = join(import.meta.dirname, '.');
const REFLECTION = new Set(['defineProperty', 'defineProperties', '__defineGetter__', '__lookupGetter__']);

function productionFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return productionFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Each getter in `source`: `get x()` accessors (classes, object literals) and property definitions by reflection. */
function gettersIn(fileName: string, source: string): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    const line = file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
    if (ts.isGetAccessorDeclaration(node)) found.push(`${fileName}:${line} get ${node.name.getText(file)}`);
    if (ts.isIdentifier(node) && REFLECTION.has(node.text)) found.push(`${fileName}:${line} ${node.text}`);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

describe('shared/engine production files hold no getters', () => {
  it('finds the kinds it looks for (the check itself)', () => {
    const sample = [
      'class A { get figure(): number { return 1; } }',
      'const b = { get figure() { return 2; } };',
      "Object.defineProperty(C.prototype, 'figure', { get() { return 3; } });",
      'const d = { figure: () => 4 };',
    ].join('\n');
    expect(gettersIn('sample.ts', sample)).toEqual(['sample.ts:1 get figure', 'sample.ts:2 get figure', 'sample.ts:3 defineProperty']);
  });

  it('has none', () => {
    const files = productionFiles(ENGINE);
    expect(files.length).toBeGreaterThan(50);
    const found = files.flatMap((path) => gettersIn(relative(ENGINE, path), readFileSync(path, 'utf8')));
    expect(found).toEqual([]);
  });
});
