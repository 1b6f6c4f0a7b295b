// The README's lifecycle diagram is generated from the machine; this test fails when they differ.
// Refresh it with: UPDATE_DIAGRAM=1 npx vitest run test/diagram.test.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/run-cli.js';
import { diagramMarkers, handoffDiagram, handoffDiagramMarkdown, withReadmeDiagram } from '../src/diagram/handoff-diagram.js';
import { toMermaid } from '../src/diagram/mermaid.js';
import { handoffMachine } from '../machines/handoff.machine.js';

const readmePath = fileURLToPath(new URL('../README.md', import.meta.url));

function allStateKeys(node: { key: string; states: Record<string, unknown> }): string[] {
  return Object.values(node.states as Record<string, { key: string; states: Record<string, unknown> }>).flatMap((child) => [child.key, ...allStateKeys(child)]);
}

describe('lifecycle diagram', () => {
  it('is a Mermaid stateDiagram-v2 with every state and every kind of transition', () => {
    const text = handoffDiagram();
    expect(text.startsWith('stateDiagram-v2\n')).toBe(true);
    for (const key of allStateKeys(handoffMachine.root)) expect(text).toContain(`state "${key}" as `);
    expect(text).toContain('  [*] --> aiHandling');
    expect(text).toContain('  ended --> [*]');
    expect(text).toContain('  aiHandling --> handoffRequested : handoff.invoke [handoffEnabled && prerequisitesMet]');
    expect(text).toContain('  delivering_attempt --> delivering_backoff : after ackTimeout [canRetryDelivery]');
    expect(text).toContain('  delegated_routing --> aiHandling : routeHandoff error [errorHandlingReturnsToAi]');
    expect(text).toContain('  queued_waiting --> queued_waiting : after periodicMessage');
  });

  it('labels plain after timers and invoke results of any machine', async () => {
    const { createMachine, fromPromise } = await import('xstate');
    const tiny = createMachine({
      initial: 'a',
      states: { a: { after: { 500: 'b' } }, b: { invoke: { src: 'x', onDone: 'c', onError: 'a' } }, c: { type: 'final' } },
    }).provide({ actors: { x: fromPromise(() => Promise.resolve(1)) } });
    expect(toMermaid(tiny)).toMatchInlineSnapshot(`
      "stateDiagram-v2
        [*] --> a
        state "a" as a
        state "b" as b
        state "c" as c
        c --> [*]
        a --> b : after 500
        b --> c : x done
        b --> a : x error
      "
    `);
  });

  it('is embedded in README.md exactly as generated', () => {
    const readme = readFileSync(readmePath, 'utf8');
    const updated = withReadmeDiagram(readme);
    if (process.env.UPDATE_DIAGRAM === '1' && updated !== readme) writeFileSync(readmePath, updated);
    const current = process.env.UPDATE_DIAGRAM === '1' ? updated : readme;
    const block = current.slice(current.indexOf(diagramMarkers.start) + diagramMarkers.start.length + 1, current.indexOf(diagramMarkers.end));
    expect(block, 'README.md is out of date: run UPDATE_DIAGRAM=1 npx vitest run test/diagram.test.ts').toBe(handoffDiagramMarkdown());
  });

  it('is printed by `agent-handoff diagram`', async () => {
    let out = '';
    const io = { stdout: (s: string) => (out += s), stderr: () => undefined, readStdin: () => Promise.resolve(''), isTty: false, cwd: process.cwd() };
    expect(await runCli(['diagram'], io)).toBe(0);
    expect(out).toBe(handoffDiagram());
    out = '';
    expect(await runCli(['diagram', '--markdown'], io)).toBe(0);
    expect(out).toBe(handoffDiagramMarkdown());
  });
});
