// Splits a Markdown file into its fenced code blocks, with the info string and line of each.

/** One fenced code block. */
export interface CodeBlock {
  /** The language, first word of the info string (`ts`, `json`, `sh`, ...). */
  readonly lang: string;
  /** The rest of the info string (`rules`, `config`, `scenario` for JSON blocks). */
  readonly kind: string;
  readonly code: string;
  /** 1-based line of the opening fence, for failure messages. */
  readonly line: number;
}

/** Every fenced block of `markdown`, outer fences only (a ```` fence may hold ``` inside). */
export function codeBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,})(\S*)\s*(.*)$/.exec(lines[i] ?? '');
    if (!open) continue;
    const fence = open[1] ?? '```';
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== fence; i++) body.push(lines[i] ?? '');
    blocks.push({ lang: open[2] ?? '', kind: (open[3] ?? '').trim(), code: body.join('\n'), line: start + 1 });
  }
  return blocks;
}

/**
 * Turns `console.log(expr); // → expected` lines into assertions, so the outputs the README shows
 * are checked. `expected` is a JavaScript literal.
 */
export function withOutputAssertions(code: string): string {
  const asserted = code.replace(
    /^(\s*)console\.log\((.*)\);\s*\/\/ → (.*)$/gm,
    (_line, indent: string, expr: string, expected: string) => `${indent}__assert.deepStrictEqual(__shown(${expr}), ${expected});`,
  );
  // The JSON round trip drops class identity and undefined properties, as printed output does; a
  // bare undefined stays undefined, so a README that shows `null` for it fails.
  const shown = "const __shown = (value: unknown): unknown => (value === undefined ? undefined : JSON.parse(JSON.stringify(value) ?? 'null'));";
  return `import __assert from 'node:assert/strict';\n${shown}\n${asserted}`;
}

/** The `$ command` lines of a shell transcript, each with the output lines shown after it. */
export function transcript(code: string): { readonly command: string; readonly output: string }[] {
  const steps: { command: string; output: string[] }[] = [];
  let continued = false;
  for (const line of code.split('\n')) {
    const last = steps.at(-1);
    if (continued && last) last.command += `\n${line}`;
    else if (line.startsWith('$ ')) steps.push({ command: line.slice(2), output: [] });
    else last?.output.push(line);
    continued = line.endsWith('\\');
  }
  return steps.map((s) => ({ command: s.command, output: s.output.join('\n').trim() }));
}
