/** (4) Deploy: the preflight, the exact pod and the DAG code of the draft, then Deploy. */
import { ERROR_COLOR } from "../../components/FormField";
import { Badge, Box, Button, Code, HStack, List, Stack, Tabs, Text } from "@chakra-ui/react";

import type { Schemas } from "../../api/client";
import { describeProblem, serverWordsMark } from "../../api/problems";
import { CopyButton } from "../../components/CopyButton";
import { Section } from "../../components/Section";
import type { FieldProblem } from "../../form/problems";
import { useT, type MessageKey, type Translate } from "../../i18n";

export interface Previews {
  preflight?: Schemas["PreflightOut"];
  pod?: Schemas["PodYaml"];
  podProblem?: unknown;
  code?: Schemas["CodeOut"];
}

const VERDICT_COLORS: Record<string, string> = { ok: "green", failed: "red", skipped: "orange" };
const VERDICT_WORDS: Record<string, MessageKey> = {
  ok: "deploy.preflight.ok",
  failed: "deploy.preflight.failed",
  skipped: "deploy.preflight.skipped",
};

function verdictWords(verdict: string, t: Translate): string {
  const key = VERDICT_WORDS[verdict];
  return key ? t(key) : verdict;
}

export function DeployPart(props: {
  previews: Previews;
  previewing: boolean;
  deploying: boolean;
  mayDeploy: boolean;
  /** The submit button's words when they are not "Deploy" (an edit saves a new revision). */
  submitLabel?: string;
  problem: unknown;
  unclaimed: FieldProblem[];
  onPreview: () => void;
  onDeploy: () => void;
}) {
  const { previews } = props;
  const t = useT();
  return (
    <Section title={t("deploy.deploy.title")}>
      <HStack>
        <Button variant="outline" loading={props.previewing} onClick={props.onPreview}>
          {t("deploy.deploy.preview")}
        </Button>
      </HStack>
      {previews.preflight ? (
        <Tabs.Root defaultValue="preflight" variant="line">
          <Tabs.List>
            <Tabs.Trigger value="preflight">{t("deploy.preview.preflight")}</Tabs.Trigger>
            <Tabs.Trigger value="pod">{t("deploy.preview.pod")}</Tabs.Trigger>
            <Tabs.Trigger value="code">{t("deploy.preview.code")}</Tabs.Trigger>
          </Tabs.List>
          <Tabs.Content value="preflight">
            <List.Root gap={2} variant="plain">
              {previews.preflight.checks.map((check) => (
                <List.Item key={check.name} display="flex" gap={2} alignItems="baseline">
                  <Badge
                    colorPalette={VERDICT_COLORS[check.verdict] ?? "gray"}
                    minW="4.5rem"
                    justifyContent="center"
                  >
                    {verdictWords(check.verdict, t)}
                  </Badge>
                  <Text data-untranslated="server">
                    <Text as="span" fontWeight="medium">
                      {check.name}
                    </Text>
                    : {check.message}
                  </Text>
                </List.Item>
              ))}
            </List.Root>
          </Tabs.Content>
          <Tabs.Content value="pod">
            {previews.pod ? (
              <CodeBlock
                text={previews.pod.pod_yaml}
                label={t("deploy.preview.podLabel")}
                copy={t("deploy.preview.copyPod")}
                copied={t("deploy.preview.podCopied")}
                name={t("deploy.preview.podName")}
              />
            ) : (
              <Text data-untranslated={serverWordsMark(previews.podProblem)}>
                {previews.podProblem ? describeProblem(previews.podProblem, t) : t("deploy.preview.noPod")}
              </Text>
            )}
          </Tabs.Content>
          <Tabs.Content value="code">
            {previews.code ? (
              <CodeBlock
                text={previews.code.code}
                label={previews.code.file_name}
                copy={t("deploy.preview.copyCode")}
                copied={t("deploy.preview.codeCopied")}
                name={t("deploy.preview.codeName")}
              />
            ) : null}
          </Tabs.Content>
        </Tabs.Root>
      ) : null}
      {props.problem ? (
        <Box role="alert" borderWidth="1px" borderColor="border.error" borderRadius="md" p={3}>
          <Text fontWeight="medium" color={ERROR_COLOR} data-untranslated={serverWordsMark(props.problem)}>
            {describeProblem(props.problem, t)}
          </Text>
          {props.unclaimed.length > 0 ? (
            <List.Root ps={5} data-untranslated="server">
              {props.unclaimed.map((problem) => (
                <List.Item key={`${problem.path}:${problem.message}`}>
                  {problem.path ? `${problem.path}: ` : ""}
                  {problem.message}
                </List.Item>
              ))}
            </List.Root>
          ) : (
            <Text>{t("deploy.deploy.problemsAtFields")}</Text>
          )}
        </Box>
      ) : null}
      <Stack gap={1}>
        <Button
          alignSelf="start"
          colorPalette="blue"
          loading={props.deploying}
          disabled={!props.mayDeploy}
          aria-describedby={props.mayDeploy ? undefined : "deploy-disabled-reason"}
          onClick={props.onDeploy}
        >
          {props.submitLabel ?? t("deploy.deploy.button")}
        </Button>
        {props.mayDeploy ? null : (
          <Text id="deploy-disabled-reason" color="fg.muted">
            {t("common.readOnlyReason")}
          </Text>
        )}
      </Stack>
    </Section>
  );
}

/** Generated text (server-made, not translated), its heading, and a copy button. */
function CodeBlock(props: { text: string; label: string; copy: string; copied: string; name: string }) {
  const { text, label, name } = props;
  return (
    <Stack gap={2}>
      <HStack justify="space-between">
        <Text fontWeight="medium">{label}</Text>
        <CopyButton text={text} label={props.copy} copiedLabel={props.copied} />
      </HStack>
      <Box
        as="pre"
        overflow="auto"
        maxH="480px"
        p={3}
        borderWidth="1px"
        borderRadius="md"
        tabIndex={0}
        aria-label={name}
      >
        <Code display="block" whiteSpace="pre" bg="transparent" data-untranslated="data">
          {text}
        </Code>
      </Box>
    </Stack>
  );
}
