import { Field, Input, Text, type InputProps } from "@chakra-ui/react";
import type { ReactNode } from "react";

/** Red text that keeps a 4.5:1 contrast in both colour modes (Chakra's fg.error does not on white). */
export const ERROR_COLOR = { base: "red.700", _dark: "red.300" };

/**
 * A labelled control with its help and its problems: the server's (`problems`, a 422 at this
 * field, in the API's English and marked so) and the ones found as the user types (`typed`, in
 * the user's language). Chakra's Field ties label, help and errors to the control.
 */
export function FormField(props: {
  label: string;
  problems?: readonly string[];
  typed?: readonly string[];
  helper?: ReactNode;
  required?: boolean;
  children: ReactNode;
}) {
  const typed = props.typed ?? [];
  const problems = (props.problems ?? []).filter((problem) => !typed.includes(problem));
  return (
    <Field.Root invalid={problems.length > 0 || typed.length > 0} required={props.required}>
      <Field.Label>
        {props.label}
        {props.required ? <Field.RequiredIndicator /> : null}
      </Field.Label>
      {props.children}
      {props.helper ? <Field.HelperText>{props.helper}</Field.HelperText> : null}
      {typed.map((problem) => (
        <Field.ErrorText key={problem} color={ERROR_COLOR}>
          {problem}
        </Field.ErrorText>
      ))}
      {problems.map((problem) => (
        <Field.ErrorText key={problem} color={ERROR_COLOR} data-untranslated="server">
          {problem}
        </Field.ErrorText>
      ))}
    </Field.Root>
  );
}

/** A labelled one-line text input bound to a value; `onChange` gets the new text. */
export function TextField(
  props: Omit<InputProps, "onChange" | "value"> & {
    label: string;
    problems?: readonly string[];
    typed?: readonly string[];
    helper?: ReactNode;
    required?: boolean;
    value: string;
    onChange: (value: string) => void;
  },
) {
  const { label, problems, typed, helper, required, onChange, ...input } = props;
  return (
    <FormField label={label} problems={problems} typed={typed} helper={helper} required={required}>
      <Input
        {...input}
        onChange={(event) => {
          onChange(event.currentTarget.value);
        }}
      />
    </FormField>
  );
}

/** The server's problems no single field shows (a list's or a group's), in the API's English. */
export function ServerProblems({ problems }: { problems: readonly string[] }) {
  return problems.map((problem) => (
    <Text key={problem} color={ERROR_COLOR} data-untranslated="server">
      {problem}
    </Text>
  ));
}
