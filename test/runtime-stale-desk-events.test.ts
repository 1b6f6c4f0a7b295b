// A desk's callbacks may come late: after the user cancelled a handoff and asked again. Each desk
// event names the handoff it belongs to (`sequence`), so a late one is ignored as stale instead of
// being taken for the next handoff's.
import { afterEach, describe, expect, it } from 'vitest';
import type { LiveAgentDesk, LiveAgentEvent, LiveAgentListener } from '../src/runtime/live-agents/live-agent-desk.js';
import type { SimulatedDesk } from '../src/runtime/live-agents/simulated-desk-options.js';
import type { HandoffRuntime } from '../src/runtime/runtime.js';
import { chat, invoke, manualDeskRuntime } from './runtime/support.js';

const runtimes: HandoffRuntime[] = [];
afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((runtime) => runtime.close()));
});

/** The simulated desk behind a webhook that delivers its events only when the test lets it, as a vendor's callbacks may come late. */
function lateDesk(desk: SimulatedDesk): { readonly desk: LiveAgentDesk; hold(): void; release(): void } {
  let holding = false;
  const held: [string, LiveAgentEvent][] = [];
  const listeners: LiveAgentListener[] = [];
  desk.subscribe((conversationId, event) => {
    if (holding) held.push([conversationId, event]);
    else for (const listener of listeners) listener(conversationId, event);
  });
  return {
    desk: {
      ...desk,
      subscribe(listener) {
        listeners.push(listener);
        return () => {
          const at = listeners.indexOf(listener);
          if (at >= 0) listeners.splice(at, 1);
        };
      },
    },
    hold: () => (holding = true),
    release() {
      holding = false;
      for (const [conversationId, event] of held.splice(0)) for (const listener of listeners) listener(conversationId, event);
    },
  };
}

describe.each([true, false])('a late desk event, directPath %s', (directPath) => {
  function runtimeWithLateDesk() {
    let late!: ReturnType<typeof lateDesk>;
    const { runtime, desk, notifications } = manualDeskRuntime(runtimes, { directPath }, (simulated) => {
      late = lateDesk(simulated);
      return late.desk;
    });
    return { runtime, simulated: desk, late, notifications };
  }

  it('ignores the offer of a handoff the user cancelled when it arrives after they asked again, and takes the new handoff’s own offer', async () => {
    const { runtime, simulated, late, notifications } = runtimeWithLateDesk();
    await runtime.start('c1', chat());
    expect(await runtime.send('c1', invoke())).toMatchObject({ state: 'queued.waiting', sequence: 1 });
    // The desk offers handoff #1 to ana; the callback is on its way while the user cancels.
    late.hold();
    simulated.offer('c1', 'ana');
    expect(await runtime.send('c1', { type: 'user.cancel' })).toMatchObject({ state: 'aiHandling' });
    await runtime.idle();
    expect(simulated.inspect('c1')).toBeUndefined();
    expect(await runtime.send('c1', invoke())).toMatchObject({ state: 'queued.waiting', sequence: 2 });
    // The late offer of #1 arrives now.
    late.release();
    await runtime.idle();
    const view = await runtime.get('c1');
    expect(view).toMatchObject({ state: 'queued.waiting', sequence: 2, agentId: null });
    expect(view.ignored).toMatchObject({ event: 'agent.offered', reason: 'staleSequence', message: "'agent.offered' is for handoff #1, not the current #2." });
    expect(notifications.filter((n) => n.type === 'agentOffered')).toEqual([]);
    expect(notifications.at(-1)).toMatchObject({ conversationId: 'c1', type: 'ignored', sequence: 2 });
    // Handoff #2's own offer and acceptance go through.
    simulated.offer('c1', 'ana');
    simulated.accept('c1');
    await runtime.idle();
    expect(await runtime.get('c1')).toMatchObject({ state: 'liveAgent', agentId: 'ana', sequence: 2 });
  });

  it('ignores a late acceptance and chat of a cancelled handoff, so the next handoff is never connected to an agent nobody offered it to', async () => {
    const { runtime, simulated, late } = runtimeWithLateDesk();
    await runtime.start('c1', chat());
    await runtime.send('c1', invoke());
    late.hold();
    simulated.offer('c1', 'ana');
    simulated.accept('c1');
    simulated.agentMessage('c1', 'Hi, Ana here.');
    await runtime.send('c1', { type: 'user.cancel' });
    await runtime.idle();
    await runtime.send('c1', invoke());
    late.release();
    await runtime.idle();
    expect(await runtime.get('c1')).toMatchObject({ state: 'queued.waiting', sequence: 2, agentId: null, ignored: { event: 'agent.message', reason: 'staleSequence' } });
  });
});
