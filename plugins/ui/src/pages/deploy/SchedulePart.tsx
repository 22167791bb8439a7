/** When it runs: one-off, a preset or cron, in a time zone; the server says it in words. */
import { Select } from "../../components/Controls";
import { HStack, List, Stack, Text } from "@chakra-ui/react";
import { useQuery } from "@tanstack/react-query";

import { api } from "../../api/client";
import { describeProblem, serverWordsMark, unwrap } from "../../api/problems";
import { ERROR_COLOR, FormField, TextField } from "../../components/FormField";
import { Section } from "../../components/Section";
import { useDebounced } from "../../components/useDebounced";
import { parseProblem, problemsAt as linesAt } from "../../form/problems";
import { PRESETS, scheduleValue, type ScheduleMode } from "../../form/schedule";
import { useFormats, useT } from "../../i18n";
import type { PartProps } from "./types";
import { Loading } from "../../components/Loading";

export function SchedulePart({ draft, update, problemsAt }: PartProps) {
  const { schedule } = draft;
  const t = useT();
  const formats = useFormats();
  const asked = useDebounced({ schedule: scheduleValue(schedule), timezone: draft.timezone.trim() });
  const preview = useQuery({
    queryKey: ["schedule-preview", asked.schedule, asked.timezone],
    queryFn: async () => unwrap(await api.GET("/api/v1/deploy-form/schedule", { params: { query: asked } })),
  });
  // The preview's own 422 names the field, like a deploy's would.
  const previewProblems =
    preview.error && "lines" in preview.error ? (preview.error.lines as string[]).map(parseProblem) : [];
  return (
    <Section title={t("deploy.schedule.title")} level={3}>
      <HStack align="start" wrap="wrap" gap={4}>
        <FormField label={t("deploy.schedule.when")}>
          <Select
            width="xs"
            value={schedule.mode}
            onChange={(value) => {
              update({ schedule: { ...schedule, mode: value as ScheduleMode } });
            }}
          >
            <option value="one-off">{t("deploy.schedule.oneOff")}</option>
            <option value="preset">{t("deploy.schedule.preset")}</option>
            <option value="cron">{t("deploy.schedule.cron")}</option>
          </Select>
        </FormField>
        {schedule.mode === "preset" ? (
          <FormField label={t("deploy.schedule.presetLabel")} problems={problemsAt("schedule")}>
            <Select
              width="3xs"
              value={schedule.preset}
              onChange={(value) => {
                update({ schedule: { ...schedule, preset: value } });
              }}
            >
              {PRESETS.map((preset) => (
                <option key={preset} value={preset}>
                  {preset}
                </option>
              ))}
            </Select>
          </FormField>
        ) : null}
        {schedule.mode === "cron" ? (
          <TextField
            label={t("deploy.schedule.cronLabel")}
            helper={t("deploy.schedule.cronHelp")}
            problems={[...problemsAt("schedule"), ...linesAt(previewProblems, "schedule")]}
            fontFamily="mono"
            width="xs"
            value={schedule.cron}
            onChange={(value) => {
              update({ schedule: { ...schedule, cron: value } });
            }}
          />
        ) : null}
        {schedule.mode !== "one-off" ? (
          <TextField
            label={t("deploy.schedule.timezone")}
            helper={t("deploy.schedule.timezoneHelp")}
            problems={[...problemsAt("timezone"), ...linesAt(previewProblems, "timezone")]}
            width="xs"
            value={draft.timezone}
            onChange={(value) => {
              update({ timezone: value });
            }}
          />
        ) : null}
      </HStack>
      <Stack gap={1} aria-live="polite" data-testid="schedule-preview">
        {preview.isPending ? <Loading label={t("deploy.schedule.reading")} /> : null}
        {preview.data ? (
          <>
            <Text fontWeight="medium" data-untranslated="server">
              {preview.data.description}
            </Text>
            {preview.data.next_runs.length > 0 ? (
              <>
                <Text>{t("deploy.schedule.nextRuns")}</Text>
                <List.Root ps={5}>
                  {preview.data.next_runs.map((run) => (
                    <List.Item key={run}>{formats.runTime(run, preview.data.timezone)}</List.Item>
                  ))}
                </List.Root>
              </>
            ) : null}
          </>
        ) : null}
        {preview.isError && previewProblems.length === 0 ? (
          <Text color={ERROR_COLOR} data-untranslated={serverWordsMark(preview.error)}>
            {describeProblem(preview.error, t)}
          </Text>
        ) : null}
      </Stack>
    </Section>
  );
}
