/** Under a secret file loaded for an edit: its content is kept unless another one is typed. */
import { Text } from "@chakra-ui/react";

import type { ConfigFileDraft } from "../../form/draft";
import { useT } from "../../i18n";

export function StoredSecretNote({ file }: { file: ConfigFileDraft }) {
  const t = useT();
  if (!file.secret || !file.keepsStoredContent || file.content !== "") return null;
  return <Text color="fg.muted">{t("edit.secretKept")}</Text>;
}
