// The default automation node: in the same process, it takes every payload at once. The runtime runs
// the connection rules itself (the machine's routing step), so nothing else is needed to go end to end.
import type { AutomationNodeAdapter, DeliveryRequest } from './delivery/automation-node.js';

/** The in-process automation node, with what it received for tests and demos. */
export interface InProcessAutomationNode extends AutomationNodeAdapter {
  /** How many deliveries it took, repeats of an idempotency key included. */
  readonly deliveries: number;
}

/** Options of `createInProcessAutomationNode`. */
export interface InProcessAutomationNodeOptions {
  /** Called with every delivery, before it is acknowledged; a throw fails the delivery. */
  readonly onDelivery?: (request: DeliveryRequest) => void;
}

/**
 * Creates the runtime's default automation node: it acknowledges every delivery in the answer
 * itself (a repeated idempotency key is acknowledged again: it is the same handoff).
 *
 * @example
 * const automationNode = createInProcessAutomationNode();
 * const runtime = createHandoffRuntime({ config, rules, automationNode });
 */
export function createInProcessAutomationNode(options: InProcessAutomationNodeOptions = {}): InProcessAutomationNode {
  let deliveries = 0;
  return {
    get deliveries() {
      return deliveries;
    },
    deliver(request) {
      try {
        options.onDelivery?.(request);
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
      deliveries += 1;
      return Promise.resolve({ attempts: 1, acknowledged: true });
    },
  };
}
