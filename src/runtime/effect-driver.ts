// Runs the steps an event started until none is left: each write after a checkpoint, and a step that
// hangs does not hold the conversation past its deadline, whose timeout fires here.
//
// Driven by the steps' own callbacks instead of a loop that awaits each one: a step that finishes
// starts the next at once, where each await cost a promise, its closures, a timer and two turns
// (the loop took 6.5 % more CPU per lifecycle: bench/compare-builds.ts).
import type { ConversationHost } from './conversation-host.js';
import type { RuntimeClock } from './clock.js';
import type { Effect } from './effects.js';

/** What the driver needs besides the host. */
export interface DriveOptions {
  readonly clock: RuntimeClock;
  /** Saves the state before a write runs: `undefined` when saved at once, else the promise of the save. */
  readonly checkpoint: () => Promise<void> | undefined;
  /** Starts an effect's adapter call; its settlement reaches the host through the effect. */
  readonly run: (effect: Effect) => void;
}

/** Resolves once the host has no effect left to run or wait for; rejects with the first error (a lost save). */
export function driveEffects(host: ConversationHost, options: DriveOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    new EffectDriver(host, options, resolve, reject).advance();
  });
}

/** One drive; a class, so the conversations' many drives share their methods. */
class EffectDriver {
  private over = false;
  /** True while `advance` runs: a wake-up from inside it asks for one more pass instead of nesting. */
  private busy = false;
  private again = false;
  /** True while a checkpoint's save is pending: nothing runs until it is done. */
  private saving = false;
  /** The effects a checkpoint held back, to run on the next pass now that it is saved. */
  private checkpointed: Effect[] | undefined;
  /** A deadline that fired and is still there is one the state does not handle: then only a step wakes the driver. */
  private firedDeadline: number | null = null;
  // One timer, kept while later steps' deadlines are no earlier (it re-arms when it fires early):
  // most steps finish long before any deadline, so most never touch a timer.
  private timer: unknown;
  private armedFor: number | null = null;

  constructor(
    private readonly host: ConversationHost,
    private readonly options: DriveOptions,
    private readonly resolve: () => void,
    private readonly reject: (error: unknown) => void,
  ) {}

  /**
   * Runs what can run now, then waits for a step or the deadline; an error ends the drive. Given to
   * every effect waited for, so a field: a stale call (the drive is over) does nothing.
   */
  readonly advance = (): void => {
    if (this.over || this.saving) return;
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    try {
      do {
        this.again = false;
        this.pass();
      } while (this.passAgain());
    } catch (error) {
      this.fail(error);
    } finally {
      this.busy = false;
    }
  };

  /** Whether a wake-up during the last pass asked for another, and the drive can take it. */
  private passAgain(): boolean {
    return this.again && !this.over && !this.saving;
  }

  private pass(): void {
    const { host } = this;
    let fresh = this.checkpointed;
    this.checkpointed = undefined;
    if (!fresh) {
      if (host.effects.length === 0) {
        this.end();
        return;
      }
      const found = freshEffects(host.effects);
      if (found.write && this.checkpoint(found.effects)) return;
      fresh = found.effects;
    }
    for (const effect of fresh) this.options.run(effect);
    removeFinished(host.effects);
    if (host.effects.length === 0) {
      this.end();
      return;
    }
    const deadline = host.nextDeadlineAt();
    this.armFor(deadline === this.firedDeadline ? null : deadline);
    // Registered last: an effect finished already calls back at once, which asks for another pass.
    for (const effect of host.effects) effect.whenFinished(this.advance);
  }

  /** Saves before `fresh` runs; true when the save is pending, and `fresh` runs once it is done. */
  private checkpoint(fresh: Effect[]): boolean {
    const saving = this.options.checkpoint();
    if (!saving) return false;
    // The deadline waits too: the state it belongs to is not saved yet.
    this.disarm();
    this.saving = true;
    saving.then(
      () => {
        this.saving = false;
        this.checkpointed = fresh;
        this.advance();
      },
      (error: unknown) => {
        this.fail(error);
      },
    );
    return true;
  }

  private armFor(deadline: number | null): void {
    if (this.armedFor !== null && deadline !== null && this.armedFor <= deadline) return;
    this.disarm();
    if (deadline === null) return;
    const { clock } = this.options;
    this.armedFor = deadline;
    this.timer = clock.setTimeout(() => {
      this.fired(deadline);
    }, Math.max(0, deadline - clock.now()));
  }

  private disarm(): void {
    if (this.armedFor === null) return;
    this.options.clock.clearTimeout(this.timer);
    this.armedFor = null;
    this.timer = undefined;
  }

  /** The timer armed for `armedFor` fired: the deadline is due unless a later one replaced it. */
  private fired(armedFor: number): void {
    this.armedFor = null;
    this.timer = undefined;
    if (this.over || this.saving) return;
    const deadline = this.host.nextDeadlineAt();
    if (deadline === null || deadline === this.firedDeadline) return;
    if (deadline > armedFor) {
      this.armFor(deadline);
      return;
    }
    this.firedDeadline = deadline;
    try {
      this.host.send({ type: 'clock.tick', at: Math.max(this.options.clock.now(), deadline) });
    } catch (error) {
      this.fail(error);
      return;
    }
    this.advance();
  }

  private end(): void {
    if (this.stop()) this.resolve();
  }

  private fail(error: unknown): void {
    if (this.stop()) this.reject(error);
  }

  /** Ends the drive; false when it was over already. */
  private stop(): boolean {
    if (this.over) return false;
    this.over = true;
    this.disarm();
    return true;
  }
}

/** The effects not run yet, and whether one of them is a write (which waits for a checkpoint). */
function freshEffects(effects: readonly Effect[]): { effects: Effect[]; write: boolean } {
  const fresh: Effect[] = [];
  let write = false;
  for (const effect of effects) {
    if (effect.status !== 'new' || effect.aborted) continue;
    fresh.push(effect);
    write ||= effect.write;
  }
  return { effects: fresh, write };
}

function removeFinished(effects: Effect[]): void {
  let kept = 0;
  for (const effect of effects) if (!effect.finished) effects[kept++] = effect;
  effects.length = kept;
}
