import { Button, Link, Stack } from "@chakra-ui/react";
import { useState } from "react";
import { Link as RouterLink } from "react-router-dom";

import type { Schemas } from "../../api/client";
import { usePagePath } from "../../components/PageLinks";
import { ProblemAlert } from "../../components/ProblemAlert";
import { DeleteDeploymentDialog } from "../../deployments/DeleteDeploymentDialog";
import { FAILED_ACTION_KEYS, type useDeploymentActions } from "../../deployments/useDeploymentActions";
import { useT } from "../../i18n";

/**
 * Run now, edit and delete (behind a confirmation naming the deployment); pausing is the switch
 * beside. Nothing for a user who may only read. A refused action says why under the buttons.
 */
export function RowActions(props: {
  deployment: Schemas["DeploymentOut"];
  mayChange: boolean;
  actions: ReturnType<typeof useDeploymentActions>;
}) {
  const t = useT();
  const pagePath = usePagePath();
  const [confirming, setConfirming] = useState(false);
  const { deployment, actions } = props;
  const { name } = deployment;
  if (!props.mayChange) return null;
  const failed = actions.failedAction;
  return (
    <Stack gap={2} align="start">
      <Stack gap={1} align="start">
        {deployment.valid ? (
          <>
            <Button
              size="xs"
              colorPalette="blue"
              loading={actions.pending === "run"}
              disabled={deployment.status.dag_state !== "active"}
              aria-label={t("deployments.runNamed", { name })}
              onClick={() => {
                actions.run();
              }}
            >
              {t("deployment.actions.runNow")}
            </Button>
            <Link variant="underline" fontSize="sm" asChild aria-label={t("deployments.editNamed", { name })}>
              <RouterLink to={pagePath("deploy", new URLSearchParams({ edit: name }))}>
                {t("deployment.actions.edit")}
              </RouterLink>
            </Link>
          </>
        ) : null}
        <Button
          size="xs"
          variant="outline"
          colorPalette="red"
          aria-label={t("deployments.deleteNamed", { name })}
          onClick={() => {
            actions.reset();
            setConfirming(true);
          }}
        >
          {t("deployment.actions.delete")}
        </Button>
      </Stack>
      {failed && failed !== "delete" ? (
        <ProblemAlert title={t(FAILED_ACTION_KEYS[failed], { name })} error={actions.problem} />
      ) : null}
      <DeleteDeploymentDialog
        name={name}
        open={confirming}
        pending={actions.pending === "delete"}
        problem={failed === "delete" ? actions.problem : null}
        onConfirm={() => {
          actions.remove(() => {
            setConfirming(false);
          });
        }}
        onCancel={() => {
          setConfirming(false);
        }}
      />
    </Stack>
  );
}
