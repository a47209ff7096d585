import { join } from 'node:path';
import { buildSizes } from './bundle-sizes.ts';
import { checkBudgets } from './size-budgets.ts';

/**
 * `npm run budgets`: the built sizes against issue 12's budgets (reads dist/; build first with
 * `npm run build`). Exits 1 when a built size is over its budget; a size not built is said, not failed.
 *
 *   npx tsx tools/bench/budgets.ts [--dist=dist] [--json]
 */
const dist = process.argv.find((a) => a.startsWith('--dist='))?.slice('--dist='.length) ?? join(import.meta.dirname, '../../dist');
const checks = checkBudgets(buildSizes(dist));
if (process.argv.includes('--json')) console.log(JSON.stringify(checks, null, 2));
else {
  const kb = (bytes: number | null): string => (bytes === null ? '-' : `${(bytes / 1024).toFixed(1)} KB`);
  console.log('Size budgets (gzip), issue 12');
  for (const c of checks) console.log(`  ${c.size.padEnd(20)} ${kb(c.gzipBytes).padStart(10)}  budget ${kb(c.budgetBytes).padStart(9)}  ${c.verdict}${c.reason === undefined ? '' : ` (${c.reason})`}`);
}
process.exitCode = checks.some((c) => c.verdict === 'over') ? 1 : 0;
