/** Declarations of what test/bench/bench.ts uses from the consumer-app harness (run.mjs). */
/** The tarball: $IC_TARBALL, or `npm pack` (prepack: npm run build) into `scratch`. */
export declare function tarball(scratch: string): string;
/** Consumer app 1 (the cdk init template app) generated and installed under `scratch`; its directory. */
export declare function prepareCdkInitApp(scratch: string, tgz: string): string;
/** Run a command, print a one-line result, throw with its output on failure. */
export declare function run(cwd: string, command: string, args: string[], env?: Record<string, string>): string;
