import { handoffMachine } from '../../machines/handoff.machine.js';
import { toMermaid } from './mermaid.js';

/** The markers around the generated diagram in README.md. */
export const diagramMarkers = { start: '<!-- diagram:start -->', end: '<!-- diagram:end -->' } as const;

/** The handoff lifecycle as a Mermaid `stateDiagram-v2`, generated from `handoffMachine`. */
export function handoffDiagram(): string {
  return toMermaid(handoffMachine, { timerGuard: 'isDue' });
}

/** The diagram as embedded in README.md: a ```mermaid fence. */
export function handoffDiagramMarkdown(): string {
  return `\`\`\`mermaid\n${handoffDiagram()}\`\`\`\n`;
}

/**
 * The README text with the block between the diagram markers replaced by the generated diagram
 * (markers and a `## Lifecycle` heading appended when absent); everything else is left as it is.
 */
export function withReadmeDiagram(readme: string): string {
  const block = `${diagramMarkers.start}\n${handoffDiagramMarkdown()}${diagramMarkers.end}`;
  const start = readme.indexOf(diagramMarkers.start);
  const end = readme.indexOf(diagramMarkers.end);
  if (start === -1 || end === -1 || end < start) return `${readme.trimEnd()}\n\n## Lifecycle\n\n${block}\n`;
  return readme.slice(0, start) + block + readme.slice(end + diagramMarkers.end.length);
}
