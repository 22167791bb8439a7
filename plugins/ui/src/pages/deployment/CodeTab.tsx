import { useT } from "../../i18n";
import { GeneratedText } from "./GeneratedText";
import { useDeploymentCode } from "./queries";

/** The deployment as a standalone Airflow DAG file, as the generator builds it. */
export function CodeTab({ name }: { name: string }) {
  const t = useT();
  const code = useDeploymentCode(name);
  return (
    <GeneratedText
      query={code}
      text={(data) => data.code}
      label={t("deployment.code.label", { file: code.data?.file_name ?? "" })}
      failure={t("deployment.code.failed")}
      intro={t("deployment.code.intro")}
    />
  );
}
