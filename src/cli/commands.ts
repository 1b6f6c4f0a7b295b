import type { CliCommand } from './command.js';
import { diagramCommand } from './commands/diagram.js';
import { lintCommand } from './commands/lint.js';
import { routeCommand } from './commands/route.js';
import { schemaCommand } from './commands/schema.js';

/** Every sub-command, in the order `agent-handoff --help` lists them. */
export const commands: readonly CliCommand[] = [
  routeCommand,
  lintCommand,
  schemaCommand,
  diagramCommand,
];
