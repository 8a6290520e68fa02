/** An error the local tools report as one clear line and a non-zero exit, without a stack trace. */
export class StartupError extends Error {
  override name = 'StartupError';
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

/** Runs a CLI main function: StartupError → its message and exit code; anything else → message + exit 1. */
export function runMain(main: () => Promise<number | void>): void {
  main().then(
    (code) => {
      if (typeof code === 'number') process.exitCode = code;
    },
    (err: unknown) => {
      if (err instanceof StartupError) {
        process.stderr.write(`error: ${err.message}\n`);
        process.exit(err.exitCode);
      }
      process.stderr.write(`error: ${(err as Error)?.message ?? String(err)}\n`);
      if (process.env.DEBUG) process.stderr.write(`${(err as Error)?.stack ?? ''}\n`);
      process.exit(1);
    },
  );
}
