/** (2) Runner: where the job runs (executor) and, in a pod, in which image from the catalog. */
import { Select } from "../../components/Controls";
import { Stack } from "@chakra-ui/react";
import { useQuery } from "@tanstack/react-query";

import { api, type Schemas } from "../../api/client";
import { unwrap } from "../../api/problems";
import { FormField } from "../../components/FormField";
import { ProblemAlert } from "../../components/ProblemAlert";
import { Section } from "../../components/Section";
import type { Executor } from "../../form/draft";
import { useT, type MessageKey } from "../../i18n";
import type { PartProps } from "./types";

const EXECUTORS: Record<string, MessageKey> = {
  kubernetes: "deploy.runner.kubernetes",
  local: "deploy.runner.local",
};

/** Where an image comes from: its registry, or Docker Hub (a name, not words) for a bare name. */
export function imageOrigin(image: string): string {
  const first = image.split("/")[0] ?? "";
  const isRegistry =
    image.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
  return isRegistry ? first : "Docker Hub";
}

export function RunnerPart(props: PartProps & { options: Schemas["FormOptions"] }) {
  const { draft, update, problemsAt, options } = props;
  const t = useT();
  const images = useQuery({
    queryKey: ["catalogs", "runner-images"],
    queryFn: async () => unwrap(await api.GET("/api/v1/catalogs/runner-images")),
  });
  const chosen = images.data?.find((image) => image.image === draft.runnerImage);
  return (
    <Section title={t("deploy.runner.title")}>
      <Stack gap={3}>
        <FormField
          label={t("deploy.runner.executor")}
          problems={problemsAt("executor")}
          helper={t("deploy.runner.executorHelp")}
        >
          <Select
            maxW="md"
            value={draft.executor}
            onChange={(value) => {
              update({ executor: value as Executor });
            }}
          >
            {options.allowed_executors.map((executor) => (
              <option key={executor} value={executor}>
                {EXECUTORS[executor] ? t(EXECUTORS[executor]) : executor}
              </option>
            ))}
          </Select>
        </FormField>
        {draft.executor === "kubernetes" ? (
          <FormField
            label={t("deploy.runner.image")}
            required
            problems={problemsAt("runner_image")}
            helper={
              chosen
                ? t("deploy.runner.imageFrom", { image: chosen.image, origin: imageOrigin(chosen.image) })
                : t("deploy.runner.imageHelp")
            }
          >
            <Select
              maxW="md"
              value={draft.runnerImage}
              onChange={(value) => {
                update({ runnerImage: value });
              }}
            >
              <option value="">{t("deploy.runner.chooseImage")}</option>
              {(images.data ?? []).map((image) => (
                <option key={image.image} value={image.image}>
                  {image.label === image.image ? image.image : `${image.label} (${image.image})`}
                </option>
              ))}
            </Select>
          </FormField>
        ) : null}
        {images.isError ? (
          <ProblemAlert title={t("deploy.runner.catalogFailed")} error={images.error} />
        ) : null}
      </Stack>
    </Section>
  );
}
