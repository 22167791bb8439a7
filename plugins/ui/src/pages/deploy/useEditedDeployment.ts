/**
 * An edit of a deployment: the spec it was loaded from, and the revision every save carries, so
 * the server refuses (409) a save over someone else's newer revision instead of overwriting it.
 */
import { useQuery } from "@tanstack/react-query";
import { useCallback, useState } from "react";

import { api, type Schemas } from "../../api/client";
import { ApiProblem, unwrap } from "../../api/problems";
import type { Spec } from "../../form/draft";

export type DeploymentOut = Schemas["DeploymentOut"];
export type ConflictOut = Schemas["ConflictOut"];

/** A save refused because someone saved a newer revision: who, when, and what they changed. */
export class RevisionConflict extends ApiProblem {
  readonly conflict: ConflictOut;

  constructor(conflict: ConflictOut) {
    super(409, conflict);
    this.name = "RevisionConflict";
    this.conflict = conflict;
  }
}

function isConflictBody(body: unknown): body is ConflictOut {
  return typeof body === "object" && body !== null && "revision" in body && "changes" in body;
}

export async function fetchDeployment(name: string): Promise<DeploymentOut> {
  return unwrap(await api.GET("/api/v1/deployments/{name}", { params: { path: { name } } }));
}

/** The spec the API holds for a deployment; the API dumps it with the spec's own model. */
export function specOf(deployment: DeploymentOut): Spec | null {
  return deployment.valid && deployment.spec ? (deployment.spec as unknown as Spec) : null;
}

export interface EditSession {
  name: string;
  /** The revision the form's values are based on. */
  revision: number;
  /** PUT the spec over `revision`; a RevisionConflict when someone saved a newer one. */
  save: (spec: Spec) => Promise<DeploymentOut>;
  /** Base the form on a newer revision: after reloading it, or to keep one's own values over it. */
  rebase: (revision: number) => void;
}

export function useEditedDeployment(name: string) {
  const loaded = useQuery({
    queryKey: ["deployment", name, "edited"],
    queryFn: () => fetchDeployment(name),
    staleTime: Infinity,
  });
  const [rebased, setRebased] = useState<number | null>(null);
  const revision = rebased ?? loaded.data?.revision ?? null;

  const save = useCallback(
    async (spec: Spec): Promise<DeploymentOut> => {
      if (revision === null) throw new Error(`${name} has no revision to edit`);
      const result = await api.PUT("/api/v1/deployments/{name}", {
        params: { path: { name } },
        body: { revision, spec },
      });
      if (result.response.status === 409 && isConflictBody(result.error))
        throw new RevisionConflict(result.error);
      const saved = unwrap(result);
      if (saved.revision) setRebased(saved.revision);
      return saved;
    },
    [name, revision],
  );
  const session: EditSession | null = revision === null ? null : { name, revision, save, rebase: setRebased };
  return { loaded, session };
}
