import { useLocation } from "react-router-dom";

/**
 * The address of one of the plugin's pages. The host routes `plugin/<url_route>/*` to the
 * bundle, so the pages' root is read from the current address, whatever Airflow's base path.
 */
export function usePagePath(): (page: string, query?: URLSearchParams) => string {
  const { pathname } = useLocation();
  const root = /^(.*?\/plugin\/[^/]+)/.exec(pathname)?.[1] ?? "/plugin/job-orchestrator";
  return (page, query) => `${root}/${page}${query && query.size > 0 ? `?${query.toString()}` : ""}`;
}
