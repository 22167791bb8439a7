import { Alert } from "@chakra-ui/react";

import type { Schemas } from "../../api/client";
import { useT } from "../../i18n";
import { RedeployButton } from "./RedeployButton";

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
  const spec = deployment.spec as Schemas["DeploymentSpec"] | null;
  if (!spec || deployment.revision == null) return null;
  const current = spec.artifact.version;
  return (
    <Alert.Root status="info" role="status">
      <Alert.Indicator />
      <Alert.Content gap={2}>
        <Alert.Title>{t("deployment.newer.title", { version: newer })}</Alert.Title>
        <Alert.Description>{t("deployment.newer.explained", { version: newer, current })}</Alert.Description>
        {mayEdit ? (
          <RedeployButton
            name={deployment.name}
            spec={{ ...spec, artifact: { ...spec.artifact, version: newer } }}
            revision={deployment.revision}
            variant="solid"
            label={t("deployment.newer.update", { version: newer })}
            title={t("deployment.newer.confirmTitle", { name: deployment.name, version: newer })}
            confirmLabel={t("deployment.newer.confirm")}
            explanation={t("deployment.newer.confirmExplained", { current, version: newer })}
          />
        ) : null}
      </Alert.Content>
    </Alert.Root>
  );
}
