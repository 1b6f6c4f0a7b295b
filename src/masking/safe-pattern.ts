/** The longest extra masking pattern accepted, in characters. */
export const maxPatternLength = 500;

/** The regular-expression flags an extra masking pattern may use (`g` is always added). */
export const allowedPatternFlags = ['i', 'm', 's', 'u'] as const;

/**
 * Why `pattern` is not a safe masking pattern, or `undefined` when it is: it must compile, stay
 * short, use only `allowedPatternFlags`, match no empty text, and avoid the shapes that backtrack
 * catastrophically (a quantified group that holds a quantifier, such as `(a+)+`, and backreferences).
 * This is a guard against the common mistakes, not a proof of linear time.
 */
export function patternProblem(pattern: string, flags = ''): string | undefined {
  if (pattern.length === 0) return 'Expected a non-empty pattern';
  if (pattern.length > maxPatternLength) return `Expected a pattern of at most ${maxPatternLength} characters`;
  for (const flag of flags) {
    if (!(allowedPatternFlags as readonly string[]).includes(flag)) {
      const note = flag === 'g' ? " ('g' is always added)" : '';
      return `Expected flags among '${allowedPatternFlags.join('')}', received '${flag}'${note}`;
    }
  }
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, flags);
  } catch (error) {
    return `Expected a valid regular expression: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (regex.test('')) return 'Expected a pattern that cannot match empty text';
  return shapeProblem(pattern);
}

function shapeProblem(pattern: string): string | undefined {
  // One frame per open group: does anything inside it repeat?
  const groups: boolean[] = [];
  let inClass = false;
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern[i];
    if (char === '\\') {
      const next = pattern[i + 1] ?? '';
      if (!inClass && (/[1-9]/.test(next) || next === 'k')) return 'Expected no backreferences: they can backtrack catastrophically';
      i += 1;
      continue;
    }
    if (inClass) {
      if (char === ']') inClass = false;
      continue;
    }
    if (char === '[') inClass = true;
    else if (char === '(') groups.push(false);
    else if (char === ')') {
      const repeatsInside = groups.pop() ?? false;
      const quantifier = quantifierAt(pattern, i + 1);
      if (quantifier !== undefined && repeatsInside && quantifier.unbounded) {
        return 'Expected no nested quantifiers such as (a+)+: they can backtrack catastrophically';
      }
      if (quantifier !== undefined && (repeatsInside || quantifier.repeats)) markRepeat(groups);
    } else {
      const quantifier = quantifierAt(pattern, i);
      if (quantifier?.repeats) markRepeat(groups);
    }
  }
  return undefined;
}

function markRepeat(groups: boolean[]): void {
  if (groups.length > 0) groups[groups.length - 1] = true;
}

/** The quantifier starting at `index`, if any: whether it repeats at all, and without a small bound. */
function quantifierAt(pattern: string, index: number): { repeats: boolean; unbounded: boolean } | undefined {
  const char = pattern[index];
  if (char === '*' || char === '+') return { repeats: true, unbounded: true };
  if (char === '?') return { repeats: false, unbounded: false };
  if (char !== '{') return undefined;
  const match = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(index));
  if (!match) return undefined;
  const max = match[2] === undefined ? Number(match[1]) : match[3] === '' ? Infinity : Number(match[3]);
  return { repeats: max > 1, unbounded: max > 10 };
}
