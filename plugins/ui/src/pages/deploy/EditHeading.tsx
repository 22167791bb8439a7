/** The edit form's title: which deployment, and the revision the form's values come from. */
import { Heading, Stack, Text } from "@chakra-ui/react";

import { useT } from "../../i18n";

export function EditHeading({ name, revision }: { name: string; revision: number }) {
  const t = useT();
  return (
    <Stack gap={1}>
      <Heading as="h1" size="lg">
        {t("edit.title", { name })}
      </Heading>
      <Text color="fg.muted">{t("edit.basedOn", { revision })}</Text>
    </Stack>
  );
}
