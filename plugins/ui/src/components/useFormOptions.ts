import { useQuery } from "@tanstack/react-query";

import { api } from "../api/client";
import { unwrap } from "../api/problems";

/** The user's rights and the admin's rules, read once per page. */
export function useFormOptions() {
  return useQuery({
    queryKey: ["deploy-form", "options"],
    queryFn: async () => unwrap(await api.GET("/api/v1/deploy-form/options")),
    staleTime: Infinity,
  });
}
