import type { CliCommand } from './command.js';

/** Every sub-command, in the order `agent-handoff --help` lists them. */
export const commands: readonly CliCommand[] = [
];
