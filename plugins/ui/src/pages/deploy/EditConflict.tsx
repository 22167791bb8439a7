/**
 * What an edit shows when its save is refused (409): who saved a newer revision and when, what
 * they changed beside the form's values, and the two ways on — reload theirs (after a
 * confirmation, as the form's edits are lost) or keep one's own values, rebased on their
 * revision, to save again knowingly. Never a silent overwrite.
 */
import { Alert, Box, Button, HStack, Heading, Stack, Text } from "@chakra-ui/react";
import { useMutation } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState } from "react";

import { ProblemAlert } from "../../components/ProblemAlert";
import { conflictRows } from "../../form/conflict";
import type { Draft, Spec } from "../../form/draft";
import { fromSpec } from "../../form/fromSpec";
import { useFormats, useT } from "../../i18n";
import { ConflictChanges } from "./ConflictChanges";
import {
  RevisionConflict,
  fetchDeployment,
  specOf,
  type ConflictOut,
  type DeploymentOut,
  type EditSession,
} from "./useEditedDeployment";

/** What the user chose last, said until the next save. */
type Outcome = { kept: ConflictOut } | { reloaded: DeploymentOut };

export function EditConflict(props: {
  session: EditSession;
  /** The save's error: a RevisionConflict shows the panel, anything else is not this panel's. */
  error: unknown;
  yours: Spec;
  onReload: (draft: Draft) => void;
  onKeep: () => void;
}) {
  const { session } = props;
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const conflict = props.error instanceof RevisionConflict ? props.error.conflict : null;
  const reload = useMutation({
    mutationFn: async () => {
      const newest = await fetchDeployment(session.name);
      const spec = specOf(newest);
      if (!spec || newest.revision == null) throw new Error(newest.error ?? session.name);
      return { newest, spec, revision: newest.revision };
    },
    onSuccess: ({ newest, spec, revision }) => {
      session.rebase(revision);
      setOutcome({ reloaded: newest });
      props.onReload(fromSpec(spec));
    },
  });

  if (conflict) {
    return (
      <ConflictPanel
        conflict={conflict}
        yours={props.yours}
        reloading={reload.isPending}
        reloadError={reload.error}
        onReload={() => {
          reload.mutate();
        }}
        onKeep={() => {
          session.rebase(conflict.revision);
          setOutcome({ kept: conflict });
          props.onKeep();
        }}
      />
    );
  }
  return outcome ? <OutcomeNote outcome={outcome} /> : null;
}

function ConflictPanel(props: {
  conflict: ConflictOut;
  yours: Spec;
  reloading: boolean;
  reloadError: unknown;
  onReload: () => void;
  onKeep: () => void;
}) {
  const { conflict } = props;
  const t = useT();
  const formats = useFormats();
  const titleId = useId();
  const panel = useRef<HTMLDivElement>(null);
  const confirmButton = useRef<HTMLButtonElement>(null);
  const [confirming, setConfirming] = useState(false);
  useEffect(() => {
    panel.current?.focus();
  }, [conflict]);
  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
  }, [confirming]);

  return (
    <Box
      ref={panel}
      role="region"
      aria-labelledby={titleId}
      tabIndex={-1}
      data-testid="edit-conflict"
      borderWidth="2px"
      borderColor="border.warning"
      borderRadius="md"
      p={4}
    >
      <Stack gap={3}>
        <Heading as="h2" size="md" id={titleId}>
          {t("edit.conflict.title", {
            user: conflict.deployed_by,
            time: formats.dateTime(conflict.deployed_at),
          })}
        </Heading>
        <Text>{t("edit.conflict.explain", { revision: conflict.revision, since: conflict.since })}</Text>
        <ConflictChanges rows={conflictRows(conflict.changes, props.yours)} />
        {props.reloadError ? (
          <ProblemAlert title={t("edit.conflict.reloadFailed")} error={props.reloadError} />
        ) : null}
        {confirming ? (
          <Stack gap={2}>
            <Text fontWeight="medium">{t("edit.conflict.confirmReload")}</Text>
            <HStack wrap="wrap">
              <Button
                ref={confirmButton}
                colorPalette="red"
                loading={props.reloading}
                onClick={props.onReload}
              >
                {t("edit.conflict.reloadConfirmed")}
              </Button>
              <Button
                variant="outline"
                onClick={() => {
                  setConfirming(false);
                }}
              >
                {t("edit.conflict.cancel")}
              </Button>
            </HStack>
          </Stack>
        ) : (
          <HStack wrap="wrap">
            <Button
              variant="outline"
              onClick={() => {
                setConfirming(true);
              }}
            >
              {t("edit.conflict.reload")}
            </Button>
            <Button colorPalette="blue" onClick={props.onKeep}>
              {t("edit.conflict.keep")}
            </Button>
          </HStack>
        )}
      </Stack>
    </Box>
  );
}

/** After a choice: what the form now holds, focused so a screen reader says it. */
function OutcomeNote({ outcome }: { outcome: Outcome }) {
  const t = useT();
  const formats = useFormats();
  const note = useRef<HTMLDivElement>(null);
  useEffect(() => {
    note.current?.focus();
  }, [outcome]);
  const text =
    "kept" in outcome
      ? t("edit.kept", { user: outcome.kept.deployed_by, revision: outcome.kept.revision })
      : t("edit.reloaded", {
          user: outcome.reloaded.deployed_by ?? "",
          revision: outcome.reloaded.revision ?? "",
          time: formats.dateTime(outcome.reloaded.deployed_at),
        });
  return (
    <Alert.Root ref={note} status="info" role="status" tabIndex={-1} data-testid="edit-outcome">
      <Alert.Indicator />
      <Alert.Description>{text}</Alert.Description>
    </Alert.Root>
  );
}
