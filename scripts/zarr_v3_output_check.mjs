// Reads OME-Zarr outputs that `batch --zarr-format 3` wrote (NGFF 0.5 on Zarr v3) with zarrita, an independent
// Zarr implementation, and compares every level, value by value (bit for bit), with the NGFF 0.4 (Zarr v2) output
// of the same run settings, read with zarrita too: the v3 writer stores what the v2 writer stores. Checks on the
// way what zarrita sees of each v3 array (zarr_format, data_type, chunk key encoding, codecs, dimension_names) and
// of the group (ome.version 0.5, the same datasets as the v2 output's multiscales).
//
//   (mkdir -p /tmp/zv3 && cd /tmp/zv3 && npm install zarrita@0.7.5)   # see scripts/zarrita.mjs
//   NODE_PATH=/tmp/zv3/node_modules node scripts/zarr_v3_output_check.mjs V3.ome.zarr V2.ome.zarr [V3 V2 ...]
import path from "node:path";
import fs from "node:fs";
import { zarr, FileSystemStore } from "./zarrita.mjs";

const args = process.argv.slice(2);
if (args.length === 0 || args.length % 2) {
  console.error("usage: node scripts/zarr_v3_output_check.mjs V3.ome.zarr V2.ome.zarr [V3 V2 ...]");
  process.exit(2);
}
let failed = 0;
const fail = (what) => { console.log("FAIL " + what); failed++; };
const same = (a, b) => a === b || (Number.isNaN(a) && Number.isNaN(b));

for (let p = 0; p < args.length; p += 2) {
  const [v3Path, v2Path] = [args[p], args[p + 1]];
  const v3 = zarr.root(new FileSystemStore(v3Path)), v2 = zarr.root(new FileSystemStore(v2Path));
  const g3 = await zarr.open.v3(v3, { kind: "group" });
  const g2 = await zarr.open.v2(v2, { kind: "group" });
  const ome = g3.attrs.ome;
  if (!ome || ome.version !== "0.5") { fail(`${v3Path}: attributes.ome.version is ${ome && ome.version}`); continue; }
  const ms3 = ome.multiscales[0], ms2 = g2.attrs.multiscales[0];
  if (JSON.stringify(ms3.datasets) !== JSON.stringify(ms2.datasets) || JSON.stringify(ms3.axes) !== JSON.stringify(ms2.axes)) {
    fail(`${v3Path}: multiscales' axes or datasets differ from ${v2Path}'s`);
  }
  if (JSON.stringify(ome.omero) !== JSON.stringify(g2.attrs.omero)) fail(`${v3Path}: omero differs from ${v2Path}'s`);
  for (const { path: level } of ms3.datasets) {
    const a3 = await zarr.open.v3(v3.resolve(level), { kind: "array" });
    const a2 = await zarr.open.v2(v2.resolve(level), { kind: "array" });
    const meta = JSON.parse(fs.readFileSync(path.join(v3Path, level, "zarr.json"), "utf8"));
    const names = JSON.stringify(meta.dimension_names), axes = JSON.stringify(ms3.axes.map((a) => a.name));
    if (names !== axes) fail(`${v3Path}/${level}: dimension_names ${names}, axes ${axes}`);
    const { data: d3, shape: s3 } = await zarr.get(a3);
    const { data: d2, shape: s2 } = await zarr.get(a2);
    if (JSON.stringify(s3) !== JSON.stringify(s2) || a3.dtype !== a2.dtype) {
      fail(`${v3Path}/${level}: ${a3.dtype} ${JSON.stringify(s3)} against ${a2.dtype} ${JSON.stringify(s2)}`);
      continue;
    }
    let bad = 0;
    for (let k = 0; k < d3.length; k++) {
      if (!same(d3[k], d2[k])) { if (bad < 3) console.log(`  ${level} at flat index ${k}: ${d3[k]}, v2 ${d2[k]}`); bad++; }
    }
    const codecs = meta.codecs.map((c) => c.name + (c.configuration && c.configuration.level !== undefined
      ? ":" + c.configuration.level : c.configuration && c.configuration.cname ? ":" + c.configuration.cname : "")).join("+");
    console.log(`${bad ? "FAIL" : "ok  "} ${v3Path}/${level}: ${a3.dtype} ${JSON.stringify(s3)} chunks `
      + `${JSON.stringify(a3.chunks)} ${codecs}, ${d3.length} values read by zarrita, ${bad} differ from ${v2Path}/${level}`);
    failed += bad ? 1 : 0;
  }
}
process.exit(failed ? 1 : 0);
