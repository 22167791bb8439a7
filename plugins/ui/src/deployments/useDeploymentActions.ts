import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api } from "../api/client";
import { unwrap } from "../api/problems";
import type { MessageKey } from "../i18n";

export type DeploymentAction = "run" | "pause" | "resume" | "delete";

/** The query keys whose answers show deployments: the list's pages and one deployment's page. */
export const DEPLOYMENTS_KEY = ["deployments"] as const;
export const deploymentKey = (name: string) => ["deployment", name] as const;

async function perform(name: string, action: DeploymentAction): Promise<void> {
  const path = { name };
  switch (action) {
    case "run":
      unwrap(await api.POST("/api/v1/deployments/{name}/run", { params: { path } }));
      return;
    case "pause":
      unwrap(await api.POST("/api/v1/deployments/{name}/pause", { params: { path } }));
      return;
    case "resume":
      unwrap(await api.POST("/api/v1/deployments/{name}/resume", { params: { path } }));
      return;
    case "delete": {
      const { error, response } = await api.DELETE("/api/v1/deployments/{name}", { params: { path } });
      // A 204 has no body: only an error answer is unwrapped.
      if (!response.ok) unwrap({ error: error ?? null, response });
      return;
    }
  }
}

/**
 * Run now, pause, resume and delete one deployment. After each (done or refused) the lists and
 * the deployment's page ask the server again, so they show what Airflow now says. `pending`
 * names the action under way; `problem` is the last refusal, until the next action.
 */
export function useDeploymentActions(name: string) {
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: (action: DeploymentAction) => perform(name, action),
    onSettled: async (_data, error, action) => {
      if (action === "delete" && !error) {
        // Gone: its page must not ask for it again (a 404), only the lists change.
        queryClient.removeQueries({ queryKey: deploymentKey(name) });
        await queryClient.invalidateQueries({ queryKey: DEPLOYMENTS_KEY });
        return;
      }
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: DEPLOYMENTS_KEY }),
        queryClient.invalidateQueries({ queryKey: deploymentKey(name) }),
      ]);
    },
  });
  return {
    run: (onDone?: () => void) => {
      mutation.mutate("run", { onSuccess: onDone });
    },
    pause: () => {
      mutation.mutate("pause");
    },
    resume: () => {
      mutation.mutate("resume");
    },
    remove: (onDone?: () => void) => {
      mutation.mutate("delete", { onSuccess: onDone });
    },
    pending: mutation.isPending ? mutation.variables : null,
    problem: mutation.error,
    failedAction: mutation.isError ? mutation.variables : null,
    reset: mutation.reset,
  };
}

/** The title of a refused action's alert, for the action that was refused. */
export const FAILED_ACTION_KEYS = {
  run: "deployment.actions.runFailed",
  pause: "deployment.actions.pauseFailed",
  resume: "deployment.actions.resumeFailed",
  delete: "deployment.actions.deleteFailed",
} as const satisfies Record<DeploymentAction, MessageKey>;
