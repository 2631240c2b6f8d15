// A case system's integration, as a .NET or Java team would write it against caselog's
// OpenAPI document: here in TypeScript, typed by openapi-typescript from docs/openapi.json
// at test time, sent by openapi-fetch. A route or model change that breaks this client
// fails `tsc` before anything runs.
//
//   node roundtrip.mjs BASE_URL EVENTS.jsonl ON
//   CASELOG_WRITER, CASELOG_READER: the tokens.
//
// Posts the events in batches (JSON arrays), reads the obligations on ON back, and prints
// {"posted": {...}, "obligations": [...], "refused": {...}} on stdout.
import { readFileSync } from "node:fs";
import createClient from "openapi-fetch";
import type { components, paths } from "./caselog.js";

type Event = NonNullable<paths["/events"]["post"]["requestBody"]>["content"]["application/json"];
type Problem = components["schemas"]["Problem"];
type Obligation = components["schemas"]["ObligationRecord"];

const [baseUrl, file, on] = process.argv.slice(2);
const writer = createClient<paths>({
  baseUrl,
  headers: { Authorization: `Bearer ${process.env.CASELOG_WRITER}` },
});
const reader = createClient<paths>({
  baseUrl,
  headers: { Authorization: `Bearer ${process.env.CASELOG_READER}` },
});

const lines = readFileSync(file, "utf-8").split("\n").filter((line) => line.trim() !== "");
const events = lines.map((line) => JSON.parse(line) as Event & object);
const posted = { read: 0, written: 0, already_stored: 0 };
for (let start = 0; start < events.length; start += 250) {
  const batch = events.slice(start, start + 250) as Event;
  const { data, error, response } = await writer.POST("/events", { body: batch });
  if (error !== undefined || data === undefined) {
    throw new Error(`POST /events: ${response.status} ${JSON.stringify(error)}`);
  }
  posted.read += data.read;
  posted.written += data.written;
  posted.already_stored += data.already_stored;
}

const answer = await reader.GET("/obligations", {
  params: { query: { on } },
  headers: { Accept: "application/json" },
});
// The document offers CSV and Parquet too: the JSON answer is the object.
if (answer.data === undefined || typeof answer.data === "string") {
  throw new Error(`GET /obligations: ${answer.response.status}`);
}
const obligations: Obligation[] = answer.data.obligations;

// A reader may not write: the problem is typed as the document says.
const refused = await reader.POST("/events", { body: events[0] as Event });
const problem = refused.error as Problem | undefined;

process.stdout.write(
  JSON.stringify({
    posted,
    obligations,
    refused: { status: refused.response.status, type: problem?.type, title: problem?.title },
  }),
);
