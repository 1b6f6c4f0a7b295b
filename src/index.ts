// The public API of agent-handoff, listed by name: what a host embeds, configures and tests.

// Errors
export { HandoffError, formatIssue, formatPath, handoffErrorCodes, isHandoffError } from './errors.js';
export type { HandoffErrorCode, HandoffIssue } from './errors.js';

// The Agent Handoff Event: configuration and prerequisites
export { handoffConfigSchema } from './config/config-schema.js';
export type { HandoffConfig, HandoffConfigInput } from './config/config-schema.js';
export { defaultEventDescription, defaultMessageInstructions, handoffEventConfigSchema, llmParameterTypes, missingValuePolicies } from './config/event-schema.js';
export type { HandoffEventConfig, HandoffMessageSetting, LlmParameter, LlmParameterType, MaskingConfig, MissingValuePolicy, SystemParameter } from './config/event-schema.js';
export type { IntegrationConfig } from './config/integration-schema.js';
export { handoffConfigJsonSchema, loadHandoffConfig, safeLoadHandoffConfig } from './config/load-config.js';
export { defaultHandoffConfig, defaultHandoffConfigInput } from './config/default-config.js';
export { defaultLifecycleSettings, fallbackActions, lifecycleSettingsSchema } from './config/lifecycle-schema.js';
export type { FallbackAction, LifecycleSettings } from './config/lifecycle-schema.js';
export { assertPrerequisites, checkPrerequisites, prerequisiteCodes } from './config/prerequisites.js';
export type { PrerequisiteCode, PrerequisiteContext, PrerequisiteFinding } from './config/prerequisites.js';

// The payload sent to the automation node (also the router's facts)
export { conversationSchema, handoffInvocationSchema, handoffPayloadSchema, handoffReasons, transcriptEntrySchema } from './payload/payload-schema.js';
export type { Conversation, ConversationInput, HandoffInvocation, HandoffInvocationInput, HandoffPayload, HandoffReason, JsonValue, TranscriptEntry } from './payload/payload-schema.js';
export { buildHandoffPayload } from './payload/build-payload.js';
export type { BuildHandoffPayloadOptions, HandoffEventProcessor, HandoffProcessorContext } from './payload/build-payload.js';
export { resolveHandoffMessage } from './payload/handoff-message.js';
export type { HandoffUserMessage } from './payload/handoff-message.js';
export { renderTemplate } from './templates/template.js';
export type { RenderTemplateOptions, TemplateMissingPolicy, TemplateScope } from './templates/template.js';
export { createMasker, maskJsonValue } from './masking/mask.js';
export type { MaskingPattern, MaskingSettings, TextMasker } from './masking/mask.js';

// Connection rules and routing
export { loadConnectionRules, isLoadedConnectionRules } from './rules/load-rules.js';
export { connectionRulesSchema } from './rules/rule-schema.js';
export type { AllCondition, AnyCondition, BooleanCondition, Condition, ConnectionRule, ConnectionRuleJson, ConnectionRules, ConnectionRulesJson, FactCondition, NotCondition, TargetJson } from './rules/rule-schema.js';
export { conditionOperators } from './rules/operators.js';
export type { ConditionOperator, ConditionScalar, ConditionValue } from './rules/operators.js';
export { agentsAvailableFact, dynamicFactNames, withinBusinessHoursFact } from './rules/dynamic-facts.js';
export type { AgentAvailabilityQuery, DynamicFactName } from './rules/dynamic-facts.js';
export { lintConnectionRules } from './rules/lint.js';
export type { LintFinding, LintFindingCode, LintOptions } from './rules/lint.js';
export { createRouter } from './routing/router.js';
export type { Router, RouterOptions } from './routing/router.js';
export type { BooleanConditionExplanation, ConditionExplanation, ConditionOutcome, FactConditionExplanation, RouteExplanation, RuleExplanation, RuleOutcome } from './routing/explanation.js';
export { businessHoursChecker, businessHoursSchema, parseBusinessHours, weekdays } from './routing/business-hours.js';
export type { BusinessHours, BusinessHoursInput, Weekday } from './routing/business-hours.js';
export type { AgentsAvailableFunction, DynamicFactOptions } from './routing/dynamic-fact-sources.js';
export type { Facts } from './routing/facts.js';
export { targetSchema } from './routing/target-schema.js';
export type { AgentTransferParams, RouteDecision, Target, TargetType } from './routing/target-schema.js';

// Runtime building blocks: stores, delivery, live agents
export { createMemoryStore } from './runtime/store/memory-store.js';
export type { MemoryConversationStore } from './runtime/store/memory-store.js';
export { createPostgresStore } from './runtime/store/postgres-store.js';
export type { PostgresConversationStore, PostgresQueryable, PostgresStoreOptions } from './runtime/store/postgres-store.js';
export { defaultPostgresTable, postgresStoreMigration } from './runtime/store/postgres-schema.js';
export { versionConflictError } from './runtime/store/store.js';
export type { ConversationStore, ConversationWrite, DueConversation, ListDueOptions, SaveResult, StoredConversation } from './runtime/store/store.js';
export { readableSnapshotSchemaVersions, snapshotSchemaVersion } from './runtime/snapshot-envelope.js';
export { deliveryIdempotencyKey } from './runtime/delivery/automation-node.js';
export type { AutomationNodeAdapter, DeliveryReceipt, DeliveryRequest } from './runtime/delivery/automation-node.js';
export { createHttpAutomationNode } from './runtime/delivery/http-automation-node.js';
export type { BackoffOptions } from './runtime/delivery/backoff.js';
export type { HttpAutomationNodeOptions } from './runtime/delivery/http-automation-node.js';
export { createSimulatedDesk } from './runtime/live-agents/simulated-desk.js';
export type { AvailabilityAnswer, BusinessHoursAnswer, DeskCheck, EnqueueRequest, ExpiredOffer, LiveAgentDesk, LiveAgentEvent, LiveAgentListener, QueuePlacement } from './runtime/live-agents/live-agent-desk.js';
export type { SimulatedAgent, SimulatedAgentState, SimulatedConversation, SimulatedDesk, SimulatedDeskOptions } from './runtime/live-agents/simulated-desk-options.js';
export { systemClock } from './runtime/clock.js';
export type { RuntimeClock } from './runtime/clock.js';

// The handoff lifecycle machine
export { handoffMachine, initialHandoffContext } from '../machines/handoff.machine.js';
export type { HandoffContext, HandoffEvent, HandoffEventType, HandoffInput, HandoffOutput, HandoffRecord } from '../machines/handoff.machine.js';
export { agentReturnReasons, ignoreReasons, timerNames } from '../machines/handoff.types.js';
export type { AgentReturnReason, BuildPayloadInput, CancelQueueInput, Deadlines, DeliveryInput, EndReason, EnqueueInput, EnqueueResult, FailureStage, HandoffActorTypes, HandoffEnd, HandoffEventSettings, HandoffFailure, HandOverInput, HandOverTarget, IgnoredEvent, IgnoreReason, Notice, NoticeKind, QueueExitReason, QueueScope, QueueStatus, RelayedMessage, ReturnToAi, ReturnToAiReason, RouteInput, RouteResult, TimerName, UserLeftHow, UserMessage, UserMessageKind, VoiceTransferMode } from '../machines/handoff.types.js';
export { aiMayRespond, conversationOwner, missingProvisions, nextDeadline, pendingTimeouts, stateKey, topState } from '../machines/handoff.selectors.js';
export type { ConversationOwner, HandoffSnapshotLike } from '../machines/handoff.selectors.js';
export { handoffEventSchema, handoffEventTypes, parseHandoffEvent } from './events/event-schema.js';
export type { HandoffEventInput } from './events/event-schema.js';
export { handoffDiagram } from './diagram/handoff-diagram.js';
export { toMermaid } from './diagram/mermaid.js';
export type { MermaidOptions } from './diagram/mermaid.js';

// The embeddable runtime
export { createHandoffRuntime } from './runtime/runtime.js';
export type { HandoffRuntime } from './runtime/runtime.js';
export type { HandOverRequest, HandoffRuntimeOptions, LogFields, RuntimeDeadlineOptions, RuntimeLogger, RuntimeRoutingOptions } from './runtime/runtime-options.js';
export { parseRuntimeEvent } from './runtime/runtime-event.js';
export type { ParsedRuntimeEvent, RuntimeEventInput } from './runtime/runtime-event.js';
export type { ConversationStatus, ConversationTimestamps, ConversationView, QueueView } from './runtime/conversation-view.js';
export type { HandoffNotification, HandoffNotificationListener, HandoffNotificationType, UserMessageOut } from './runtime/notifications.js';
export { createInProcessAutomationNode } from './runtime/in-process-automation-node.js';
export type { InProcessAutomationNode, InProcessAutomationNodeOptions } from './runtime/in-process-automation-node.js';

// Scenarios: offline, deterministic handoff tests
export { runScenario } from './scenarios/run-scenario.js';
export type { ScenarioRunOptions } from './scenarios/run-scenario.js';
export { parseScenario, scenarioJsonSchema, scenarioSchema } from './scenarios/scenario-schema.js';
export type { Scenario, ScenarioExpectation, ScenarioInput, ScenarioStep } from './scenarios/scenario-schema.js';
export type { ExpectationFailure, ScenarioResult, TimelineEntry, TimelineEntryKind } from './scenarios/timeline.js';
export { formatScenarioResult, type FormatOptions as ScenarioFormatOptions } from './scenarios/format-timeline.js';
