import { formatIssue, isHandoffError } from '../errors.js';
import { exitCodes, type CliIo } from './command.js';
import { commands } from './commands.js';

const usage = (): string =>
  [
    'Usage: agent-handoff <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`),
    '',
    'Run `agent-handoff <command> --help` for the options of one command.',
    'Exit codes: 0 ok, 1 findings or failed expectations, 2 invalid input, 3 internal error.',
  ].join('\n');

/** Runs the CLI on `argv` (without `node` and the script) and resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(`${usage()}\n`);
    return name === undefined ? exitCodes.invalidInput : exitCodes.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr(`agent-handoff: unknown command '${name}'.\n${usage()}\n`);
    return exitCodes.invalidInput;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`${command.help}\n`);
    return exitCodes.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    // User mistakes arrive as HandoffError or argument errors: a message and the paths, no stack.
    if (isHandoffError(error)) {
      const lines = [`agent-handoff ${name}: ${error.message}`, ...error.issues.map((i) => `  ${formatIssue(i)}`)];
      io.stderr(`${lines.join('\n')}\n`);
      return exitCodes.invalidInput;
    }
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`agent-handoff ${name}: ${error.message}\n${command.help}\n`);
      return exitCodes.invalidInput;
    }
    io.stderr(`agent-handoff ${name}: internal error, please report it.\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return exitCodes.internal;
  }
}
