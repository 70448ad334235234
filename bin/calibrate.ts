/**
 * `npm run calibrate -- [file.json]`: plan every benchmark record of the file through the
 * planner and print estimate / measured per record and a summary line.
 *
 * @default file test/fixtures/benchmarks/published-decode-throughput.json
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Calibration } from '../lib/calibration.js';
import { type TextSink, reportingErrors } from './cli-errors.js';

const DEFAULT_FILE = fileURLToPath(new URL('../test/fixtures/benchmarks/published-decode-throughput.json', import.meta.url));

/**
 * The command line: prints the calibration and returns the exit status. A file that cannot be
 * read or parsed, or a record the library rejects, is one line on stderr and status 1.
 */
export function cli(argv: string[], stdout: TextSink = process.stdout, stderr: TextSink = process.stderr): number {
  const file = argv[0] ?? DEFAULT_FILE;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    stderr.write(`calibrate: ${file} is not a readable JSON file of benchmark records: ${(e as Error).message}\n`);
    return 1;
  }
  return reportingErrors('calibrate', stderr, () => stdout.write(`${Calibration.render(Calibration.run(Calibration.parse(json)))}\n`));
}

// Run only as the CLI, not when imported.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = cli(process.argv.slice(2));
