import { Heading, Link, Stack, Text } from "@chakra-ui/react";
import { Link as RouterLink } from "react-router-dom";

import { usePagePath } from "../../components/PageLinks";
import { useT } from "../../i18n";

/** An address naming no deployment (deleted, or mistyped): say so, and lead back to the list. */
export function DeploymentNotFound({ name }: { name: string }) {
  const t = useT();
  const pagePath = usePagePath();
  return (
    <Stack p={4} gap={4}>
      <Heading as="h1" size="lg">
        {t("deployment.notFound.title")}
      </Heading>
      <Text>{t("deployment.notFound.explained", { name })}</Text>
      <Link variant="underline" asChild alignSelf="start">
        <RouterLink to={pagePath("deployments")}>{t("deployment.backToList")}</RouterLink>
      </Link>
    </Stack>
  );
}
