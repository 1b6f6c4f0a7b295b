import fc from 'fast-check';

/**
 * A replayable stream of choices drawn from a tape of numbers that fast-check generates and
 * shrinks. Shrinking the tape towards zeros moves every choice towards its first option, so a
 * shrunk facts object is built from the simplest candidates. Past the tape's end the choices come
 * from a hash of `salt`, so long rule sets never run out of randomness.
 */
export class Choices {
  #next = 0;

  constructor(
    private readonly tape: readonly number[],
    private readonly salt: number,
  ) {}

  /** An index in `[0, n)`; 0 when `n` is 0 or 1. */
  pick(n: number): number {
    if (n <= 1) return 0;
    const at = this.#next++;
    const raw = at < this.tape.length ? (this.tape[at] ?? 0) : mix(this.salt, at);
    return raw % n;
  }

  /** True about `percent` times in a hundred. */
  chance(percent: number): boolean {
    return this.pick(100) < percent;
  }
}

/**
 * Values built from a fresh `Choices` over a generated tape of `length` numbers (and a salt for
 * any choices beyond them). `build` runs once per generated value, so it may consume choices freely.
 */
export function fromChoices<T>(length: number, build: (choices: Choices) => T): fc.Arbitrary<T> {
  return fc
    .tuple(fc.array(fc.nat(), { minLength: length, maxLength: length }), fc.nat())
    .map(([tape, salt]) => build(new Choices(tape, salt)));
}

// A small integer hash (splitmix-like), enough to spread choices past the tape.
function mix(salt: number, at: number): number {
  let h = (salt ^ Math.imul(at + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}
