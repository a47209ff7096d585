import { writeFileSync } from 'node:fs';
import { benchReplayDocument } from './bench-replay-document.ts';

/** Writes the bench's 10 000-tick replay document to FILE: `npx tsx bench/write-replay-document.ts /tmp/10k.json`. */
const file = process.argv[2];
if (file === undefined) {
  console.error('usage: tsx bench/write-replay-document.ts FILE');
  process.exit(2);
}
writeFileSync(file, JSON.stringify(benchReplayDocument()));
