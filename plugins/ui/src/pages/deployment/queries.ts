/**
 * What the deployment's page reads from the API. Every key starts with the deployment's key, so
 * an action on it (run, pause, redeploy…) refreshes all of them at once.
 */
import { useQuery } from "@tanstack/react-query";

import { api } from "../../api/client";
import { unwrap } from "../../api/problems";
import { deploymentKey } from "../../deployments/useDeploymentActions";
import { useLanguage } from "../../i18n";

/** Status and runs change by themselves (the scheduler): the page asks again this often. */
const REFRESH_MS = 5000;
const RUNS_SHOWN = 25;

/** The deployment, its schedule in the user's language's words. */
export function useDeployment(name: string) {
  const lang = useLanguage();
  return useQuery({
    queryKey: [...deploymentKey(name), lang],
    refetchInterval: (query) => (query.state.error ? false : REFRESH_MS),
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/deployments/{name}", { params: { path: { name }, query: { lang } } })),
  });
}

export function useDeploymentRuns(name: string) {
  return useQuery({
    queryKey: [...deploymentKey(name), "runs"],
    refetchInterval: REFRESH_MS,
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/deployments/{name}/runs", {
          params: { path: { name }, query: { limit: RUNS_SHOWN } },
        }),
      ),
  });
}

export function useDeploymentHistory(name: string) {
  return useQuery({
    queryKey: [...deploymentKey(name), "history"],
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/deployments/{name}/history", { params: { path: { name } } })),
  });
}

export function useDeploymentCode(name: string) {
  return useQuery({
    queryKey: [...deploymentKey(name), "code"],
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/deployments/{name}/code", { params: { path: { name } } })),
  });
}

export function useDeploymentPod(name: string) {
  return useQuery({
    queryKey: [...deploymentKey(name), "pod"],
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/deployments/{name}/pod", { params: { path: { name } } })),
  });
}
