// One shape for every context the runtime builds: fast to read and copy, and one key order in JSON.
import type { HandoffContext } from '../../machines/handoff.types.js';

/**
 * A copy of the context, every field named, in the order the machine's initial context has them.
 * A spread copies whatever hidden class its source has, and contexts came from several (the initial
 * literal, decoded snapshots, earlier copies), so every read and copy of one went through V8's slow
 * megamorphic path. Built here, contexts share one shape, and their JSON one key order whichever
 * path (direct or actor) wrote it. The type checker keeps the field list complete.
 */
export function copyContext(context: HandoffContext): HandoffContext {
  return {
    conversation: context.conversation,
    settings: context.settings,
    event: context.event,
    now: context.now,
    deadlines: context.deadlines,
    sequence: context.sequence,
    handoff: context.handoff,
    transcript: context.transcript,
    queue: context.queue,
    offeredAgentId: context.offeredAgentId,
    agentId: context.agentId,
    aiMayRespond: context.aiMayRespond,
    aiSessionTerminated: context.aiSessionTerminated,
    ignored: context.ignored,
    failure: context.failure,
    returned: context.returned,
    ended: context.ended,
  };
}
