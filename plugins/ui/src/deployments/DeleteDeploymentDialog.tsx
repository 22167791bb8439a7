import { Text } from "@chakra-ui/react";

import { ProblemAlert } from "../components/ProblemAlert";
import { useT } from "../i18n";
import { ConfirmDialog } from "./ConfirmDialog";

/**
 * "Delete <name>?": deleting removes the deployment's DAG from Airflow (its spec stays in the
 * history), so the user confirms by name. A refused deletion is shown inside the dialog.
 */
export function DeleteDeploymentDialog(props: {
  name: string;
  open: boolean;
  pending: boolean;
  problem: unknown;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const t = useT();
  return (
    <ConfirmDialog
      open={props.open}
      title={t("deployment.actions.deleteTitle", { name: props.name })}
      confirmLabel={t("deployment.actions.deleteConfirm")}
      destructive
      pending={props.pending}
      onConfirm={props.onConfirm}
      onCancel={props.onCancel}
    >
      <Text>{t("deployment.actions.deleteExplained", { name: props.name })}</Text>
      {props.problem ? (
        <ProblemAlert
          title={t("deployment.actions.deleteFailed", { name: props.name })}
          error={props.problem}
        />
      ) : null}
    </ConfirmDialog>
  );
}
