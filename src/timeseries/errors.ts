/** The body `description` of a Gnocchi error: a text, or `{cause, reason, detail}` for input errors. */
export type ErrorDescription = string | { cause: string; reason?: string; detail?: unknown };

/**
 * An error of the timeseries service with its HTTP status and Gnocchi's description; the API turns it
 * into Gnocchi's envelope `{"code": status, "title": <reason phrase>, "description": description}`.
 */
export class TimeseriesError extends Error {
  constructor(
    readonly status: number,
    readonly description: ErrorDescription,
  ) {
    super(
      typeof description === 'string' ? description : `${description.cause}: ${description.reason ?? ''}`,
    );
    this.name = 'TimeseriesError';
  }

  /** 400 with Gnocchi's schema-error shape `{"cause": "Invalid input", "reason", "detail": path}`. */
  static invalidInput(reason: string, detail: (string | number)[] = []): TimeseriesError {
    return new TimeseriesError(400, { cause: 'Invalid input', reason, detail: detail.map(String) });
  }

  /** 400 with Gnocchi's query-argument error shape. */
  static argument(param: string, reason: string): TimeseriesError {
    return new TimeseriesError(400, { cause: 'Argument value error', detail: param, reason });
  }
}
