import { describe, expect, it } from 'vitest';
import { aiMayRespond } from '../../machines/handoff.selectors.js';
import { createHarness } from './harness.js';

describe('handoff machine: the main path', () => {
  it('hands a conversation to a live agent and back to the AI', async () => {
    const h = createHarness();
    expect(h.state()).toBe('aiHandling');
    await h.send({ type: 'handoff.invoke', reason: 'user_requested', parameters: { summary: 'Wants a refund' } });
    expect(h.state()).toBe('queued.waiting');
    await h.send({ type: 'agent.offered', agentId: 'agent-7' });
    await h.send({ type: 'agent.accepted', agentId: 'agent-7' });
    expect(h.state()).toBe('liveAgent');
    expect(aiMayRespond(h.actor.getSnapshot())).toBe(false);
    await h.send({ type: 'agent.ended', agentId: 'agent-7', returnReason: 'resolved' });
    expect(h.state()).toBe('aiHandling');
    expect(h.actor.getSnapshot().context.returned).toMatchObject({ reason: 'agentEnded', agentReason: 'resolved' });
  });
});
