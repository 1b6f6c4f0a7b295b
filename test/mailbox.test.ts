import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMailbox } from '../src/runtime/mailbox.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('mailbox', () => {
  it('runs the tasks of one conversation one at a time, in the order they were posted', async () => {
    const mailbox = createMailbox();
    const log: string[] = [];
    const task = (name: string, waits: number) => async () => {
      log.push(`start ${name}`);
      for (let i = 0; i < waits; i++) await tick();
      log.push(`end ${name}`);
      return name;
    };
    const results = await Promise.all([mailbox.post('c1', task('a', 3)), mailbox.post('c1', task('b', 0)), mailbox.post('c1', task('c', 1))]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('lets another conversation proceed while one is busy', async () => {
    const mailbox = createMailbox();
    let release!: () => void;
    const blocked = mailbox.post(
      'slow',
      () =>
        new Promise<string>((resolve) => {
          release = () => {
            resolve('slow');
          };
        }),
    );
    expect(await mailbox.post('fast', () => 'fast')).toBe('fast');
    expect(mailbox.pending('slow')).toBe(1);
    release();
    expect(await blocked).toBe('slow');
  });

  it('rejects only the failing task, thrown or rejected, and runs the ones behind it', async () => {
    const mailbox = createMailbox();
    const first = mailbox.post('c1', () => {
      throw new Error('sync failure');
    });
    const second = mailbox.post('c1', () => Promise.reject(new Error('async failure')));
    const third = mailbox.post('c1', () => 'still runs');
    await expect(first).rejects.toThrow('sync failure');
    await expect(second).rejects.toThrow('async failure');
    expect(await third).toBe('still runs');
  });

  it('counts a conversation as active only while it has tasks (a settled one keeps at most a small record for reuse)', async () => {
    const mailbox = createMailbox();
    const posts = Array.from({ length: 10_000 }, (_, i) => mailbox.post(`c${i % 2500}`, () => i));
    expect(mailbox.activeKeys).toBe(2500);
    expect(mailbox.pending('c0')).toBe(4);
    await Promise.all(posts);
    await mailbox.drain();
    expect(mailbox.activeKeys).toBe(0);
    expect(mailbox.pending('c0')).toBe(0);
  });

  it('drains every task posted so far, including ones that fail', async () => {
    const mailbox = createMailbox();
    const done: number[] = [];
    void mailbox.post('a', async () => {
      await tick();
      done.push(1);
    });
    mailbox.post('b', () => Promise.reject(new Error('x'))).catch(() => undefined);
    void mailbox.post('a', () => {
      done.push(2);
    });
    await mailbox.drain();
    expect(done).toEqual([1, 2]);
    expect(mailbox.activeKeys).toBe(0);
  });

  it('keeps per-conversation order and never overlaps a conversation under any interleaving and timing', async () => {
    const posting = fc
      .array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd'), fc.nat(3)), { minLength: 1, maxLength: 40 })
      .map((steps) => steps.map(([key, awaits], index) => ({ key, awaits, index })));
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), posting, async (scheduler, steps) => {
        const mailbox = createMailbox();
        const started = new Map<string, number[]>();
        const running = new Set<string>();
        let overlapped = false;
        const results = steps.map(({ key, awaits, index }) =>
          mailbox.post(key, async () => {
            if (running.has(key)) overlapped = true;
            running.add(key);
            started.set(key, [...(started.get(key) ?? []), index]);
            for (let i = 0; i < awaits; i++) await scheduler.schedule(Promise.resolve(), `${key}#${index} step ${i}`);
            running.delete(key);
            if (index % 7 === 3) throw new Error(`task ${index} fails`);
            return index;
          }),
        );
        await scheduler.waitIdle();
        const settled = await Promise.allSettled(results);
        expect(overlapped).toBe(false);
        for (const key of new Set(steps.map((step) => step.key))) {
          expect(started.get(key)).toEqual(steps.filter((step) => step.key === key).map((step) => step.index));
        }
        expect(settled.map((s) => s.status === 'fulfilled')).toEqual(steps.map((step) => step.index % 7 !== 3));
        expect(mailbox.activeKeys).toBe(0);
      }),
    );
  });
});
