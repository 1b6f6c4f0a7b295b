// One example per path of issue 4, each on a simulated clock with every side effect recorded.
import { describe, expect, it } from 'vitest';
import { HandoffError } from '../../src/errors.js';
import { aiMayRespond, conversationOwner } from '../../machines/handoff.selectors.js';
import { createHarness, flush, invoke, payloadFor, queueTarget, T0, voice, type Harness } from './harness.js';

const ctx = (h: Harness) => h.actor.getSnapshot().context;
const notices = (h: Harness) => h.actionsOf('notify').map((p) => (p as { kind: string }).kind);
const messages = (h: Harness) => h.actionsOf('sendMessageToUser').map((p) => (p as { kind: string }).kind);

async function toLiveAgent(h: Harness, agentId = 'agent-7'): Promise<void> {
  await h.send(invoke);
  await h.send({ type: 'agent.offered', agentId });
  await h.send({ type: 'agent.accepted', agentId });
  expect(h.state()).toBe('liveAgent');
}

describe('path 1: handoff.invoke in aiHandling', () => {
  it('builds the payload, tells the user, and delivers it, in that order', async () => {
    const h = createHarness();
    await h.send(invoke);
    expect(h.calls.map((c) => c.name).slice(0, 2)).toEqual(['buildPayload', 'deliverToAutomationNode']);
    expect(h.actions.findIndex((a) => a.type === 'sendMessageToUser')).toBeLessThan(h.actions.findIndex((a) => (a.params as { kind: string }).kind === 'delivered'));
    expect(ctx(h).sequence).toBe(1);
    expect(ctx(h).handoff?.invocation).toEqual({ reason: 'user_requested', parameters: { summary: 'Wants a refund' } });
  });

  it('ignores a disabled event with a reason and never builds a payload', async () => {
    const h = createHarness({ event: { enabled: false } });
    await h.send(invoke);
    expect(h.state()).toBe('aiHandling');
    expect(h.calls).toEqual([]);
    expect(ctx(h).ignored).toMatchObject({ event: 'handoff.invoke', reason: 'disabled' });
    expect(notices(h)).toEqual(['ignored']);
  });

  it('ignores the invoke when a prerequisite is unmet, naming it', async () => {
    const h = createHarness({ event: { unmetPrerequisites: ['no_channel_flow'] } });
    await h.send(invoke);
    expect(h.state()).toBe('aiHandling');
    expect(ctx(h).ignored).toMatchObject({ reason: 'prerequisiteUnmet', names: ['no_channel_flow'] });
  });

  it('keeps the AI in charge and names the missing parameters', async () => {
    const missing = new HandoffError('MISSING_PARAMETERS', 'Missing required parameter(s) interactionSummary, sentiment.', [
      { code: 'missing_parameter', path: ['parameters', 'interactionSummary'], message: 'Expected a value' },
      { code: 'missing_parameter', path: ['parameters', 'sentiment'], message: 'Expected a value' },
    ]);
    const h = createHarness({ responders: { buildPayload: () => { throw missing; } } });
    await h.send(invoke);
    expect(h.state()).toBe('aiHandling');
    expect(aiMayRespond(h.actor.getSnapshot())).toBe(true);
    expect(ctx(h).ignored).toMatchObject({ reason: 'missingParameters', code: 'MISSING_PARAMETERS', names: ['interactionSummary', 'sentiment'] });
    expect(h.callsOf('deliverToAutomationNode')).toEqual([]);
  });

  it('reports a prerequisite the payload builder found unmet', async () => {
    const h = createHarness({ responders: { buildPayload: () => { throw new HandoffError('PREREQUISITE_FAILED', 'Expected a channel flow'); } } });
    await h.send(invoke);
    expect(ctx(h).ignored).toMatchObject({ reason: 'prerequisiteUnmet', code: 'PREREQUISITE_FAILED' });
  });

  it('gives up on a payload build that never finishes, after the step timeout', async () => {
    const h = createHarness({ mode: 'manual' });
    await h.send(invoke);
    expect(h.state()).toBe('handoffRequested');
    await h.advance(h.settings.steps.timeoutMs);
    expect(h.state()).toBe('aiHandling');
    expect(ctx(h).ignored).toMatchObject({ code: 'TIMEOUT' });
  });

  it('does not message the user when the event sends no message', async () => {
    const h = createHarness({ event: { sendsMessage: false } });
    await h.send(invoke);
    expect(messages(h)).not.toContain('handoff');
  });

  it('reports a second invoke as a duplicate and delivers once', async () => {
    const h = createHarness({ mode: 'manual' });
    await h.send(invoke);
    await h.send(invoke);
    expect(ctx(h).ignored).toMatchObject({ reason: 'duplicate' });
    const build = h.callsOf('buildPayload')[0]!;
    build.resolve(payloadFor(build.input));
    await h.send(invoke);
    h.callsOf('deliverToAutomationNode')[0]!.resolve({ acknowledged: true });
    await h.send(invoke);
    expect(h.state()).toBe('delegated.routing');
    expect(h.callsOf('buildPayload')).toHaveLength(1);
    expect(h.callsOf('deliverToAutomationNode')).toHaveLength(1);
    expect(ctx(h).sequence).toBe(1);
  });
});

describe('path 2: delivery to the automation node', () => {
  it('waits for a later acknowledgement when the transport does not ack', async () => {
    const h = createHarness({ responders: { deliverToAutomationNode: () => ({ acknowledged: false }) } });
    await h.send(invoke);
    expect(h.state()).toBe('delivering.attempt.awaitingAck');
    expect(ctx(h).deadlines.ackTimeout).toBe(T0 + h.settings.delivery.ackTimeoutMs);
    await h.send({ type: 'automation.ack', sequence: 1 });
    expect(h.state()).toBe('queued.waiting');
  });

  it('ignores an acknowledgement for another handoff', async () => {
    const h = createHarness({ responders: { deliverToAutomationNode: () => ({ acknowledged: false }) } });
    await h.send(invoke);
    await h.send({ type: 'automation.ack', sequence: 7 });
    expect(h.state()).toBe('delivering.attempt.awaitingAck');
    expect(ctx(h).ignored).toMatchObject({ reason: 'staleSequence' });
  });

  it('retries with doubling backoff and the same idempotency key, then fails into error handling', async () => {
    const h = createHarness({ responders: { deliverToAutomationNode: () => ({ acknowledged: false }) } });
    await h.send(invoke);
    await h.advance(10_000); // ack timeout 1
    expect(h.state()).toBe('delivering.backoff');
    expect(ctx(h).deadlines.retryBackoff).toBe(T0 + 10_000 + 1000);
    await h.advance(1000 + 10_000); // backoff 1, ack timeout 2
    expect(ctx(h).deadlines.retryBackoff).toBe(T0 + 21_000 + 2000);
    await h.advance(2000 + 10_000); // backoff 2, ack timeout 3: out of attempts
    const deliveries = h.callsOf('deliverToAutomationNode');
    expect(deliveries.map((c) => c.input.attempt)).toEqual([1, 2, 3]);
    expect(new Set(deliveries.map((c) => c.input.idempotencyKey))).toEqual(new Set(['session-1:1:delivery']));
    expect(h.state()).toBe('aiHandling');
    expect(ctx(h).failure).toMatchObject({ stage: 'delivery', code: 'TIMEOUT' });
    expect(ctx(h).returned).toMatchObject({ reason: 'failed' });
    expect(h.actionsOf('sendMessageToUser')).toContainEqual({ kind: 'failure', text: h.settings.delivery.onFailure.message });
  });

  it('ends the conversation after the last failure when error handling says end', async () => {
    const h = createHarness({
      settings: (s) => { s.delivery.onFailure.then = 'end'; s.delivery.maxAttempts = 1; },
      responders: { deliverToAutomationNode: () => { throw new Error('connection refused'); } },
    });
    await h.send(invoke);
    expect(h.state()).toBe('ended');
    expect(ctx(h).ended).toMatchObject({ reason: 'failed' });
    expect(ctx(h).failure).toMatchObject({ stage: 'delivery', message: 'connection refused' });
  });

  it('fails at once on a non-retryable automation error', async () => {
    const h = createHarness({ responders: { deliverToAutomationNode: () => ({ acknowledged: false }) } });
    await h.send(invoke);
    await h.send({ type: 'automation.error', message: 'unknown node', retryable: false });
    expect(h.state()).toBe('aiHandling');
    expect(h.callsOf('deliverToAutomationNode')).toHaveLength(1);
    expect(ctx(h).failure).toMatchObject({ code: 'AUTOMATION_ERROR', message: 'unknown node' });
  });

  it("terminates the AI session once delivered with session 'terminate': nothing returns to the AI", async () => {
    const h = createHarness({ event: { session: 'terminate' } });
    await toLiveAgent(h);
    expect(ctx(h).aiSessionTerminated).toBe(true);
    expect(notices(h)).toContain('aiSessionTerminated');
    await h.send({ type: 'agent.ended', agentId: 'agent-7' });
    expect(h.state()).toBe('ended');
    expect(ctx(h).ended).toMatchObject({ reason: 'agentEnded' });
  });
});

describe('path 3: routing', () => {
  it('keeps the decision and its explanation', async () => {
    const h = createHarness();
    await h.send(invoke);
    expect(ctx(h).handoff?.decision).toEqual({ target: queueTarget(), rule: 'to-support' });
    expect(ctx(h).handoff?.explanation).toEqual({ winner: 'to-support' });
    expect(h.callsOf('routeHandoff')[0]!.input.payload).toBe(ctx(h).handoff?.payload);
  });

  it('fails into error handling when routing fails', async () => {
    const h = createHarness({ responders: { routeHandoff: () => { throw new HandoffError('INVALID_FACTS', 'bad facts'); } } });
    await h.send(invoke);
    expect(h.state()).toBe('aiHandling');
    expect(ctx(h).failure).toMatchObject({ stage: 'routing', code: 'INVALID_FACTS' });
  });
});

describe('path 4: agent transfer', () => {
  it('runs the out-of-hours flow: its message, then a callback', async () => {
    const h = createHarness({ responders: { checkBusinessHours: () => ({ open: false }) } });
    await h.send(invoke);
    expect(h.state()).toBe('ended');
    expect(ctx(h).ended).toMatchObject({ reason: 'callback', detail: 'outOfHours' });
    expect(h.actionsOf('sendMessageToUser')).toContainEqual({ kind: 'outOfHours', text: h.settings.agentTransfer.outOfHours.message });
    expect(h.callsOf('enqueueForAgent')).toEqual([]);
  });

  it('returns to the AI after the out-of-hours message when configured so', async () => {
    const h = createHarness({ settings: (s) => { s.agentTransfer.outOfHours.then = 'returnToAi'; }, responders: { checkBusinessHours: () => ({ open: false }) } });
    await h.send(invoke);
    expect(h.state()).toBe('aiHandling');
    expect(ctx(h).returned).toMatchObject({ reason: 'outOfHours' });
  });

  it('runs the no-agents flow: its message, then a voicemail', async () => {
    const h = createHarness({ responders: { checkAgentAvailability: () => ({ available: false }) } });
    await h.send(invoke);
    expect(ctx(h).ended).toMatchObject({ reason: 'voicemail', detail: 'noAgents' });
  });

  it('waits for named agents, then widens to the queue', async () => {
    const target = queueTarget({ agents: ['alice'], waitForAgentSeconds: 45 });
    const h = createHarness({ responders: { routeHandoff: () => ({ decision: { target, rule: 'vip' }, explanation: null }) } });
    await h.send(invoke);
    expect(ctx(h).queue).toMatchObject({ scope: 'namedAgents' });
    expect(ctx(h).deadlines.namedAgentWait).toBe(T0 + 45_000);
    await h.advance(45_000);
    expect(h.callsOf('enqueueForAgent').map((c) => c.input.scope)).toEqual(['namedAgents', 'queue']);
    expect(ctx(h).queue).toMatchObject({ scope: 'queue' });
    expect(notices(h)).toContain('escalatedToQueue');
    expect(messages(h).filter((m) => m === 'queueInitial')).toHaveLength(1);
  });

  it('keeps the named-agent wait across an offer that is rejected', async () => {
    const target = queueTarget({ agents: ['alice'], waitForAgentSeconds: 45 });
    const h = createHarness({ responders: { routeHandoff: () => ({ decision: { target, rule: 'vip' }, explanation: null }) } });
    await h.send(invoke);
    await h.advance(20_000);
    await h.send({ type: 'agent.offered', agentId: 'alice' });
    await h.advance(10_000);
    await h.send({ type: 'agent.rejected', agentId: 'alice' });
    expect(ctx(h).deadlines.namedAgentWait).toBe(T0 + 45_000);
    await h.advance(15_000);
    expect(ctx(h).queue).toMatchObject({ scope: 'queue' });
  });

  it('sends the waiting experience: initial, periodic with the position, and the callback offer', async () => {
    const h = createHarness();
    await h.send(invoke);
    await h.send({ type: 'queue.update', position: 2, estimatedWaitSeconds: 90 });
    await h.advance(60_000);
    expect(h.actionsOf('sendMessageToUser')).toContainEqual(
      expect.objectContaining({ kind: 'queuePeriodic', values: { 'queue.position': 2, 'queue.waitTime': 90, 'queue.offer': 'callback' } }),
    );
    await h.advance(240_000);
    expect(messages(h).filter((m) => m === 'queuePeriodic')).toHaveLength(5);
    expect(messages(h)).toContain('queueOffer');
    await h.send({ type: 'user.acceptOffer' });
    expect(h.callsOf('cancelQueue')[0]!.input.reason).toBe('offerAccepted');
    expect(ctx(h).ended).toMatchObject({ reason: 'callback', detail: 'queueOffer' });
  });

  it('ignores accepting an offer that was never made', async () => {
    const h = createHarness();
    await h.send(invoke);
    await h.send({ type: 'user.acceptOffer' });
    expect(h.state()).toBe('queued.waiting');
    expect(ctx(h).ignored).toMatchObject({ reason: 'noOffer' });
  });

  it('puts an offer that times out back in the queue, and ignores another agent accepting it', async () => {
    const h = createHarness();
    await h.send(invoke);
    await h.send({ type: 'agent.offered', agentId: 'bob' });
    await h.send({ type: 'agent.accepted', agentId: 'mallory' });
    expect(ctx(h).ignored).toMatchObject({ reason: 'agentMismatch' });
    expect(h.state()).toBe('queued.offered');
    await h.advance(h.settings.agentTransfer.offerTimeoutSeconds * 1000);
    expect(h.state()).toBe('queued.waiting');
    expect(ctx(h).offeredAgentId).toBeNull();
    expect(notices(h)).toContain('offerExpired');
  });

  it('takes an offer or an assignment that arrives before the enqueue call returns', async () => {
    const h = createHarness({ mode: 'manual' });
    await h.send(invoke);
    const build = h.callsOf('buildPayload')[0]!;
    build.resolve(payloadFor(build.input));
    for (const output of [{ acknowledged: true }, { decision: { target: queueTarget(), rule: null }, explanation: null }, { open: true }, { available: true }]) {
      await flush();
      h.pending()[0]!.resolve(output);
    }
    await flush();
    expect(h.state()).toBe('queued.enqueuing');
    await h.send({ type: 'agent.offered', agentId: 'bob' });
    expect(h.state()).toBe('queued.offered');
    expect(h.callsOf('enqueueForAgent')[0]!.aborted).toBe(true);
    await h.send({ type: 'agent.offered', agentId: 'carol' });
    expect(ctx(h).ignored).toMatchObject({ reason: 'agentMismatch' });
    await h.send({ type: 'agent.offered', agentId: 'bob' });
    expect(ctx(h).ignored).toMatchObject({ reason: 'duplicate' });
    expect(ctx(h).offeredAgentId).toBe('bob');
  });

  it('applies the maximum queue wait: out of the queue, its message, then a callback', async () => {
    const h = createHarness({ settings: (s) => { s.agentTransfer.waitingExperience.offerAfterSeconds = null; } });
    await h.send(invoke);
    await h.advance(900_000);
    expect(h.callsOf('cancelQueue')[0]!.input.reason).toBe('maxQueueWait');
    expect(ctx(h).ended).toMatchObject({ reason: 'callback', detail: 'maxQueueWait' });
    expect(messages(h)).toContain('maxQueueWait');
  });

  it('returns to the AI after the maximum queue wait when configured so', async () => {
    const h = createHarness({ settings: (s) => { s.agentTransfer.onMaxQueueWait.then = 'returnToAi'; } });
    await h.send(invoke);
    await h.advance(900_000);
    expect(h.state()).toBe('aiHandling');
    expect(ctx(h).returned).toMatchObject({ reason: 'maxQueueWait' });
  });
});

describe('path 5: liveAgent', () => {
  it('relays both ways while the AI stays silent, and keeps the transcript', async () => {
    const h = createHarness();
    await toLiveAgent(h);
    await h.send({ type: 'user.message', text: 'My card was charged twice' });
    await h.send({ type: 'agent.message', agentId: 'agent-7', text: 'Let me check' });
    expect(h.actionsOf('relayToAgent')).toEqual([{ agentId: 'agent-7', text: 'My card was charged twice' }]);
    expect(h.actionsOf('relayToUser')).toEqual([{ agentId: 'agent-7', text: 'Let me check' }]);
    expect(ctx(h).aiMayRespond).toBe(false);
    expect(conversationOwner(h.actor.getSnapshot())).toBe('liveAgent');
    expect(ctx(h).transcript.map((e) => e.role)).toEqual(['user', 'agent']);
  });

  it('never takes a second agent', async () => {
    const h = createHarness();
    await toLiveAgent(h);
    await h.send({ type: 'agent.accepted', agentId: 'agent-9' });
    await h.send({ type: 'agent.message', agentId: 'agent-9', text: 'hi' });
    expect(ctx(h).agentId).toBe('agent-7');
    expect(h.actionsOf('relayToUser')).toEqual([]);
    expect(ctx(h).ignored).toMatchObject({ reason: 'agentMismatch' });
  });

  it('runs the post-agent dialog, then ends', async () => {
    const h = createHarness({ settings: (s) => { s.agentTransfer.afterAgent = { then: 'dialog', dialog: 'feedback', afterDialog: 'end', dialogTimeoutSeconds: 600 }; } });
    await toLiveAgent(h);
    await h.send({ type: 'agent.ended', agentId: 'agent-7', returnReason: 'resolved' });
    expect(h.state()).toBe('postAgentDialog');
    expect(conversationOwner(h.actor.getSnapshot())).toBe('dialog');
    await h.send({ type: 'dialog.completed', result: { rating: 5 } });
    expect(ctx(h).ended).toMatchObject({ reason: 'dialogEnded' });
  });

  it('returns to the AI when the post-agent dialog times out and afterDialog says so', async () => {
    const h = createHarness({ settings: (s) => { s.agentTransfer.afterAgent = { then: 'dialog', dialog: 'feedback', afterDialog: 'returnToAi', dialogTimeoutSeconds: 120 }; } });
    await toLiveAgent(h);
    await h.send({ type: 'agent.ended', agentId: 'agent-7' });
    await h.advance(120_000);
    expect(h.state()).toBe('aiHandling');
    expect(ctx(h).returned).toMatchObject({ reason: 'dialogCompleted' });
  });

  it("ends when the agent ends and afterAgent says 'end'", async () => {
    const h = createHarness({ settings: (s) => { s.agentTransfer.afterAgent.then = 'end'; } });
    await toLiveAgent(h);
    await h.send({ type: 'agent.ended', agentId: 'agent-7', returnReason: 'unresolved' });
    expect(ctx(h).ended).toMatchObject({ reason: 'agentEnded' });
    expect(ctx(h).handoff?.agentReturnReason).toBe('unresolved');
  });
});

describe('path 6: the user cancels, leaves, idles out; voice transfers', () => {
  it('cancels waiting in the queue: out of the queue and back to the AI', async () => {
    const h = createHarness();
    await h.send(invoke);
    await h.send({ type: 'user.cancel' });
    expect(h.callsOf('cancelQueue')[0]!.input).toMatchObject({ reason: 'userCancelled', idempotencyKey: 'session-1:1:cancelQueue' });
    expect(h.state()).toBe('aiHandling');
    expect(ctx(h).returned).toMatchObject({ reason: 'userCancelled' });
  });

  it('cancels during delivery', async () => {
    const h = createHarness({ mode: 'manual' });
    await h.send(invoke);
    const build = h.callsOf('buildPayload')[0]!;
    build.resolve(payloadFor(build.input));
    await flush();
    expect(h.state()).toBe('delivering.attempt.sending');
    await h.send({ type: 'user.cancel' });
    expect(h.callsOf('deliverToAutomationNode')[0]!.aborted).toBe(true);
    expect(h.state()).toBe('aiHandling');
    expect(notices(h)).toContain('handoffCancelled');
  });

  it('records an abandoned queue when the user hangs up', async () => {
    const h = createHarness({ conversation: voice });
    await h.send(invoke);
    await h.send({ type: 'user.left', how: 'hangup' });
    expect(h.callsOf('cancelQueue')[0]!.input.reason).toBe('userLeft');
    expect(ctx(h).ended).toMatchObject({ reason: 'abandoned' });
  });

  it('leaves the queue even when cancelling it fails', async () => {
    const h = createHarness({ responders: { cancelQueue: () => { throw new Error('desk down'); } } });
    await h.send(invoke);
    await h.send({ type: 'user.cancel' });
    expect(h.state()).toBe('aiHandling');
    expect(ctx(h).failure).toMatchObject({ stage: 'cancelQueue', message: 'desk down' });
  });

  it('idles a chat out after 30 minutes without a user message; each message restarts the wait', async () => {
    const h = createHarness();
    await h.advance(20 * 60_000);
    await h.send({ type: 'user.message', text: 'still there' });
    await h.advance(20 * 60_000);
    expect(h.state()).toBe('aiHandling');
    await h.advance(10 * 60_000);
    expect(ctx(h).ended).toMatchObject({ reason: 'idle', at: T0 + 50 * 60_000 });
  });

  it('idles out a live chat too', async () => {
    const h = createHarness();
    await toLiveAgent(h);
    await h.advance(30 * 60_000);
    expect(ctx(h).ended).toMatchObject({ reason: 'idle' });
  });

  it('never idles a voice call out', async () => {
    const h = createHarness({ conversation: voice });
    await toLiveAgent(h);
    await h.advance(24 * 3600_000);
    expect(h.state()).toBe('liveAgent');
    expect(ctx(h).deadlines).toEqual({});
  });

  it('records a refer transfer: the bot left the call, so the end of the agent ends the conversation', async () => {
    const h = createHarness({ conversation: voice });
    await toLiveAgent(h);
    expect(ctx(h).handoff?.voiceTransfer).toBe('refer');
    await h.send({ type: 'agent.ended', agentId: 'agent-7' });
    expect(ctx(h).ended).toMatchObject({ reason: 'agentEnded', detail: 'refer' });
  });

  it('records an invite transfer: the bot stays on the call and resumes after the agent', async () => {
    const h = createHarness({ conversation: voice, settings: (s) => { s.agentTransfer.voiceTransferMode = 'invite'; } });
    await toLiveAgent(h);
    expect(ctx(h).handoff?.voiceTransfer).toBe('invite');
    await h.send({ type: 'agent.ended', agentId: 'agent-7', returnReason: 'handBack' });
    expect(h.state()).toBe('aiHandling');
    expect(ctx(h).returned).toMatchObject({ reason: 'agentEnded', agentReason: 'handBack' });
  });
});

describe('path 7: another conversational agent or a workflow', () => {
  const toTarget = (type: 'agent' | 'workflow') =>
    createHarness({
      responders: {
        routeHandoff: () => ({
          decision: { target: type === 'agent' ? { type, params: { agent: 'billing-bot' } } : { type, params: { workflow: 'refund' } }, rule: 'r' },
          explanation: null,
        }),
      },
    });

  it('hands over to another agent, then back to the AI on completion', async () => {
    const h = toTarget('agent');
    await h.send(invoke);
    expect(h.state()).toBe('withTarget.active');
    expect(conversationOwner(h.actor.getSnapshot())).toBe('target');
    expect(h.callsOf('handOverToTarget')[0]!.input.target).toEqual({ type: 'agent', params: { agent: 'billing-bot' } });
    await h.send({ type: 'target.completed', result: { refunded: true } });
    expect(h.state()).toBe('aiHandling');
    expect(ctx(h).handoff?.targetResult).toEqual({ refunded: true });
    expect(ctx(h).returned).toMatchObject({ reason: 'targetCompleted' });
  });

  it('ends when a workflow completes and target.onComplete says end', async () => {
    const h = toTarget('workflow');
    h.settings.target.onComplete = 'end';
    await h.send(invoke);
    await h.send({ type: 'target.completed' });
    expect(ctx(h).ended).toMatchObject({ reason: 'targetEnded' });
  });

  it('tells the user and returns to the AI when the target fails or times out', async () => {
    const failing = toTarget('workflow');
    await failing.send(invoke);
    await failing.send({ type: 'target.failed', message: 'refund service down' });
    expect(failing.state()).toBe('aiHandling');
    expect(ctx(failing).failure).toMatchObject({ stage: 'target', code: 'TARGET_FAILED' });
    expect(messages(failing)).toContain('targetFailed');

    const silent = toTarget('agent');
    await silent.send(invoke);
    await silent.advance(silent.settings.target.timeoutSeconds * 1000);
    expect(ctx(silent).failure).toMatchObject({ stage: 'target', code: 'TIMEOUT' });
  });
});

describe('events a state does not expect', () => {
  it('are ignored with a reason and change no state', async () => {
    const h = createHarness();
    await h.send({ type: 'agent.message', agentId: 'x', text: 'hello?' });
    expect(h.state()).toBe('aiHandling');
    expect(ctx(h).ignored).toMatchObject({ event: 'agent.message', reason: 'unexpected' });
    await h.send({ type: 'no.such.event' });
    expect(ctx(h).ignored).toMatchObject({ event: 'no.such.event', reason: 'unexpected' });
    expect(h.actor.getSnapshot().status).toBe('active');
  });
});
