import { Spinner, Stack, Text } from "@chakra-ui/react";

import type { Schemas } from "../../api/client";
import { ProblemAlert } from "../../components/ProblemAlert";
import { Section } from "../../components/Section";
import { useFormats, useT, type MessageKey } from "../../i18n";
import { RedeployRevisionButton } from "./RedeployRevisionButton";
import { RevisionChanges } from "./RevisionChanges";
import { useDeploymentHistory } from "./queries";

const ACTIONS: Record<Schemas["RevisionOut"]["action"], MessageKey> = {
  create: "deployment.history.byCreate",
  update: "deployment.history.byUpdate",
  delete: "deployment.history.byDelete",
};

/** Every revision, newest first: who, when, what changed; an older one can be deployed again. */
export function HistoryTab({
  deployment,
  mayEdit,
}: {
  deployment: Schemas["DeploymentOut"];
  mayEdit: boolean;
}) {
  const t = useT();
  const formats = useFormats();
  const history = useDeploymentHistory(deployment.name);
  if (history.isError) return <ProblemAlert title={t("deployment.history.failed")} error={history.error} />;
  if (!history.data) return <Spinner aria-label={t("common.loading")} />;
  const current = deployment.revision;
  return (
    <Stack gap={3}>
      {[...history.data.revisions].reverse().map((revision) => (
        <Section
          key={revision.revision}
          level={3}
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
          {mayEdit && current != null && revision.revision !== current && revision.action !== "delete" ? (
            <RedeployRevisionButton name={deployment.name} revision={revision} current={current} />
          ) : null}
        </Section>
      ))}
    </Stack>
  );
}
