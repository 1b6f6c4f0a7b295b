import type fc from 'fast-check';
import type { HandoffConfig, HandoffConfigInput } from '../config/config-schema.js';
import { loadHandoffConfig } from '../config/load-config.js';
import type { HandoffPayload } from '../payload/payload-schema.js';
import { arbitraryHandoffPayload } from './arbitraries/handoff.arbitrary.js';

/**
 * A fast-check arbitrary of handoff payloads valid under a handoff configuration: its automation
 * node, one of its channel flows, every required LLM parameter (of its type, from its enum), the
 * optional ones now and then, and every system parameter. A payload is also the facts object the
 * router decides on, so these are realistic facts for rules that read `reason`, `channel` or
 * `parameters`. Without a configuration, any valid payload. The configuration is validated
 * (`INVALID_CONFIG`) first.
 *
 * @example
 * ```ts
 * fc.assert(fc.asyncProperty(handoffPayloadFor(config), async (payload) => {
 *   const { target } = await router.route(payload);
 *   return target.type !== 'agentTransfer' || target.params.queue !== '';
 * }));
 * ```
 */
export function handoffPayloadFor(config?: HandoffConfig | HandoffConfigInput): fc.Arbitrary<HandoffPayload> {
  return arbitraryHandoffPayload(config === undefined ? undefined : loadHandoffConfig(config));
}
