/**
 * Edit (deploy?edit=<name>): the deploy form filled in from the deployment's current spec, saved
 * as a new revision over the one it was loaded from.
 */
import { Heading, Link, Stack, Text } from "@chakra-ui/react";
import { Link as RouterLink } from "react-router-dom";

import { ApiProblem } from "../api/problems";
import { usePagePath } from "../components/PageLinks";
import { ProblemAlert } from "../components/ProblemAlert";
import { useFormOptions } from "../components/useFormOptions";
import { fromSpec } from "../form/fromSpec";
import { useT } from "../i18n";
import { DeployForm } from "./DeployPage";
import { specOf, useEditedDeployment } from "./deploy/useEditedDeployment";
import { Loading } from "../components/Loading";

export function EditPage({ name }: { name: string }) {
  const t = useT();
  const options = useFormOptions();
  const { loaded, session } = useEditedDeployment(name);

  if (loaded.isError) {
    const missing = loaded.error instanceof ApiProblem && loaded.error.status === 404;
    return missing ? (
      <Unavailable title={t("edit.notFound", { name })} />
    ) : (
      <Stack p={4}>
        <ProblemAlert title={t("edit.loadFailed", { name })} error={loaded.error} />
      </Stack>
    );
  }
  if (options.isError)
    return (
      <Stack p={4}>
        <ProblemAlert title={t("edit.loadFailed", { name })} error={options.error} />
      </Stack>
    );
  if (!loaded.data || !options.data || !session) return <Loading label={t("edit.loading")} />;
  const spec = specOf(loaded.data);
  if (!spec) return <Unavailable title={t("edit.invalid", { name })} detail={loaded.data.error} />;
  return <DeployForm initial={fromSpec(spec)} options={options.data} edit={session} />;
}

function Unavailable({ title, detail }: { title: string; detail?: string | null }) {
  const t = useT();
  const pagePath = usePagePath();
  return (
    <Stack p={4} gap={4}>
      <Heading as="h1" size="lg">
        {title}
      </Heading>
      {detail ? <Text>{detail}</Text> : null}
      <Text>
        <Link variant="underline" asChild>
          <RouterLink to={pagePath("browse")}>{t("edit.toArtifacts")}</RouterLink>
        </Link>
      </Text>
    </Stack>
  );
}
