import { Field, Input, type InputProps } from "@chakra-ui/react";
import type { ReactNode } from "react";

/** Red text that keeps a 4.5:1 contrast in both colour modes (Chakra's fg.error does not on white). */
export const ERROR_COLOR = { base: "red.700", _dark: "red.300" };

/**
 * A labelled control with its help and its problems: the server's (a 422 at this field) and
 * the ones found as the user types. Chakra's Field ties label, help and errors to the control.
 */
export function FormField(props: {
  label: string;
  problems?: readonly string[];
  helper?: ReactNode;
  required?: boolean;
  children: ReactNode;
}) {
  const problems = props.problems ?? [];
  return (
    <Field.Root invalid={problems.length > 0} required={props.required}>
      <Field.Label>
        {props.label}
        {props.required ? <Field.RequiredIndicator /> : null}
      </Field.Label>
      {props.children}
      {props.helper ? <Field.HelperText>{props.helper}</Field.HelperText> : null}
      {problems.map((problem) => (
        <Field.ErrorText key={problem} color={ERROR_COLOR}>
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
    helper?: ReactNode;
    required?: boolean;
    value: string;
    onChange: (value: string) => void;
  },
) {
  const { label, problems, helper, required, onChange, ...input } = props;
  return (
    <FormField label={label} problems={problems} helper={helper} required={required}>
      <Input
        {...input}
        onChange={(event) => {
          onChange(event.currentTarget.value);
        }}
      />
    </FormField>
  );
}
