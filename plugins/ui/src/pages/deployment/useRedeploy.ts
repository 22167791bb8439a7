import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, type Schemas } from "../../api/client";
import { unwrap } from "../../api/problems";
import { DEPLOYMENTS_KEY, deploymentKey } from "../../deployments/useDeploymentActions";

/**
 * Deploy a spec as the deployment's next revision, from the revision the page shows: a rollback
 * or an update to a newer release is a new revision like any edit, and a 409 says someone
 * redeployed meanwhile instead of overwriting their change.
 */
export function useRedeploy(name: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ spec, revision }: { spec: Schemas["DeploymentSpec"]; revision: number }) =>
      unwrap(
        await api.PUT("/api/v1/deployments/{name}", { params: { path: { name } }, body: { revision, spec } }),
      ),
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: deploymentKey(name) }),
        queryClient.invalidateQueries({ queryKey: DEPLOYMENTS_KEY }),
      ]),
  });
}
