import type { Translate } from "../i18n";
import { CATALOGUES } from "../i18n/catalogues";
import { translate } from "../i18n/translate";
import { ApiProblem, describeProblem, serverWordsMark } from "./problems";

const french: Translate = (key, values) => translate(CATALOGUES.fr, "fr", key, values);

describe("a failed request, in words", () => {
  it("says what kind of failure in the user's language, the server's detail as given", () => {
    expect(describeProblem(new ApiProblem(503, { detail: "Nexus answered HTTP 503" }), french)).toBe(
      "Indisponible : Nexus answered HTTP 503",
    );
    expect(describeProblem(new ApiProblem(403, { detail: "no" }), french)).toBe("Non autorisé : no");
    expect(describeProblem(new ApiProblem(500, "<html>"), french)).toBe("le serveur a répondu 500");
  });

  it("marks the server's own words, and only them", () => {
    expect(serverWordsMark(new ApiProblem(422, { detail: "the deployment spec is not valid" }))).toBe(
      "server",
    );
    expect(serverWordsMark(new ApiProblem(500, null))).toBeUndefined();
    expect(serverWordsMark(new Error("offline"))).toBeUndefined();
  });
});
