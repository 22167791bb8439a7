import { apiQueryOf, ariaSort, isFiltered, lastPage, paramsWith, sortBy, viewOf } from "./listView";

describe("the list's view in the address", () => {
  it("reads filters, sort and page, ignoring what the API would refuse", () => {
    const view = viewOf(new URLSearchParams("q=%20etl%20&state=failed&kind=weird&sort=-last_run&page=3"));
    expect(view).toEqual({
      q: "etl",
      state: "failed",
      kind: "",
      tag: "",
      owner: "",
      sort: "-last_run",
      page: 3,
    });
    expect(viewOf(new URLSearchParams("sort=drop+table&page=-2"))).toMatchObject({ sort: "name", page: 1 });
  });

  it("leaves defaults out and goes back to the first page on a new filter", () => {
    const params = new URLSearchParams("q=etl&page=4");
    expect(paramsWith(params, { state: "paused" }).toString()).toBe("q=etl&state=paused");
    expect(paramsWith(params, { page: 5 }).toString()).toBe("q=etl&page=5");
    expect(paramsWith(params, { q: "", sort: "name" }).toString()).toBe("");
  });

  it("asks the API for the shown page only", () => {
    const query = apiQueryOf(viewOf(new URLSearchParams("tag=nightly&owner=ana&page=2")), "fr");
    expect(query).toEqual({
      q: undefined,
      state: undefined,
      kind: undefined,
      tag: ["nightly"],
      owner: ["ana"],
      sort: "name",
      limit: 50,
      offset: 50,
      lang: "fr",
    });
  });

  it("toggles a column's sort and says it as aria-sort", () => {
    expect(sortBy("name", "name")).toBe("-name");
    expect(sortBy("-name", "name")).toBe("name");
    expect(sortBy("-name", "last_run")).toBe("last_run");
    expect(ariaSort("-state", "state")).toBe("descending");
    expect(ariaSort("state", "state")).toBe("ascending");
    expect(ariaSort("state", "name")).toBe("none");
  });

  it("counts pages and tells a filtered view from the whole list", () => {
    expect(lastPage(0)).toBe(1);
    expect(lastPage(50)).toBe(1);
    expect(lastPage(51)).toBe(2);
    expect(isFiltered(viewOf(new URLSearchParams("sort=-name&page=2")))).toBe(false);
    expect(isFiltered(viewOf(new URLSearchParams("owner=ana")))).toBe(true);
  });
});
