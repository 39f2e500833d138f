// zarrita (an independent Zarr v3 implementation) and its file-system store, loaded from an npm install outside
// this repository, for the scripts that read Zarr v3 stores with it (zarr_v3_check.mjs, zarr_v3_output_check.mjs):
//
//   (mkdir -p /tmp/zv3 && cd /tmp/zv3 && npm install zarrita@0.7.5)   # zarrita and its codecs (numcodecs.js)
//   NODE_PATH=/tmp/zv3/node_modules node scripts/<script>.mjs ...
import path from "node:path";
import { pathToFileURL } from "node:url";
import fs from "node:fs";

const modules = process.env.NODE_PATH || "/tmp/zv3/node_modules";
// ESM packages resolved through their package.json "exports" (the modules live outside this repository)
const load = (name) => {
  const [pkg, sub] = name.startsWith("@") ? [name.split("/").slice(0, 2).join("/"), name.split("/").slice(2).join("/")]
    : [name.split("/")[0], name.split("/").slice(1).join("/")];
  const dir = path.join(modules, pkg);
  const entry = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).exports[sub ? "./" + sub : "."];
  return import(pathToFileURL(path.join(dir, typeof entry === "string" ? entry : entry.import)).href);
};

export const zarr = await load("zarrita");
export const FileSystemStore = (await load("@zarrita/storage/fs")).default;
