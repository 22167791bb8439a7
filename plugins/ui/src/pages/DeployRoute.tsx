/** The form's one address: deploy?edit=<name> edits that deployment, any other deploy?… deploys anew. */
import { useSearchParams } from "react-router-dom";

import { DeployPage } from "./DeployPage";
import { EditPage } from "./EditPage";

export function DeployRoute() {
  const [params] = useSearchParams();
  const edited = params.get("edit");
  return edited === null ? <DeployPage /> : <EditPage key={edited} name={edited} />;
}
