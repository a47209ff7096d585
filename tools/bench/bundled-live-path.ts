import { join } from 'node:path';
import { bundledModule } from './bundled-module.ts';

/**
 * A tree's live path (tools/bench/live-path-run.ts and everything it imports) bundled as the homes
 * bundle it (bundled-module.ts). The relay's main thread runs under tsx and pays `__name`: the suite
 * reports both readings, never one for the other.
 */
export const bundledLivePath = (root: string): Promise<typeof import('./live-path-run.ts')> =>
  bundledModule<typeof import('./live-path-run.ts')>(join(root, 'tools/bench/live-path-run.ts'));
