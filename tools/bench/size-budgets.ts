import type { BuildSizes } from './bundle-sizes.ts';

/** Issue 12's budgets, gzip bytes (1 KB = 1,024 bytes). The popup has none yet: it is reported only. */
export const SIZE_BUDGETS: Readonly<Partial<Record<keyof BuildSizes, number>>> = {
  pwaInitialGzip: 170 * 1024,
  extensionWorkerGzip: 60 * 1024,
  contentScriptGzip: 30 * 1024,
};

export interface BudgetCheck {
  readonly size: keyof BuildSizes;
  readonly gzipBytes: number | null;
  readonly budgetBytes: number | null;
  /** 'not built' when the size could not be read (the reason says why). */
  readonly verdict: 'pass' | 'over' | 'no budget' | 'not built';
  readonly reason?: string;
}

export function checkBudgets(sizes: BuildSizes): BudgetCheck[] {
  return (Object.keys(sizes) as (keyof BuildSizes)[]).map((size) => {
    const measured = sizes[size];
    const budgetBytes = SIZE_BUDGETS[size] ?? null;
    if (measured.gzipBytes === null) return { size, gzipBytes: null, budgetBytes, verdict: 'not built', reason: measured.reason };
    if (budgetBytes === null) return { size, gzipBytes: measured.gzipBytes, budgetBytes, verdict: 'no budget' };
    return { size, gzipBytes: measured.gzipBytes, budgetBytes, verdict: measured.gzipBytes <= budgetBytes ? 'pass' : 'over' };
  });
}
