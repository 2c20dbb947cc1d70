// Bundles the board into the directory given as the only argument (the server's build passes obj/board):
// index.html, app.js and app.css, all local, so the board works with no network beyond the server.
import { build } from "esbuild";
import { copyFile, mkdir, rm } from "node:fs/promises";
import { join } from "node:path";

const outdir = process.argv[2];
if (!outdir) {
  console.error("usage: node build.mjs <output directory>");
  process.exit(2);
}

await rm(outdir, { recursive: true, force: true });
await mkdir(outdir, { recursive: true });
await build({
  entryPoints: { app: "src/main.ts" },
  outdir,
  bundle: true,
  minify: true,
  sourcemap: "linked",
  format: "esm",
  platform: "browser",
  target: ["es2022"],
  legalComments: "linked",
  logLevel: "warning",
});
await copyFile("src/index.html", join(outdir, "index.html"));
