// What a CLI talks to: its arguments, environment and output streams, passed in rather than read
// from `process`, so that a test can run it in its own process. Its npm script passes the
// process's own (runMain); the exit code is returned, never `process.exit()`.

export type CliIo = {
  env: Record<string, string | undefined>;
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
};

export type Cli = (argv: string[], io: CliIo) => Promise<number>;

/** Ends a CLI run with an exit code, and a message for stderr when there is one. */
export class CliExit extends Error {
  override name = "CliExit";
  constructor(
    readonly code: number,
    message = "",
  ) {
    super(message);
  }
}

/** A line on the stream, as console.log or console.error would write it. */
export const line = (stream: NodeJS.WritableStream, text: string) => void stream.write(`${text}\n`);

/** `run`'s exit code, a CliExit's as well; anything else is thrown, as a crash. */
export async function exitCode(io: CliIo, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof CliExit)) throw error;
    if (error.message) line(io.stderr, error.message);
    return error.code;
  }
}

/** Runs a CLI as its npm script: the process's arguments, environment and streams. */
export async function runMain(cli: Cli): Promise<void> {
  const io: CliIo = { env: process.env, stdout: process.stdout, stderr: process.stderr };
  process.exitCode = await exitCode(io, () => cli(process.argv.slice(2), io));
}
