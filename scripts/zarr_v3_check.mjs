// Reads the Zarr v3 golden stores of scripts/zarr_golden.py with zarrita, an independent Zarr v3 implementation,
// and checks every value against value(t, c, z, y, x) (and the fill values where chunks were left out), so that the
// stores ZarrGoldenTest reads are Zarr v3 as another reader reads it, not only as our Python writes it.
//
//   (mkdir -p /tmp/zv3 && cd /tmp/zv3 && npm install zarrita@0.7.5)   # see scripts/zarrita.mjs
//   NODE_PATH=/tmp/zv3/node_modules node scripts/zarr_v3_check.mjs
import path from "node:path";
import { fileURLToPath } from "node:url";
import fs from "node:fs";
import { zarr, FileSystemStore } from "./zarrita.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const golden = path.join(here, "..", "src", "test", "resources", "io", "github", "convolve2d", "io", "zarr");

const value = (t, c, z, y, x) => ((t * 7 + c * 5 + z * 3 + y * 11 + x * 13) % 251) + ((y + 2 * x) % 4) / 4;
const cast = (v, dtype) => (dtype.startsWith("float") ? Math.fround(v) : Math.floor(v));

// store, array inside it, and where the writer put the fill value instead of value()
const cases = [
  ["u16-v3-zstd.zarr", "", () => false, 0],
  ["f32be-v3-gzip-crc.zarr", "", (i) => i[0] >= 10 && i[0] < 20 && i[1] >= 16 && i[1] < 32, -7.5],
  // i16-v3-sharded-start.zarr, the same with its shard index first, is not read: zarrita 0.7 reads the index at the end only
  ["i16-v3-sharded-end.zarr", "", (i) => i[0] >= 16 && i[0] < 32 && i[1] < 12, 0],
  ["tczyx-u16-v3-sharded.ome.zarr", "0", (i) => i[1] === 1 && i[2] === 1 && i[3] >= 64 && i[4] >= 64, 0],
];
let failed = 0;
for (const [name, inner, filled, fill] of cases) {
  const root = zarr.root(new FileSystemStore(path.join(golden, name)));
  if (inner) {
    const group = await zarr.open(root, { kind: "group" });
    const ome = group.attrs.ome;
    if (ome.version !== "0.5" || ome.multiscales[0].datasets[0].path !== inner) throw new Error(name + ": ome " + JSON.stringify(ome));
  }
  const arr = await zarr.open(inner ? root.resolve(inner) : root, { kind: "array" });
  const { data, shape } = await zarr.get(arr);
  const nd = shape.length;
  let bad = 0, n = 0;
  const idx = new Array(nd).fill(0);
  for (let k = 0; k < data.length; k++) {
    let r = k;
    for (let d = nd - 1; d >= 0; d--) { idx[d] = r % shape[d]; r = Math.floor(r / shape[d]); }
    const full = [0, 0, 0, 0, 0].slice(0, 5 - nd).concat(idx);
    const want = filled(idx) ? fill : cast(value(...full), arr.dtype);
    if (data[k] !== want) { if (bad < 3) console.log(`${name} at ${idx}: ${data[k]}, expected ${want}`); bad++; }
    n++;
  }
  console.log(`${bad ? "FAIL" : "ok  "} ${name}${inner ? "/" + inner : ""}: ${arr.dtype} ${JSON.stringify(shape)} `
    + `chunks ${JSON.stringify(arr.chunks)}, ${n} values read by zarrita, ${bad} wrong`);
  failed += bad ? 1 : 0;
}
process.exit(failed ? 1 : 0);
