/** `npm run docs`: rewrite the generated tables in README.md from the catalogue. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { regenerateReadme } from './readme-tables.js';

const path = join(import.meta.dirname, '..', '..', 'README.md');
const before = readFileSync(path, 'utf8');
const after = regenerateReadme(before);
writeFileSync(path, after);
console.log(before === after ? 'README.md is up to date' : 'README.md tables regenerated');
