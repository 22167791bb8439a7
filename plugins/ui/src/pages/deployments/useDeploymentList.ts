import { keepPreviousData, useQuery, useQueryClient, type QueryKey } from "@tanstack/react-query";

import { api, type Schemas } from "../../api/client";
import { unwrap } from "../../api/problems";
import { DEPLOYMENTS_KEY } from "../../deployments/useDeploymentActions";
import type { ListApiQuery } from "./listView";

export const REFRESH_MS = 4_000;

interface ListAnswer {
  list: Schemas["DeploymentList"];
  etag: string | null;
}

/**
 * One page of the list, asked for again every few seconds. The refresh is conditional: the
 * server answers a bodiless 304 while nothing on the page changed, and the page keeps what it
 * has. While another page or filter loads, the rows shown stay (no flash of an empty table).
 */
export function useDeploymentList(query: ListApiQuery) {
  const queryClient = useQueryClient();
  const queryKey: QueryKey = [...DEPLOYMENTS_KEY, "list", query];
  return useQuery({
    queryKey,
    placeholderData: keepPreviousData,
    refetchInterval: REFRESH_MS,
    staleTime: 0,
    queryFn: async ({ signal }): Promise<ListAnswer> => {
      const known = queryClient.getQueryData<ListAnswer>(queryKey);
      const result = await api.GET("/api/v1/deployments", {
        params: { query },
        signal,
        // The browser's cache would turn the 304 back into a 200 with a body to parse again.
        cache: "no-store",
        headers: known?.etag ? { "If-None-Match": known.etag } : {},
      });
      if (result.response.status === 304 && known) return known;
      return { list: unwrap(result), etag: result.response.headers.get("ETag") };
    },
  });
}
