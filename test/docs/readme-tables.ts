/**
 * The README's generated sections: the accelerator catalogue, TPU slice shapes and model-server
 * profiles, rendered from lib/. `npm run docs` writes them; a test keeps them in sync.
 */
import { INSTANCE_TYPES, TPU_SLICES } from '../../lib/accelerators.js';
import { renderAcceleratorTable, renderModelServerTable, renderTpuSliceTable, replaceGeneratedSection } from '../../lib/report.js';
import { MODEL_SERVERS } from '../../lib/servers.js';

export const GENERATED_SECTIONS: Readonly<Record<string, () => string>> = {
  accelerators: () => renderAcceleratorTable(INSTANCE_TYPES),
  'tpu-slices': () => renderTpuSliceTable(TPU_SLICES),
  'model-servers': () => renderModelServerTable(Object.values(MODEL_SERVERS)),
};

/** The README with every generated section re-rendered. */
export function regenerateReadme(readme: string): string {
  return Object.entries(GENERATED_SECTIONS).reduce((doc, [name, render]) => replaceGeneratedSection(doc, name, render()), readme);
}
