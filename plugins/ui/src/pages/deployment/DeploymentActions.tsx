import { Button, HStack, Stack } from "@chakra-ui/react";
import { useState } from "react";
import { Link as RouterLink, useNavigate } from "react-router-dom";

import type { Schemas } from "../../api/client";
import { usePagePath } from "../../components/PageLinks";
import { ProblemAlert } from "../../components/ProblemAlert";
import { DeleteDeploymentDialog } from "../../deployments/DeleteDeploymentDialog";
import { FAILED_ACTION_KEYS, useDeploymentActions } from "../../deployments/useDeploymentActions";
import { useT } from "../../i18n";

/** Run now, pause or resume, edit and delete: for users who may edit the deployment's DAG. */
export function DeploymentActions({ deployment }: { deployment: Schemas["DeploymentOut"] }) {
  const t = useT();
  const pagePath = usePagePath();
  const navigate = useNavigate();
  const actions = useDeploymentActions(deployment.name);
  const [deleting, setDeleting] = useState(false);
  const state = deployment.status.dag_state;
  const parsed = state === "active" || state === "paused";
  return (
    <Stack gap={2}>
      <HStack wrap="wrap" gap={2}>
        <Button
          size="sm"
          disabled={state !== "active" || actions.pending !== null}
          loading={actions.pending === "run"}
          onClick={() => {
            actions.run();
          }}
        >
          {t("deployment.actions.runNow")}
        </Button>
        {state === "paused" ? (
          <Button
            size="sm"
            variant="outline"
            loading={actions.pending === "resume"}
            disabled={actions.pending !== null}
            onClick={actions.resume}
          >
            {t("deployment.actions.resume")}
          </Button>
        ) : (
          <Button
            size="sm"
            variant="outline"
            loading={actions.pending === "pause"}
            disabled={!parsed || actions.pending !== null}
            onClick={actions.pause}
          >
            {t("deployment.actions.pause")}
          </Button>
        )}
        {deployment.valid ? (
          <Button size="sm" variant="outline" asChild>
            <RouterLink to={pagePath("deploy", new URLSearchParams({ edit: deployment.name }))}>
              {t("deployment.actions.edit")}
            </RouterLink>
          </Button>
        ) : null}
        <Button
          size="sm"
          variant="outline"
          colorPalette="red"
          onClick={() => {
            actions.reset();
            setDeleting(true);
          }}
        >
          {t("deployment.actions.delete")}
        </Button>
      </HStack>
      {actions.failedAction && actions.failedAction !== "delete" ? (
        <ProblemAlert
          title={t(FAILED_ACTION_KEYS[actions.failedAction], { name: deployment.name })}
          error={actions.problem}
        />
      ) : null}
      <DeleteDeploymentDialog
        name={deployment.name}
        open={deleting}
        pending={actions.pending === "delete"}
        problem={actions.failedAction === "delete" ? actions.problem : null}
        onConfirm={() => {
          actions.remove(() => {
            void navigate(pagePath("deployments"));
          });
        }}
        onCancel={() => {
          setDeleting(false);
        }}
      />
    </Stack>
  );
}
