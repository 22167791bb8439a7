/** Chakra's native select and checkbox, as one element each with a plain `onChange(value)`. */
import { Checkbox, NativeSelect, type SystemStyleObject } from "@chakra-ui/react";
import type { ReactNode } from "react";

type Width = Pick<SystemStyleObject, "width" | "maxW" | "mt">;

export function Select(
  props: Width & { value: string; onChange: (value: string) => void; children: ReactNode },
) {
  const { value, onChange, children, ...size } = props;
  return (
    <NativeSelect.Root {...size}>
      <NativeSelect.Field
        value={value}
        onChange={(event) => {
          onChange(event.currentTarget.value);
        }}
      >
        {children}
      </NativeSelect.Field>
      <NativeSelect.Indicator />
    </NativeSelect.Root>
  );
}

export function CheckboxField(
  props: Width & { label: string; checked: boolean; onChange: (checked: boolean) => void },
) {
  const { label, checked, onChange, ...size } = props;
  return (
    <Checkbox.Root
      {...size}
      checked={checked}
      onCheckedChange={(event) => {
        onChange(event.checked === true);
      }}
    >
      <Checkbox.HiddenInput />
      <Checkbox.Control />
      <Checkbox.Label>{label}</Checkbox.Label>
    </Checkbox.Root>
  );
}
