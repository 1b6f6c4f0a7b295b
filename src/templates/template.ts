import { HandoffError, formatPath, type HandoffIssue } from '../errors.js';
import type { JsonValue } from '../payload/payload-schema.js';
import { deepFreeze } from '../deep-freeze.js';
import { setOwn } from '../set-own.js';

/** Path segments that never resolve, whatever the scope holds: they name the prototype machinery. */
export const forbiddenTemplateSegments: readonly string[] = ['__proto__', 'constructor', 'prototype'];

/**
 * One piece of a parsed template: literal text, a reference such as `{{memory.a.b}}` (with the text
 * of `{{memory.a.b ?? 'fallback'}}` when it has one), or a malformed `{{…}}`.
 */
export type TemplatePart =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'ref'; readonly raw: string; readonly path: readonly string[]; readonly fallback?: string }
  | { readonly type: 'invalid'; readonly raw: string; readonly reason: string };

/** What a template reads from: any object; only its own data properties are ever read. */
export type TemplateScope = object;

/** What `renderTemplate` does with a reference that resolves to nothing. */
export type TemplateMissingPolicy = 'empty' | 'keep' | 'error';

/** Options of `renderTemplate`. */
export interface RenderTemplateOptions {
  /** `empty` (default) renders nothing, `keep` leaves the `{{…}}` text, `error` throws `TEMPLATE_UNRESOLVED`. */
  readonly onMissing?: TemplateMissingPolicy;
}

const placeholder = /\{\{([^{}]*)\}\}/g;
const segment = /^[A-Za-z0-9_$-]+$/;
// `path ?? 'text'` or `path ?? "text"`: the quotes let a fallback start or end with a space.
const withFallback = /^(.*?)\s*\?\?\s*(.*)$/s;
const quoted = /^'([^']*)'$|^"([^"]*)"$/;
// Deep enough for any real memory object; a cycle in a host scope stops here instead of overflowing.
const maxCopyDepth = 64;

/** Splits a template into text, references and malformed placeholders; it never evaluates anything. */
export function parseTemplate(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const match of text.matchAll(placeholder)) {
    if (match.index > last) parts.push({ type: 'text', text: text.slice(last, match.index) });
    parts.push(parseReference(match[0], (match[1] ?? '').trim()));
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push({ type: 'text', text: text.slice(last) });
  return parts;
}

// Parsed templates by text: a config's few templates are rendered on every handoff. Bounded, so
// hosts rendering texts of their own cannot grow it without limit.
const parsedTemplates = new Map<string, readonly TemplatePart[]>();
const maxCachedTemplates = 256;
const maxCachedTemplateLength = 4000;

/** `parseTemplate(text)`, remembered and frozen: the parts are shared, and `evaluateTemplate` hands out the unresolved ones. */
function templateParts(text: string): readonly TemplatePart[] {
  const cached = parsedTemplates.get(text);
  if (cached !== undefined) return cached;
  const parts = Object.freeze(parseTemplate(text).map((part) => deepFreeze(part)));
  if (text.length <= maxCachedTemplateLength) {
    if (parsedTemplates.size >= maxCachedTemplates) parsedTemplates.clear();
    parsedTemplates.set(text, parts);
  }
  return parts;
}

function parseReference(raw: string, inner: string): TemplatePart {
  const split = withFallback.exec(inner);
  if (split) {
    const literal = quoted.exec(split[2] ?? '');
    if (!literal) return { type: 'invalid', raw, reason: "Expected a quoted fallback after ??, such as {{memory.userProfile.firstName ?? 'there'}}" };
    const reference = parseReference(raw, split[1] ?? '');
    return reference.type === 'ref' ? { ...reference, fallback: literal[1] ?? literal[2] ?? '' } : reference;
  }
  const path = inner.split('.');
  if (inner === '' || !path.every((s) => segment.test(s))) {
    return { type: 'invalid', raw, reason: 'Expected a dotted path of names such as {{memory.userProfile.firstName}}' };
  }
  const forbidden = path.find((s) => forbiddenTemplateSegments.includes(s));
  if (forbidden !== undefined) {
    return { type: 'invalid', raw, reason: `Expected a path without '${forbidden}': templates read plain data only` };
  }
  return { type: 'ref', raw, path };
}

/**
 * Reads `path` from `scope` through own data properties of plain objects and arrays only: no
 * prototype walk, no getters, no functions, so a hostile path resolves to nothing and runs nothing.
 */
export function resolveTemplatePath(scope: TemplateScope, path: readonly string[]): JsonValue | undefined {
  let current: unknown = scope;
  for (const key of path) {
    if (forbiddenTemplateSegments.includes(key)) return undefined;
    if (Array.isArray(current)) {
      if (!/^(0|[1-9]\d*)$/.test(key)) return undefined;
    } else if (!isPlainObject(current)) {
      return undefined;
    }
    const descriptor = Object.getOwnPropertyDescriptor(current, key);
    if (!descriptor || !('value' in descriptor)) return undefined;
    current = descriptor.value;
  }
  return copyJson(current, 0);
}

/**
 * The value a reference stands for: what its path holds, or its fallback when that is missing, null
 * or a blank string (unlike JavaScript's `??`: "Thanks , …" is what a blank name would render).
 */
function resolveReference(scope: TemplateScope, part: Extract<TemplatePart, { type: 'ref' }>): JsonValue | undefined {
  const value = resolveTemplatePath(scope, part.path);
  if (part.fallback === undefined) return value;
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '') ? part.fallback : value;
}

function isPlainObject(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A JSON copy made from own data properties only, or `undefined` when the value is not plain JSON. */
function copyJson(value: unknown, depth: number): JsonValue | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (depth >= maxCopyDepth) return undefined;
  if (Array.isArray(value)) {
    const out: JsonValue[] = [];
    for (let i = 0; i < value.length; i += 1) {
      const descriptor = Object.getOwnPropertyDescriptor(value, i);
      const item = descriptor && 'value' in descriptor ? copyJson(descriptor.value, depth + 1) : undefined;
      if (item === undefined) return undefined;
      out.push(item);
    }
    return out;
  }
  if (!isPlainObject(value)) return undefined;
  const out: Record<string, JsonValue> = {};
  for (const key of Object.keys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    const item = descriptor && 'value' in descriptor ? copyJson(descriptor.value, depth + 1) : undefined;
    if (item === undefined) return undefined;
    // A key named `__proto__` stays an own property instead of setting the prototype.
    setOwn(out, key, item);
  }
  return out;
}

/** How a resolved value reads inside text: strings as they are, `null` as nothing, objects as JSON. */
export function formatTemplateValue(value: JsonValue): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** The outcome of evaluating a template: its value and the references that resolved to nothing. */
export interface TemplateEvaluation {
  /** The JSON value of a template that is one reference and nothing else; otherwise the rendered text. */
  readonly value: JsonValue;
  readonly unresolved: readonly Extract<TemplatePart, { type: 'ref' | 'invalid' }>[];
}

/**
 * Evaluates a template against `scope`: a template that is exactly one `{{reference}}` keeps the
 * referenced JSON value (a number stays a number); any other renders to text, unresolved parts empty.
 */
export function evaluateTemplate(text: string, scope: TemplateScope): TemplateEvaluation {
  const parts = templateParts(text);
  const unresolved: Extract<TemplatePart, { type: 'ref' | 'invalid' }>[] = [];
  const only = parts.length === 1 ? parts[0] : undefined;
  if (only?.type === 'ref') {
    const value = resolveReference(scope, only);
    if (value !== undefined) return { value, unresolved };
    return { value: '', unresolved: [only] };
  }
  let out = '';
  for (const part of parts) {
    if (part.type === 'text') {
      out += part.text;
      continue;
    }
    const value = part.type === 'ref' ? resolveReference(scope, part) : undefined;
    if (value === undefined) unresolved.push(part);
    else out += formatTemplateValue(value);
  }
  return { value: out, unresolved };
}

/**
 * Renders `{{dotted.path}}` references in `text` from `scope` by plain own-property lookup; shared by
 * the handoff message, system parameters and the waiting experience (`{{queue.position}}`).
 * `{{dotted.path ?? 'text'}}` renders `text` where the path holds nothing, null or a blank string.
 * @example
 * renderTemplate('You are number {{queue.position}}.', { queue: { position: 3 } }); // 'You are number 3.'
 */
export function renderTemplate(text: string, scope: TemplateScope, options: RenderTemplateOptions = {}): string {
  const onMissing = options.onMissing ?? 'empty';
  const issues: HandoffIssue[] = [];
  let out = '';
  for (const part of templateParts(text)) {
    if (part.type === 'text') {
      out += part.text;
      continue;
    }
    const value = part.type === 'ref' ? resolveReference(scope, part) : undefined;
    if (value !== undefined) {
      out += formatTemplateValue(value);
      continue;
    }
    if (onMissing === 'keep') out += part.raw;
    issues.push(unresolvedIssue(part));
  }
  if (onMissing === 'error' && issues.length > 0) {
    throw new HandoffError('TEMPLATE_UNRESOLVED', `Template ${JSON.stringify(text)} has ${issues.length} unresolved reference(s): ${issues.map((i) => formatPath(i.path)).join(', ')}.`, issues);
  }
  return out;
}

/** The issue for a reference that resolved to nothing: its path is the path it tried to read. */
export function unresolvedIssue(part: Extract<TemplatePart, { type: 'ref' | 'invalid' }>): HandoffIssue {
  if (part.type === 'invalid') return { code: 'invalid_template', path: [], message: `${part.raw}: ${part.reason}` };
  return {
    code: 'unresolved_template',
    // A copy: the part may be a shared, frozen one, and an issue belongs to whoever receives it.
    path: [...part.path],
    message: `${part.raw} resolved to nothing: expected a JSON value at ${formatPath(part.path)}`,
  };
}

/**
 * Problems of a template as written, for validation at load: malformed placeholders and references
 * whose first segment is not one of `roots`.
 */
export function templateProblems(text: string, roots: readonly string[]): string[] {
  const problems: string[] = [];
  for (const part of parseTemplate(text)) {
    if (part.type === 'invalid') problems.push(`${part.raw}: ${part.reason}`);
    else if (part.type === 'ref' && !roots.includes(part.path[0] ?? '')) {
      problems.push(`${part.raw}: Expected a path starting with ${roots.map((r) => `'${r}'`).join(' or ')}`);
    }
  }
  return problems;
}
