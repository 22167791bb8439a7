import { createSystem, defaultConfig, type SystemContext } from "@chakra-ui/react";

declare global {
  // Set by Airflow's UI (3.2+): its Chakra system, with the admin's theme and dark mode.
  var ChakraUISystem: SystemContext | undefined;
}

/** Used when the host provides no system (an older Airflow, or the unit tests). */
export const localSystem = createSystem(defaultConfig);

export function hostOrLocalSystem(): SystemContext {
  return globalThis.ChakraUISystem ?? localSystem;
}
