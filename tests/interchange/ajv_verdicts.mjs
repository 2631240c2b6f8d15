// Verdicts of ajv in strict mode on JSON Lines, for tests/interchange/test_agreement.py.
//
//   node tests/interchange/ajv_verdicts.mjs SCHEMA.json LINES.jsonl
//
// Compiles the schema with Ajv 2020 (Draft 2020-12) in strict mode with the full formats
// of ajv-formats, then prints one JSON object: {"verdicts": [...]}, one per line of the
// input (blank lines too), each {"valid": bool, "errors": [{"path", "message"}]}. A line
// that is not JSON is invalid with the parse error. Exit code 2: the schema did not compile.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const Ajv2020 = require("ajv/dist/2020").default;
const addFormats = require("ajv-formats").default;

const [schemaPath, linesPath] = process.argv.slice(2);
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv, { mode: "full" });
let validate;
try {
  validate = ajv.compile(JSON.parse(readFileSync(schemaPath, "utf8")));
} catch (error) {
  process.stdout.write(JSON.stringify({ compile_error: String(error.message) }) + "\n");
  process.exit(2);
}
const verdicts = readFileSync(linesPath, "utf8")
  .split("\n")
  .map((text) => {
    let data;
    try {
      data = JSON.parse(text);
    } catch (error) {
      return { valid: false, errors: [{ path: "", message: `invalid JSON: ${error.message}` }] };
    }
    const valid = validate(data);
    const errors = (validate.errors ?? []).map((e) => ({ path: e.instancePath, message: e.message }));
    return { valid, errors: valid ? [] : errors };
  });
process.stdout.write(JSON.stringify({ verdicts }) + "\n");
