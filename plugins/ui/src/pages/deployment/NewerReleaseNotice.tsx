import { Alert, Button, Text } from "@chakra-ui/react";
import { useState } from "react";

import type { Schemas } from "../../api/client";
import { ConfirmDialog } from "../../deployments/ConfirmDialog";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useT } from "../../i18n";
import { useRedeploy } from "./useRedeploy";

/**
 * "A newer release exists": the API's background lookup found a release newer than the pinned
 * version. Updating deploys the same spec with that version, as a new revision.
 */
export function NewerReleaseNotice({
  deployment,
  newer,
  mayEdit,
}: {
  deployment: Schemas["DeploymentOut"];
  newer: string;
  mayEdit: boolean;
}) {
  const t = useT();
  const [asking, setAsking] = useState(false);
  const redeploy = useRedeploy(deployment.name);
  const spec = deployment.spec as Schemas["DeploymentSpec"] | null;
  if (!spec || deployment.revision == null) return null;
  const revision = deployment.revision;
  return (
    <Alert.Root status="info" role="status">
      <Alert.Indicator />
      <Alert.Content gap={2}>
        <Alert.Title>{t("deployment.newer.title", { version: newer })}</Alert.Title>
        <Alert.Description>
          {t("deployment.newer.explained", { version: newer, current: spec.artifact.version })}
        </Alert.Description>
        {mayEdit ? (
          <Button
            size="sm"
            alignSelf="start"
            onClick={() => {
              redeploy.reset();
              setAsking(true);
            }}
          >
            {t("deployment.newer.update", { version: newer })}
          </Button>
        ) : null}
      </Alert.Content>
      <ConfirmDialog
        open={asking}
        title={t("deployment.newer.confirmTitle", { name: deployment.name, version: newer })}
        confirmLabel={t("deployment.newer.confirm")}
        pending={redeploy.isPending}
        onConfirm={() => {
          redeploy.mutate(
            { spec: { ...spec, artifact: { ...spec.artifact, version: newer } }, revision },
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
          {t("deployment.newer.confirmExplained", { current: spec.artifact.version, version: newer })}
        </Text>
        {redeploy.error ? (
          <ProblemAlert title={t("deployment.redeployFailed")} error={redeploy.error} />
        ) : null}
      </ConfirmDialog>
    </Alert.Root>
  );
}
