import { Text } from "@chakra-ui/react";

import { useT } from "../../i18n";
import { GeneratedText } from "./GeneratedText";
import { useDeploymentPod } from "./queries";

/** The pod each run creates, as YAML; a deployment on the local executor makes none. */
export function PodTab({ name, executor }: { name: string; executor: string | null | undefined }) {
  const t = useT();
  if (executor !== "kubernetes") return <Text>{t("deployment.pod.none")}</Text>;
  return <PodYaml name={name} />;
}

function PodYaml({ name }: { name: string }) {
  const t = useT();
  const pod = useDeploymentPod(name);
  return (
    <GeneratedText
      query={pod}
      text={(data) => data.pod_yaml}
      label={t("deployment.pod.label")}
      failure={t("deployment.pod.failed")}
      intro={t("deployment.pod.intro")}
    />
  );
}
