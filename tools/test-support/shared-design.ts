import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The worked vectors and the real payloads the tests check against, read from the repository's own
 * copies: `shared/exchanges/vectors.json` and `shared/exchanges/<venue>/fixtures/<name>`. A copy keeps
 * the team folder's file name, and the venue is the name's first word, so `okx-ws-positions.json` lives
 * in `shared/exchanges/okx/fixtures/`. The team folder (`../shared` beside the repository, or
 * MARGIN_SENTRY_SHARED) is where new facts arrive; `team-copies.test.ts` checks the copies against it
 * when it is there.
 */
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../..');
const exchangesDir = join(repoRoot, 'shared', 'exchanges');

/** The team folder, which a clone does not have: only the copy check reads it. */
export const teamDir = process.env['MARGIN_SENTRY_SHARED'] ?? join(repoRoot, '..', 'shared');

export const vectorsPath = join(exchangesDir, 'vectors.json');

/** Where the repository keeps the copy of a team fixture: beside the venue that parses it. */
export function fixturePath(name: string): string {
  const venue = name.split('-')[0] ?? '';
  const path = join(exchangesDir, venue, 'fixtures', name);
  if (!existsSync(path)) throw new Error(`no fixture ${name}: expected the copy at ${path}`);
  return path;
}

/** Every copy in the repository with the path of its original in the team folder. */
export function teamCopies(): { copy: string; original: string }[] {
  const fixtures = readdirSync(exchangesDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(exchangesDir, d.name, 'fixtures')))
    .flatMap((d) =>
      readdirSync(join(exchangesDir, d.name, 'fixtures'))
        .filter((name) => name !== 'README.md')
        .map((name) => ({ copy: join(exchangesDir, d.name, 'fixtures', name), original: join(teamDir, 'fixtures', name) })),
    );
  return [{ copy: vectorsPath, original: join(teamDir, 'design', 'vectors.json') }, ...fixtures];
}

export interface Vector {
  readonly exchange: string;
  readonly case: string;
  readonly inputs: Record<string, unknown>;
  readonly expected: Record<string, string>;
  readonly source: string;
  readonly status: string;
  readonly tolerance?: string;
}

export const loadVectors = (): Vector[] => JSON.parse(readFileSync(vectorsPath, 'utf8')) as Vector[];

export const readFixture = (name: string): string => readFileSync(fixturePath(name), 'utf8');

/** `.json` fixtures parse as they are; `.jsonc` and `.verbatim.txt` ones need comments and trailing commas removed. */
export const readFixtureJson = (name: string): unknown => parseJsonWithComments(readFixture(name));

/** JSON with `//` line comments and trailing commas, as the doc examples print it. */
export function parseJsonWithComments(text: string): unknown {
  return JSON.parse(text.replace(/\/\/[^\n"]*$/gm, '').replace(/,(\s*[}\]])/g, '$1'));
}

/** A vector's number, written as "1*10/5" or "2985.9 (=positionValue/szi)": arithmetic of products and quotients only. */
export function vectorNumber(raw: unknown): number {
  if (typeof raw === 'number') return raw;
  if (typeof raw !== 'string') throw new Error(`not a vector number: ${JSON.stringify(raw)}`);
  const expr = raw.split('(')[0]!.trim();
  if (!/^[-\d.eE]+([*/][\d.eE]+)*$/.test(expr)) throw new Error(`not a vector number: ${raw}`);
  const parts = expr.split(/(?=[*/])/);
  let value = Number(parts[0]);
  for (const part of parts.slice(1)) value = part[0] === '*' ? value * Number(part.slice(1)) : value / Number(part.slice(1));
  if (!Number.isFinite(value)) throw new Error(`not a vector number: ${raw}`);
  return value;
}

/**
 * The bound (absolute, around `want`) that a vector's stated tolerance gives: "0.005 absolute",
 * "1e-6 relative (pytest.approx)", or "exact" / none stated, taken as 1e-12 relative (a few roundings
 * of doubles). Only the first stated figure counts; anything after it is a remark. The printed
 * precision of the expected figure never loosens it: a vector that cannot meet its own tolerance is
 * said so, with the reason, where it is checked.
 */
export function statedBound(tolerance: string | undefined, want: number): number {
  const t = (tolerance ?? 'exact').trim();
  if (t === 'exact') return 1e-12 * Math.abs(want);
  const m = /^([\d.eE+-]+)\s+(absolute|relative)\b/.exec(t);
  if (m === null) throw new Error(`a tolerance neither absolute, relative nor exact: ${t}`);
  const size = Number(m[1]);
  if (!(size >= 0)) throw new Error(`not a tolerance: ${t}`);
  return m[2] === 'absolute' ? size : size * Math.abs(want);
}

/** Half the last printed digit of a figure written with decimals ("26316.89" -> 0.005); 0.5 without. */
export function printedHalfDigit(expected: string): number {
  const decimals = /\.(\d+)/.exec(expected.split('(')[0]!.trim())?.[1]?.length ?? 0;
  return 0.5 * 10 ** -decimals;
}
