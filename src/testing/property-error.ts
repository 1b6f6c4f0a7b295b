/**
 * What the `assert…` helpers throw when a property fails: a readable message (the failing rule or
 * facts, the explanation, the seed to replay) and the full report for code that wants details.
 */
export class RoutingPropertyError<Report = unknown> extends Error {
  override readonly name = 'RoutingPropertyError';
  /** The report of the failed check, as the non-throwing helper returns it. */
  readonly report: Report;

  constructor(message: string, report: Report) {
    super(message);
    this.report = report;
  }
}
