import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_ICONS, ICON_SOURCE } from '../../icons/icon-set.ts';
import { renderIcon } from './icon-drawing.ts';

/** `npm run icons`: redraws every PNG in icons/ from icons/icon.svg. Commit the result. */
const dir = join(import.meta.dirname, '../../icons');
const source = readFileSync(join(dir, ICON_SOURCE), 'utf8');
for (const output of ALL_ICONS) {
  const icon = await renderIcon(source, output);
  writeFileSync(join(dir, output.file), icon.png);
  console.log(`icons/${output.file}  ${icon.width}x${icon.height}  ${icon.png.length} bytes`);
}
