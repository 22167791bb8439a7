import { Button, Text } from "@chakra-ui/react";
import { useState } from "react";

import type { Schemas } from "../../api/client";
import { ProblemAlert } from "../../components/ProblemAlert";
import { ConfirmDialog } from "../../deployments/ConfirmDialog";
import { useT } from "../../i18n";
import { useRedeploy } from "./useRedeploy";

/**
 * Roll back: deploy an old revision's spec again, from the current revision. History is never
 * rewritten: the rollback is itself a new revision, and a secret file keeps its current content.
 */
export function RedeployRevisionButton({
  name,
  revision,
  current,
}: {
  name: string;
  revision: Schemas["RevisionOut"];
  current: number;
}) {
  const t = useT();
  const [asking, setAsking] = useState(false);
  const redeploy = useRedeploy(name);
  const spec = revision.spec as Schemas["DeploymentSpec"] | null;
  if (!spec) return null;
  return (
    <>
      <Button
        size="sm"
        variant="outline"
        alignSelf="start"
        onClick={() => {
          redeploy.reset();
          setAsking(true);
        }}
      >
        {t("deployment.history.redeploy", { revision: revision.revision })}
      </Button>
      <ConfirmDialog
        open={asking}
        title={t("deployment.history.confirmTitle", { name, revision: revision.revision })}
        confirmLabel={t("deployment.history.confirm")}
        pending={redeploy.isPending}
        onConfirm={() => {
          redeploy.mutate(
            { spec, revision: current },
            {
              onSuccess: () => {
                setAsking(false);
              },
            },
          );
        }}
        onCancel={() => {
          setAsking(false);
        }}
      >
        <Text>
          {t("deployment.history.confirmExplained", { revision: revision.revision, next: current + 1 })}
        </Text>
        {redeploy.error ? (
          <ProblemAlert title={t("deployment.redeployFailed")} error={redeploy.error} />
        ) : null}
      </ConfirmDialog>
    </>
  );
}
