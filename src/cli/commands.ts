import type { CliCommand } from './command.js';
import { schemaCommand } from './commands/schema.js';

/** Every sub-command, in the order `agent-handoff --help` lists them. */
export const commands: readonly CliCommand[] = [
  schemaCommand,
];
