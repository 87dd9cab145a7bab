// A client app's whole flow through a client generated from openapi.yaml with
// openapi-typescript's defaults and openapi-fetch: type-checked by `tsc --strict`, then run
// against a live server. Every response is recorded (operation, status, headers, body) in the
// file named by the last argument, for tests/test_typescript_client.py to check against the
// schema. Usage: node build/flow.js <base URL> <username> <password> <log file>
import { writeFileSync } from "node:fs";
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./generated/schema.js";

type ArticleDetail = components["schemas"]["ArticleDetail"];
type ArticleWriteRequest = components["schemas"]["ArticleWriteRequest"];

const [baseUrl, username, password, logFile] = process.argv.slice(2);
if (!baseUrl || !username || !password || !logFile) {
  throw new Error("usage: flow.js <base URL> <username> <password> <log file>");
}

interface Recorded {
  method: string;
  path: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}
const recorded: Recorded[] = [];

const recorder: Middleware = {
  async onResponse({ request, response, schemaPath }) {
    const text = await response.clone().text();
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });
    recorded.push({
      method: request.method,
      path: schemaPath,
      status: response.status,
      headers,
      body: text ? JSON.parse(text) : null,
    });
    return undefined;
  },
};

function check(condition: boolean, message: string): asserts condition {
  if (!condition) {
    throw new Error(`check failed: ${message}`);
  }
}

function same(actual: unknown, expected: unknown, message: string): void {
  const [a, e] = [JSON.stringify(actual), JSON.stringify(expected)];
  check(a === e, `${message}: ${a} !== ${e}`);
}

function client(token?: string) {
  const made = createClient<paths>({
    baseUrl,
    headers: token ? { Authorization: `Token ${token}` } : {},
  });
  made.use(recorder);
  return made;
}

const anonymous = client();

// --- token, and the errors of a wrong one ---------------------------------------------------
const refused = await anonymous.POST("/api/v1/auth/token/", {
  body: { username, password: "wrong" },
});
check(refused.response.status === 401 && refused.error !== undefined, "a wrong password is a 401");
check(typeof refused.error.detail === "string", "the 401 says why");
const login = await anonymous.POST("/api/v1/auth/token/", { body: { username, password } });
check(login.data !== undefined, `token: ${login.response.status}`);
const editor = client(login.data.token);

// --- create, re-import (upsert), bulk ---------------------------------------------------------
function article(title: string, url: string, extra: Partial<ArticleWriteRequest> = {}) {
  const written: ArticleWriteRequest = {
    title,
    body: "<p>Les glaciers des Alpes fondent vite, disent les glaciologues.</p>",
    language: "fr",
    status: "published",
    url,
    image_url: "https://example.org/glacier.jpg",
    image_alt: "Un glacier vu d'avion",
    tags: ["Glaciers", "Climat", "Écologie"],
    authors: ["Élodie Martin", "Bruno Abel"],
    quotes: [
      {
        source: "Matthias Huss",
        text: "Ça va vite.",
        kind: "person",
        description: "glaciologue",
      },
    ],
    ...extra,
  };
  return written;
}

const created = await editor.POST("/api/v1/articles/", {
  body: article("Glaciers en recul", "https://example.org/glaciers"),
});
check(created.data !== undefined, `create: ${created.response.status}`);
check(created.response.status === 201, "a create is a 201");
const first: ArticleDetail = created.data;
const location = created.response.headers.get("Location");
same(location, first.links.self, "Location is the article's links.self");
check(first.links.self.endsWith(`/api/v1/articles/${first.id}/`), "links.self is the detail");
check(/^https?:\/\//.test(first.links.self), "links.self is absolute");
check(created.response.headers.get("ETag") !== null, "a create carries its ETag");
same(first.tags.map((tag) => tag.name), ["Glaciers", "Climat", "Écologie"], "tags in order");
same(first.authors.map((author) => author.name), ["Élodie Martin", "Bruno Abel"], "byline order");
same(first.word_count, 9, "word_count");
same(first.reading_time_minutes, 1, "reading_time_minutes");
same(first.image_alt, "Un glacier vu d'avion", "image_alt");
const quoted = first.quotes[0];
check(quoted !== undefined, "the quote is there");
same(quoted.source, { name: "Matthias Huss", slug: "matthias-huss", kind: "person",
  description: "glaciologue" }, "the quote's source with kind and description");

const again = await editor.POST("/api/v1/articles/", {
  body: article("Glaciers en recul, encore", "https://example.org/glaciers"),
});
check(again.data !== undefined && again.response.status === 200, "a re-import is a 200");
same(again.data.id, first.id, "a re-import updates the same article");
check(again.response.headers.get("ETag") !== null, "a re-import carries its ETag");
check(again.response.headers.get("Location") === null, "a re-import is no create");

const bulk = await editor.POST("/api/v1/articles/bulk/", {
  body: { articles: [0, 1, 2].map((n) => article(`Neige ${n}`, `https://example.org/neige/${n}`)) },
});
check(bulk.data !== undefined, `bulk: ${bulk.response.status}`);
same([bulk.data.created, bulk.data.failed], [3, 0], "bulk counts");
for (const item of bulk.data.results) {
  check(item.etag !== null && item.id !== null, "every stored item has its etag");
}
const skipped = await editor.POST("/api/v1/articles/bulk/", {
  body: { articles: [article("Neige 0", "https://example.org/neige/0"), { title: "" } as
    ArticleWriteRequest], skip_existing: true },
});
check(skipped.data !== undefined, `bulk again: ${skipped.response.status}`);
same(skipped.data.results.map((item) => item.status), ["skipped", "error"], "skipped, refused");
same(skipped.data.results[1]?.etag, null, "a refused item has no etag");

// --- reads: filters, search, facets, suggestions, related, names, quotes ------------------------
const filtered = await anonymous.GET("/api/v1/articles/", {
  params: { query: { tag: ["climat"], language: "fr", page_size: 2, page: 2 } },
});
check(filtered.data !== undefined, `filters: ${filtered.response.status}`);
same([filtered.data.count, filtered.data.results.length], [4, 2], "filtered count and page");
check(filtered.data.previous !== null, "page 2 has a previous page");
for (const row of filtered.data.results) {
  same(row.tags.map((tag) => tag.slug), ["glaciers", "climat", "ecologie"], "list tag order");
  check(row.links.self.endsWith(`/${row.id}/`), "list rows link to themselves");
}
const found = await anonymous.GET("/api/v1/articles/", { params: { query: { q: "glaciers" } } });
check(found.data !== undefined, `search: ${found.response.status}`);
const best = found.data.results[0];
check(best !== undefined && best.highlights !== null && best.rank !== null, "search ranks");
same(best.tags.map((tag) => tag.name), ["Glaciers", "Climat", "Écologie"], "search tag order");
const facets = await anonymous.GET("/api/v1/articles/facets/", {
  params: { query: { q: "glaciers" } },
});
check(facets.data !== undefined && facets.data.total === 4, "facets total");
const suggested = await anonymous.GET("/api/v1/suggest/", { params: { query: { q: "glac" } } });
check(suggested.data !== undefined, `suggest: ${suggested.response.status}`);
check(suggested.data.tags.some((tag) => tag.slug === "glaciers"), "suggests the tag");
const related = await anonymous.GET("/api/v1/articles/{id}/related/", {
  params: { path: { id: first.id } },
});
check(related.data !== undefined, `related: ${related.response.status}`);
check(!related.data.results.some((row) => row.id === first.id), "related leaves itself out");
const tags = await anonymous.GET("/api/v1/tags/");
check(tags.data !== undefined, `tags: ${tags.response.status}`);
same(tags.data.results.map((tag) => tag.name), ["Climat", "Écologie", "Glaciers"],
  "names sort with accents ignored");
const tag = await anonymous.GET("/api/v1/tags/{slug}/", { params: { path: { slug: "ecologie" } } });
check(tag.data !== undefined && tag.data.links.self.endsWith("/api/v1/tags/ecologie/"), "tag link");
const authors = await anonymous.GET("/api/v1/authors/");
check(authors.data !== undefined && authors.data.results.every((a) => a.links.self), "authors");
const sources = await anonymous.GET("/api/v1/sources/");
check(sources.data !== undefined && sources.data.results[0]?.links.self !== undefined, "sources");
const quotes = await anonymous.GET("/api/v1/quotes/", { params: { query: { q: "vite" } } });
check(quotes.data !== undefined && quotes.data.count === 4, "quotes found");
same(quotes.data.results[0]?.source.description, "glaciologue", "a quote's source describes");

// --- extract: without save the write format, with save the stored article ---------------------
const page = "Titre du jour\n\nby Ann Lee\n\n« Oui », a dit Paul Martin.\n";
const extracted = await editor.POST("/api/v1/articles/extract/", { body: { content: page } });
check(extracted.data !== undefined && extracted.response.status === 200, "extract");
check(!("id" in extracted.data), "unsaved: the write format");
same(extracted.data.title, "Titre du jour", "extracted title");
const stored = await editor.POST("/api/v1/articles/extract/", {
  params: { query: { save: true } },
  body: { content: page, url: "https://example.org/titre" },
});
check(stored.data !== undefined && stored.response.status === 201, "extract and save: 201");
check("id" in stored.data, "a saved extract answers the detail");
check(stored.response.headers.get("ETag") !== null, "a saved extract carries its ETag");
same(stored.response.headers.get("Location"), stored.data.links.self, "and its Location");
const restored = await editor.POST("/api/v1/articles/extract/", {
  params: { query: { save: true } },
  body: { content: page, url: "https://example.org/titre" },
});
check(restored.data !== undefined && restored.response.status === 200, "saved again: 200");
check("id" in restored.data, "a saved extract answers the detail");
same(restored.data.id, stored.data.id, "the same article");
check(restored.response.headers.get("ETag") !== null, "with its ETag");

// --- conditional reads and writes -------------------------------------------------------------
const one = await anonymous.GET("/api/v1/articles/{id}/", { params: { path: { id: first.id } } });
check(one.data !== undefined, `detail: ${one.response.status}`);
const version = one.response.headers.get("ETag");
check(version !== null, "the detail has an ETag");
same(one.data.tags.map((t) => t.name), ["Glaciers", "Climat", "Écologie"], "detail tag order");
same(one.data.quotes[0]?.source.description, "glaciologue", "detail quote source");
const unchanged = await anonymous.GET("/api/v1/articles/{id}/", {
  params: { path: { id: first.id }, header: { "If-None-Match": version } },
});
same(unchanged.response.status, 304, "If-None-Match with the current version");

const patched = await editor.PATCH("/api/v1/articles/{id}/", {
  params: { path: { id: first.id }, header: { "If-Match": version } },
  body: { section: "Sciences", tags: ["Écologie", "Alpes"] },
});
check(patched.data !== undefined, `patch: ${patched.response.status}`);
same(patched.data.section, "Sciences", "patched");
same(patched.data.tags.map((t) => t.name), ["Écologie", "Alpes"], "patched tags in order");
const patchedVersion = patched.response.headers.get("ETag");
check(patchedVersion !== null && patchedVersion !== version, "a write has a new ETag");

const stale = await editor.PATCH("/api/v1/articles/{id}/", {
  params: { path: { id: first.id }, header: { "If-Match": version } },
  body: { section: "Autre" },
});
same(stale.response.status, 412, "a stale If-Match");
check(stale.error !== undefined && typeof stale.error.detail === "string", "the 412 says why");
same(stale.response.headers.get("ETag"), patchedVersion, "the 412 carries the current ETag");

const replaced = await editor.PUT("/api/v1/articles/{id}/", {
  params: { path: { id: first.id }, header: { "If-Match": patchedVersion } },
  body: article("Glaciers, le bilan", "https://example.org/glaciers", { section: "Climat" }),
});
check(replaced.data !== undefined, `put: ${replaced.response.status}`);
same([replaced.data.title, replaced.data.section], ["Glaciers, le bilan", "Climat"], "replaced");
const replacedVersion = replaced.response.headers.get("ETag");
check(replacedVersion !== null, "a PUT carries its ETag");

const staleDelete = await editor.DELETE("/api/v1/articles/{id}/", {
  params: { path: { id: first.id }, header: { "If-Match": patchedVersion } },
});
same(staleDelete.response.status, 412, "a stale delete");
same(staleDelete.response.headers.get("ETag"), replacedVersion, "with the current ETag");
const deleted = await editor.DELETE("/api/v1/articles/{id}/", {
  params: { path: { id: first.id }, header: { "If-Match": replacedVersion } },
});
same(deleted.response.status, 204, "deleted");

// --- errors --------------------------------------------------------------------------------
const gone = await anonymous.GET("/api/v1/articles/{id}/", { params: { path: { id: first.id } } });
check(gone.error !== undefined && gone.response.status === 404, "a deleted article is a 404");
const invalid = await editor.POST("/api/v1/articles/", {
  body: article("Mauvaise langue", "https://example.org/langue", { language: "french" }),
});
check(invalid.error !== undefined && invalid.response.status === 400, "bad input is a 400");
check("language" in invalid.error, "the 400 names the field");
const anonymousWrite = await anonymous.POST("/api/v1/articles/", {
  body: article("Sans jeton", "https://example.org/sans-jeton"),
});
same(anonymousWrite.response.status, 401, "a write without a token");
const duplicateTag = await editor.POST("/api/v1/tags/", { body: { name: "climat" } });
same(duplicateTag.response.status, 409, "a name another tag has");

writeFileSync(logFile, JSON.stringify(recorded, null, 1));
console.log(`flow done: ${recorded.length} responses`);
