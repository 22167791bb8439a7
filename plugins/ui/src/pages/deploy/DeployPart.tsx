/** (4) Deploy: the preflight, the exact pod and the DAG code of the draft, then Deploy. */
import { ERROR_COLOR } from "../../components/FormField";
import { Badge, Box, Button, Code, HStack, List, Stack, Tabs, Text } from "@chakra-ui/react";

import type { Schemas } from "../../api/client";
import { describeProblem } from "../../api/problems";
import { CopyButton } from "../../components/CopyButton";
import { Section } from "../../components/Section";
import { READ_ONLY_REASON } from "../../components/useFormOptions";
import type { FieldProblem } from "../../form/problems";

export interface Previews {
  preflight?: Schemas["PreflightOut"];
  pod?: Schemas["PodYaml"];
  podProblem?: unknown;
  code?: Schemas["CodeOut"];
}

const VERDICT_COLORS: Record<string, string> = { ok: "green", failed: "red", skipped: "orange" };
const VERDICT_WORDS: Record<string, string> = { ok: "ok", failed: "failure", skipped: "warning" };

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
  return (
    <Section title="4. Deploy">
      <HStack>
        <Button variant="outline" loading={props.previewing} onClick={props.onPreview}>
          Check and preview
        </Button>
      </HStack>
      {previews.preflight ? (
        <Tabs.Root defaultValue="preflight" variant="line">
          <Tabs.List>
            <Tabs.Trigger value="preflight">Preflight</Tabs.Trigger>
            <Tabs.Trigger value="pod">Pod (YAML)</Tabs.Trigger>
            <Tabs.Trigger value="code">DAG code</Tabs.Trigger>
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
                    {VERDICT_WORDS[check.verdict] ?? check.verdict}
                  </Badge>
                  <Text>
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
              <CodeBlock text={previews.pod.pod_yaml} what="pod YAML" label="The pod each run creates" />
            ) : (
              <Text>{previews.podProblem ? describeProblem(previews.podProblem) : "No pod."}</Text>
            )}
          </Tabs.Content>
          <Tabs.Content value="code">
            {previews.code ? (
              <CodeBlock text={previews.code.code} what="DAG code" label={previews.code.file_name} />
            ) : null}
          </Tabs.Content>
        </Tabs.Root>
      ) : null}
      {props.problem ? (
        <Box role="alert" borderWidth="1px" borderColor="border.error" borderRadius="md" p={3}>
          <Text fontWeight="medium" color={ERROR_COLOR}>
            {describeProblem(props.problem)}
          </Text>
          {props.unclaimed.length > 0 ? (
            <List.Root ps={5}>
              {props.unclaimed.map((problem) => (
                <List.Item key={`${problem.path}:${problem.message}`}>
                  {problem.path ? `${problem.path}: ` : ""}
                  {problem.message}
                </List.Item>
              ))}
            </List.Root>
          ) : (
            <Text>Each problem is shown at its field above.</Text>
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
          {props.submitLabel ?? "Deploy"}
        </Button>
        {props.mayDeploy ? null : (
          <Text id="deploy-disabled-reason" color="fg.muted">
            {READ_ONLY_REASON}
          </Text>
        )}
      </Stack>
    </Section>
  );
}

function CodeBlock({ text, what, label }: { text: string; what: string; label: string }) {
  return (
    <Stack gap={2}>
      <HStack justify="space-between">
        <Text fontWeight="medium">{label}</Text>
        <CopyButton text={text} what={what} />
      </HStack>
      <Box
        as="pre"
        overflow="auto"
        maxH="480px"
        p={3}
        borderWidth="1px"
        borderRadius="md"
        tabIndex={0}
        aria-label={what}
      >
        <Code display="block" whiteSpace="pre" bg="transparent">
          {text}
        </Code>
      </Box>
    </Stack>
  );
}
