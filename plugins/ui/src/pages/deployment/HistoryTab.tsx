import { Stack, Text } from "@chakra-ui/react";

import type { Schemas } from "../../api/client";
import { ProblemAlert } from "../../components/ProblemAlert";
import { Section } from "../../components/Section";
import { useFormats, useT, type MessageKey } from "../../i18n";
import { RedeployButton } from "./RedeployButton";
import { RevisionChanges } from "./RevisionChanges";
import { useDeploymentHistory } from "./queries";
import type { DeploymentView } from "./types";
import { Loading } from "../../components/Loading";

const ACTIONS: Record<Schemas["RevisionOut"]["action"], MessageKey> = {
  create: "deployment.history.byCreate",
  update: "deployment.history.byUpdate",
  delete: "deployment.history.byDelete",
};

/** Every revision, newest first: who, when, what changed; an older one can be deployed again. */
export function HistoryTab({ deployment, mayEdit }: DeploymentView) {
  const t = useT();
  const formats = useFormats();
  const history = useDeploymentHistory(deployment.name);
  if (history.isError) return <ProblemAlert title={t("deployment.history.failed")} error={history.error} />;
  if (!history.data) return <Loading label={t("common.loading")} />;
  const current = deployment.revision;
  return (
    <Stack gap={3}>
      {[...history.data.revisions].reverse().map((revision) => (
        <Section
          key={revision.revision}
          title={t("deployment.history.revision", { revision: revision.revision })}
        >
          <Text>
            {t(ACTIONS[revision.action], {
              who: revision.deployed_by,
              when: formats.dateTime(revision.deployed_at),
            })}
            {revision.revision === current ? ` ${t("deployment.history.current")}` : ""}
          </Text>
          <RevisionChanges revision={revision} />
          {mayEdit && current != null && revision.revision !== current && revision.spec ? (
            <RedeployButton
              name={deployment.name}
              spec={revision.spec as Schemas["DeploymentSpec"]}
              revision={current}
              label={t("deployment.history.redeploy", { revision: revision.revision })}
              title={t("deployment.history.confirmTitle", {
                name: deployment.name,
                revision: revision.revision,
              })}
              confirmLabel={t("deployment.history.confirm")}
              explanation={t("deployment.history.confirmExplained", {
                revision: revision.revision,
                next: current + 1,
              })}
            />
          ) : null}
        </Section>
      ))}
    </Stack>
  );
}
