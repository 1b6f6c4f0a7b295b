// Files shipped with the package (the default rules, the bundled scenarios), found from this module
// whether it runs from src/ or dist/src/. The library and the CLI both read them.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { namingFile } from './errors.js';
import { loadConnectionRules } from './rules/load-rules.js';
import type { ConnectionRules } from './rules/rule-schema.js';

let defaultRules: ConnectionRules | undefined;

/** The bundled `rules/default.json`, validated once (the rules frozen, so one copy serves every caller). */
export function bundledDefaultRules(): ConnectionRules {
  defaultRules ??= namingFile('rules/default.json (bundled)', () => loadConnectionRules(JSON.parse(readFileSync(bundledFile('rules/default.json'), 'utf8'))));
  return defaultRules;
}

/** The package's root folder, found by walking up from this file (works from `src/` and `dist/src/`). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('agent-handoff: package.json not found above the library');
    dir = parent;
  }
  return dir;
}

/** Absolute path of a file shipped with the package, such as `rules/default.json`. */
export function bundledFile(relativePath: string): string {
  return join(packageRoot(), relativePath);
}
