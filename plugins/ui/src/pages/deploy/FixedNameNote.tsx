/** Under the name of an edited deployment: why it cannot change. */
import { Text } from "@chakra-ui/react";

import { useT } from "../../i18n";

export function FixedNameNote() {
  const t = useT();
  return <Text color="fg.muted">{t("edit.nameFixed")}</Text>;
}
