/**
 * What the Deployments page shows, as kept in its address (search, filters, sort, page), and
 * the list API's query for it: the server filters, sorts and cuts the page, so the page asks for
 * the 50 rows it shows and nothing else.
 */
import type { operations } from "../../api/schema";
import type { Language } from "../../i18n";

export type ListApiQuery = NonNullable<
  operations["list_deployments_api_v1_deployments_get"]["parameters"]["query"]
>;
export type Sort = NonNullable<ListApiQuery["sort"]>;
export type StateFilter = NonNullable<ListApiQuery["state"]>[number];
export type KindFilter = NonNullable<ListApiQuery["kind"]>[number];
export type SortField = "name" | "deployed_at" | "next_run" | "last_run" | "state";

export const PAGE_SIZE = 50;
export const STATE_FILTERS: readonly StateFilter[] = [
  "active",
  "paused",
  "pending",
  "invalid",
  "success",
  "failed",
  "running",
  "queued",
  "none",
];
export const KIND_FILTERS: readonly KindFilter[] = ["one-off", "scheduled"];
export const SORT_FIELDS: readonly SortField[] = ["name", "state", "last_run", "next_run", "deployed_at"];
const SORTS: readonly Sort[] = [
  "name",
  "-name",
  "deployed_at",
  "-deployed_at",
  "next_run",
  "-next_run",
  "last_run",
  "-last_run",
  "state",
  "-state",
];

export interface ListView {
  q: string;
  state: StateFilter | "";
  kind: KindFilter | "";
  tag: string;
  owner: string;
  sort: Sort;
  /** 1 for the first page. */
  page: number;
}

const pick = <T extends string>(value: string | null, allowed: readonly T[]): T | "" =>
  allowed.find((item) => item === value) ?? "";

/** The view an address asks for; anything unreadable in it falls back to the default. */
export function viewOf(params: URLSearchParams): ListView {
  const page = Number.parseInt(params.get("page") ?? "", 10);
  return {
    q: params.get("q")?.trim() ?? "",
    state: pick(params.get("state"), STATE_FILTERS),
    kind: pick(params.get("kind"), KIND_FILTERS),
    tag: params.get("tag")?.trim() ?? "",
    owner: params.get("owner")?.trim() ?? "",
    sort: pick(params.get("sort"), SORTS) || "name",
    page: Number.isFinite(page) && page >= 1 ? page : 1,
  };
}

/**
 * The address after a change of the view: what is empty or default is left out, and a new
 * search, filter or sort starts again on the first page.
 */
export function paramsWith(params: URLSearchParams, changes: Partial<ListView>): URLSearchParams {
  const next = { ...viewOf(params), ...changes };
  if (!("page" in changes)) next.page = 1;
  const address = new URLSearchParams();
  const entries: [string, string][] = [
    ["q", next.q],
    ["state", next.state],
    ["kind", next.kind],
    ["tag", next.tag],
    ["owner", next.owner],
    ["sort", next.sort === "name" ? "" : next.sort],
    ["page", next.page > 1 ? String(next.page) : ""],
  ];
  for (const [key, value] of entries) {
    if (value) address.set(key, value);
  }
  return address;
}

/** The list API's query for the view; `lang` picks the language of the schedules in words. */
export function apiQueryOf(view: ListView, lang: Language): ListApiQuery {
  return {
    q: view.q || undefined,
    state: view.state ? [view.state] : undefined,
    kind: view.kind ? [view.kind] : undefined,
    tag: view.tag ? [view.tag] : undefined,
    owner: view.owner ? [view.owner] : undefined,
    sort: view.sort,
    limit: PAGE_SIZE,
    offset: (view.page - 1) * PAGE_SIZE,
    lang,
  };
}

/** A click on a column's header: that column ascending, or the other way if it already was. */
export function sortBy(current: Sort, field: SortField): Sort {
  return current === field ? (`-${field}` as Sort) : field;
}

/** How a column is sorted now, as `aria-sort` says it. */
export function ariaSort(current: Sort, field: SortField): "ascending" | "descending" | "none" {
  if (current === field) return "ascending";
  return current === `-${field}` ? "descending" : "none";
}

/** The last page holding a row (1 for an empty list). */
export function lastPage(total: number): number {
  return Math.max(1, Math.ceil(total / PAGE_SIZE));
}

/** Whether the view filters at all (an empty answer then means "nothing matches", not "nothing deployed"). */
export function isFiltered(view: ListView): boolean {
  return Boolean(view.q || view.state || view.kind || view.tag || view.owner);
}
