/** The fields someone else changed since the form was loaded: the value then, theirs, and the form's. */
import { Badge, Code, Table, Text } from "@chakra-ui/react";

import { shownValue, type ConflictRow } from "../../form/conflict";
import { useT } from "../../i18n";

export function ConflictChanges({ rows }: { rows: readonly ConflictRow[] }) {
  const t = useT();
  return (
    <Table.ScrollArea borderWidth="1px" borderRadius="md">
      <Table.Root size="sm">
        <Table.Caption captionSide="top" textAlign="start" fontWeight="medium" fontSize="sm" mt={0} mb={2}>
          {t("edit.conflict.changes")}
        </Table.Caption>
        <Table.Header>
          <Table.Row>
            <Table.ColumnHeader>{t("edit.conflict.field")}</Table.ColumnHeader>
            <Table.ColumnHeader>{t("edit.conflict.before")}</Table.ColumnHeader>
            <Table.ColumnHeader>{t("edit.conflict.theirs")}</Table.ColumnHeader>
            <Table.ColumnHeader>{t("edit.conflict.yours")}</Table.ColumnHeader>
          </Table.Row>
        </Table.Header>
        <Table.Body>
          {rows.map((row) => (
            <Table.Row key={row.path}>
              <Table.Cell>
                <Code>{row.path}</Code>
              </Table.Cell>
              {row.secret ? (
                <Table.Cell colSpan={3}>{t("edit.conflict.secret")}</Table.Cell>
              ) : (
                <>
                  <Table.Cell>
                    <Value value={row.before} />
                  </Table.Cell>
                  <Table.Cell>
                    <Value value={row.theirs} />
                  </Table.Cell>
                  <Table.Cell>
                    <Value value={row.yours} />
                    {row.changedByYou ? (
                      <Badge ms={2} colorPalette="orange">
                        {t("edit.conflict.changedByYou")}
                      </Badge>
                    ) : null}
                  </Table.Cell>
                </>
              )}
            </Table.Row>
          ))}
        </Table.Body>
      </Table.Root>
    </Table.ScrollArea>
  );
}

function Value({ value }: { value: unknown }) {
  const t = useT();
  const shown = shownValue(value);
  if (shown === null)
    return (
      <Text as="span" color="fg.muted">
        {t("edit.conflict.notSet")}
      </Text>
    );
  return (
    <Text as="span" fontFamily="mono" whiteSpace="pre-wrap" wordBreak="break-word">
      {shown}
    </Text>
  );
}
