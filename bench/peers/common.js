// Streams a JSONL portfolio through `decide(record) -> action` and prints the decision counts
// as one JSON object, the same shape as the `decisions` of a tenet summary.
const fs = require("fs");
const readline = require("readline");

async function run(decide) {
  const counts = {};
  const lines = readline.createInterface({ input: fs.createReadStream(process.argv[2]), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    const action = await decide(JSON.parse(line));
    counts[action] = (counts[action] || 0) + 1;
  }
  const sorted = {};
  for (const k of Object.keys(counts).sort()) sorted[k] = counts[k];
  console.log(JSON.stringify({ decisions: sorted }));
}

module.exports = { run };
