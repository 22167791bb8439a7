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
import type { PartProps } from "./types";

const EXECUTORS: Record<string, string> = {
  kubernetes: "Kubernetes: a pod of its own, in a runner image",
  local: "Local: a process on the Airflow worker",
};

/** Where an image comes from: its registry, or Docker Hub for a bare name. */
export function imageOrigin(image: string): string {
  const first = image.split("/")[0] ?? "";
  const isRegistry =
    image.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
  return isRegistry ? first : "Docker Hub";
}

export function RunnerPart(props: PartProps & { options: Schemas["FormOptions"] }) {
  const { draft, update, problemsAt, options } = props;
  const images = useQuery({
    queryKey: ["catalogs", "runner-images"],
    queryFn: async () => unwrap(await api.GET("/api/v1/catalogs/runner-images")),
  });
  const chosen = images.data?.find((image) => image.image === draft.runnerImage);
  return (
    <Section title="2. Runner">
      <Stack gap={3}>
        <FormField label="Executor" problems={problemsAt("executor")} helper="Among those the admin allows.">
          <Select
            maxW="md"
            value={draft.executor}
            onChange={(value) => {
              update({ executor: value as Executor });
            }}
          >
            {options.allowed_executors.map((executor) => (
              <option key={executor} value={executor}>
                {EXECUTORS[executor] ?? executor}
              </option>
            ))}
          </Select>
        </FormField>
        {draft.executor === "kubernetes" ? (
          <FormField
            label="Runner image"
            required
            problems={problemsAt("runner_image")}
            helper={
              chosen ? `${chosen.image}, from ${imageOrigin(chosen.image)}` : "From the admin's catalog."
            }
          >
            <Select
              maxW="md"
              value={draft.runnerImage}
              onChange={(value) => {
                update({ runnerImage: value });
              }}
            >
              <option value="">Choose an image…</option>
              {(images.data ?? []).map((image) => (
                <option key={image.image} value={image.image}>
                  {image.label === image.image ? image.image : `${image.label} (${image.image})`}
                </option>
              ))}
            </Select>
          </FormField>
        ) : null}
        {images.isError ? (
          <ProblemAlert title="Could not read the runner catalog" error={images.error} />
        ) : null}
      </Stack>
    </Section>
  );
}
