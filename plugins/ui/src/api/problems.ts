/** The API's error answers ({"detail", "errors"?}) as one error type the pages show. */
import type { Translate } from "../i18n";

export interface ErrorBody {
  detail?: unknown;
  errors?: unknown;
}

export class ApiProblem extends Error {
  readonly status: number;
  /** The server's own words (English, like Airflow's API), when it gave any. */
  readonly detail: string | undefined;
  /** One line per problem, led by the field's path (`args[2]: ...`); only for 422. */
  readonly lines: string[];

  constructor(status: number, body: unknown) {
    const { detail, errors } = (typeof body === "object" && body !== null ? body : {}) as ErrorBody;
    super(typeof detail === "string" ? detail : `HTTP ${status}`);
    this.name = "ApiProblem";
    this.status = status;
    this.detail = typeof detail === "string" ? detail : undefined;
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
export function describeProblem(error: unknown, t: Translate): string {
  if (error instanceof ApiProblem) {
    const problem = error.detail ?? t("common.problem.status", { status: error.status });
    if (error.status === 503) return t("common.problem.unavailable", { problem });
    if (error.status === 403) return t("common.problem.forbidden", { problem });
    return problem;
  }
  return error instanceof Error ? error.message : String(error);
}
