import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { GENERATED_SECTIONS, regenerateReadme } from './readme-tables.js';

describe('README generated tables', () => {
  const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');

  test.each(Object.keys(GENERATED_SECTIONS))('has the %s section', (name) => {
    expect(readme).toContain(`<!-- generated:${name} (npm run docs) -->`);
  });

  test('are in sync with the catalogue (run npm run docs after changing lib/)', () => {
    expect(regenerateReadme(readme)).toBe(readme);
  });
});
