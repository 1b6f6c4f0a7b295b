/** One step of a property path: an object key or an array index. */
export type PathSegment = string | number;

// `$`, then steps: `.name`, `[0]`, `['key']` or `["key"]` (quoted keys for names such as
// `handoff-node`; no escapes inside quotes). Nothing else: no `*`, `..`, `?()`, `()`, `@`, slices.
const stepPattern = /\.([A-Za-z_$][\w$]*)|\[(0|[1-9]\d{0,8})\]|\['([^'\\]*)'\]|\["([^"\\]*)"\]/y;

/** What a valid property path looks like, for error messages. */
export const propertyPathHint =
  "a plain property path such as $.tier, $.tags[0] or $.steps['handoff-node'].summary; filters, scripts, wildcards and recursive descent are not allowed";

/**
 * Parses a plain property path (`$.a.b`, `$.a[0]`, `$['a-b']`) into its steps, or returns
 * `undefined` for anything else: this is the whole path language rules may use.
 */
export function parsePropertyPath(path: string): readonly PathSegment[] | undefined {
  if (!path.startsWith('$') || path.length === 1) return undefined;
  const segments: PathSegment[] = [];
  stepPattern.lastIndex = 1;
  while (stepPattern.lastIndex < path.length) {
    const at = stepPattern.lastIndex;
    const match = stepPattern.exec(path);
    if (!match || match.index !== at) return undefined;
    const [, name, index, single, double] = match;
    if (index !== undefined) segments.push(Number(index));
    else segments.push(name ?? single ?? double ?? '');
  }
  return segments;
}

/**
 * Follows `segments` from `value` through own properties only (never the prototype chain), and
 * gives `undefined` as soon as a step is missing or the value is not an object.
 */
export function resolvePropertyPath(value: unknown, segments: readonly PathSegment[]): unknown {
  let current = value;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<PathSegment, unknown>)[segment];
  }
  return current;
}

/** A canonical spelling of a parsed path, so `$.a` and `$['a']` compare equal. */
export function canonicalPath(segments: readonly PathSegment[]): string {
  return `$${segments.map((s) => `[${JSON.stringify(s)}]`).join('')}`;
}
