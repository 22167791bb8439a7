import { Table, Text } from "@chakra-ui/react";

import type { Schemas } from "../../api/client";
import { useT } from "../../i18n";
import { changeLines } from "./revisionDiff";

/** What one revision changed: each field, before and after. */
export function RevisionChanges({ revision }: { revision: Schemas["RevisionOut"] }) {
  const t = useT();
  if (revision.action === "create") return <Text>{t("deployment.history.created")}</Text>;
  if (revision.action === "delete") return <Text>{t("deployment.history.deleted")}</Text>;
  const lines = changeLines(revision.diff ?? [], t);
  if (lines.length === 0) return <Text>{t("deployment.history.unchanged")}</Text>;
  return (
    <Table.ScrollArea>
      <Table.Root size="sm" aria-label={t("deployment.history.changesOf", { revision: revision.revision })}>
        <Table.Header>
          <Table.Row>
            <Table.ColumnHeader>{t("deployment.history.field")}</Table.ColumnHeader>
            <Table.ColumnHeader>{t("deployment.history.before")}</Table.ColumnHeader>
            <Table.ColumnHeader>{t("deployment.history.after")}</Table.ColumnHeader>
          </Table.Row>
        </Table.Header>
        <Table.Body>
          {lines.map((line) => (
            <Table.Row key={line.path}>
              <Table.Cell fontFamily="mono">{line.path}</Table.Cell>
              <Table.Cell wordBreak="break-all">{line.before}</Table.Cell>
              <Table.Cell wordBreak="break-all">{line.after}</Table.Cell>
            </Table.Row>
          ))}
        </Table.Body>
      </Table.Root>
    </Table.ScrollArea>
  );
}
