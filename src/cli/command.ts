/** Where a command reads and writes: the real process in `main.ts`, buffers in tests. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Reads all of standard input (used for `--facts -`). */
  readonly readStdin: () => Promise<string>;
  /** True when stdout is a terminal: colours and progress are shown only then. */
  readonly isTty: boolean;
  readonly cwd: string;
}

/** Exit codes shared by every command. */
export const exitCodes = {
  ok: 0,
  /** Findings: lint problems, failed expectations. */
  findings: 1,
  /** Invalid input: a missing or malformed file, bad arguments. */
  invalidInput: 2,
  /** A bug in agent-handoff itself. */
  internal: 3,
} as const;

/** One sub-command of the `agent-handoff` CLI. */
export interface CliCommand {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The full `--help` text. */
  readonly help: string;
  /** Runs the command on its own arguments (without the command name); resolves to the exit code. */
  readonly run: (args: readonly string[], io: CliIo) => Promise<number>;
}
