/**
 * `npm run calibrate -- [file.json]`: plan every benchmark record of the file through the
 * planner and print estimate / measured per record and a summary line.
 *
 * @default file test/fixtures/benchmarks/published-decode-throughput.json
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Calibration } from '../lib/calibration.js';

const DEFAULT_FILE = fileURLToPath(new URL('../test/fixtures/benchmarks/published-decode-throughput.json', import.meta.url));

const file = process.argv[2] ?? DEFAULT_FILE;
const records = Calibration.parse(JSON.parse(readFileSync(file, 'utf8')));
console.log(Calibration.render(Calibration.run(records)));
