/**
 * The odeflow command line (the `odeflow` bin; `tsx src/cli.ts` in the repository): a thin
 * dispatcher over one file per subcommand in src/cli/ — `train`, `sample`, `eval`, `report`,
 * `fit` — each with `--help`. `npm start` runs `train` with its defaults.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cmdEval } from './cli/eval.js';
import { cmdFit } from './cli/fit.js';
import { FlagError } from './cli/model-flags.js';
import { cmdReport } from './cli/report.js';
import { cmdSample } from './cli/sample.js';
import { cmdTrain } from './cli/train.js';
import { type CliIO, printHelp, UsageError } from './cli/usage.js';
import { saveCheckpoint } from './train/checkpoint.js';
import { provideCheckpointWriter } from './train/checkpoint-writer.js';
import { availableKinds } from './train/models.js';
import { useNodeTerminal } from './train/terminal.js';
import { VERSION } from './version.js';

provideCheckpointWriter(saveCheckpoint); // train({ checkpointDir }) writes with it
useNodeTerminal(); // the progress bar and colours of Node terminals

export type { CliIO };

const HELP = `odeflow — neural ODEs and continuous normalizing flows on TensorFlow.js

usage: odeflow <command> [options]

commands:
  train    train a density model on toy data or the 8×8 digits, checkpoint it, write report.html
  sample   draw samples from a checkpoint (CSV)
  eval     negative log-likelihood (bits/dim for images) of a checkpoint on held-out data or a CSV file
  report   rebuild report.html from a checkpoint
  fit      fit a flow to an unnormalised 2-D density (Rezende & Mohamed's U1–U4) by reverse KL

'<command> --help' describes each command's options; --version prints the version.`;

/** The subcommands, by name: each takes its arguments and resolves to an exit status. */
const COMMANDS: Record<string, (args: string[], io: CliIO) => Promise<number>> = {
  train: cmdTrain,
  sample: cmdSample,
  eval: cmdEval,
  report: cmdReport,
  fit: cmdFit,
};

/**
 * Runs the CLI on `argv` (without node and script) and resolves to the exit status: 0 success,
 * 1 failure (bad data, diverged training, missing checkpoint), 2 usage error.
 *
 * @param argv The arguments after the script name.
 * @param io Where to write (default the process's standard output and error).
 */
export async function main(
  argv: string[],
  io: CliIO = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    return printHelp(io, HELP);
  }
  if (command === '--version' || command === '-v') {
    io.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const run = COMMANDS[command];
  if (!run) {
    io.stderr.write(
      `unknown command '${command}'; expected one of ${Object.keys(COMMANDS).join(', ')} (see --help)\n`,
    );
    return 2;
  }
  try {
    return await run(rest, io);
  } catch (err) {
    if (err instanceof UsageError || err instanceof FlagError) {
      io.stderr.write(`error: ${err.message} (see '${command} --help')\n`);
      return 2;
    }
    // ODEFLOW_DEBUG=1 shows the stack trace
    const e = err as Error;
    io.stderr.write(`error: ${process.env.ODEFLOW_DEBUG ? (e.stack ?? e.message) : e.message}\n`);
    return 1;
  }
}

/** Kinds the CLI can create now (for scripts that want to list them). */
export { availableKinds };

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
