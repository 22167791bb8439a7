import { Button, Text } from "@chakra-ui/react";
import { useState } from "react";

import type { Schemas } from "../../api/client";
import { ProblemAlert } from "../../components/ProblemAlert";
import { ConfirmDialog } from "../../deployments/ConfirmDialog";
import { useT } from "../../i18n";
import { useRedeploy } from "./useRedeploy";

/**
 * A button that deploys `spec` as the next revision after a confirmation: a rollback to an old
 * revision, or an update to a newer release. A refusal (a 409 when someone redeployed meanwhile,
 * a 422 when the admin's rules changed) is shown in the dialog.
 */
export function RedeployButton(props: {
  name: string;
  spec: Schemas["DeploymentSpec"];
  /** The current revision: the new one is made from it, or refused if it is no longer current. */
  revision: number;
  label: string;
  title: string;
  confirmLabel: string;
  explanation: string;
  variant?: "solid" | "outline";
}) {
  const t = useT();
  const [asking, setAsking] = useState(false);
  const redeploy = useRedeploy(props.name);
  return (
    <>
      <Button
        size="sm"
        variant={props.variant ?? "outline"}
        alignSelf="start"
        onClick={() => {
          redeploy.reset();
          setAsking(true);
        }}
      >
        {props.label}
      </Button>
      <ConfirmDialog
        open={asking}
        title={props.title}
        confirmLabel={props.confirmLabel}
        pending={redeploy.isPending}
        onConfirm={() => {
          redeploy.mutate(
            { spec: props.spec, revision: props.revision },
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
        <Text>{props.explanation}</Text>
        {redeploy.error ? (
          <ProblemAlert title={t("deployment.redeployFailed")} error={redeploy.error} />
        ) : null}
      </ConfirmDialog>
    </>
  );
}
