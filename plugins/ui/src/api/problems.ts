/** The API's error answers ({"detail", "errors"?}) as one error type the pages show. */

export interface ErrorBody {
  detail?: unknown;
  errors?: unknown;
}

export class ApiProblem extends Error {
  readonly status: number;
  /** One line per problem, led by the field's path (`args[2]: ...`); only for 422. */
  readonly lines: string[];

  constructor(status: number, body: unknown) {
    const { detail, errors } = (typeof body === "object" && body !== null ? body : {}) as ErrorBody;
    super(typeof detail === "string" ? detail : `the server answered ${status}`);
    this.name = "ApiProblem";
    this.status = status;
    this.lines = Array.isArray(errors)
      ? errors.filter((line): line is string => typeof line === "string")
      : [];
  }
}

/** The data of an openapi-fetch answer, or an ApiProblem thrown for its error. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || result.data === undefined) {
    throw new ApiProblem(result.response.status, result.error);
  }
  return result.data;
}

/** What a user should read about a failure; names the source when it is Nexus's fault. */
export function describeProblem(error: unknown): string {
  if (error instanceof ApiProblem) {
    if (error.status === 503) return `Not available: ${error.message}`;
    if (error.status === 403) return `Not allowed: ${error.message}`;
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
