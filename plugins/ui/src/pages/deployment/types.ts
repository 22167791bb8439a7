import type { Schemas } from "../../api/client";

/** What the page's parts showing the whole deployment get: it, and whether the user may change it. */
export interface DeploymentView {
  deployment: Schemas["DeploymentOut"];
  mayEdit: boolean;
}
