// What evaluating the rules on one facts object records, per rule and per condition: what an
// explanation is built from, whether json-rules-engine or the compiled explainer produced it.

/** How one condition came out, mirroring the rule's condition tree: json-rules-engine's result tree, read. */
export interface ConditionEvaluation {
  /** `undefined` when json-rules-engine does not evaluate it (a short-circuit between its priority sets). */
  readonly outcome: boolean | undefined;
  /** For a fact condition: the value the operator saw (after the path). */
  readonly seen?: unknown;
  /** For `all` / `any` / `not`: the nested conditions, in order. */
  readonly nested?: readonly ConditionEvaluation[];
}

/** How one rule came out: held or not, with its condition tree. */
export interface RuleEvaluation {
  /** Position of the rule in the file. */
  readonly index: number;
  readonly held: boolean;
  readonly conditions: ConditionEvaluation;
}
