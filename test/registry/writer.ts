// A writer process for the registry's concurrency test: registers `count` runs and approves every
// fifth, as fast as it can, into the registry given on the command line (a RegistryTarget as JSON).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { Registry } from "../../src/registry/registry.js";

const [target, root, name, count] = process.argv.slice(2);
const registry = await Registry.open(JSON.parse(target), root);
for (let i = 0; i < Number(count); i++) {
  const id = `fit-${name}-${String(i).padStart(3, "0")}`;
  const folder = join(root, "runs", id);
  mkdirSync(folder, { recursive: true });
  await registry.register({
    id,
    kind: "fit",
    createdAt: new Date().toISOString(),
    folder,
    owner: name,
    note: `run ${i} of writer ${name}`,
    diagnostics: { verdict: "ok", rhat_max: 1.001, ess_bulk_min: 900, divergences: 0, warnings: [] },
  });
  if (i % 5 === 4) await registry.approve(id, name, "diagnostics pass");
}
await registry.close();
