/**
 * `npm run image`: builds the Spindle runtime image (the CLI on the pinned Node 26: the operator, and the
 * runtime of `spinImage` executors, whose pods run `spindle up -f <app image>`) without a container
 * engine, as an OCI image tar. The root filesystem is made from scratch: the pinned `node` binary and the
 * shared libraries `ldd` names, the runtime's sources and production dependencies (`npm ci --omit=dev`),
 * the system's CA certificates and a world-writable /tmp. Import it with
 * `ctr images import --base-name localhost/spindle spindle-image.tar`, or copy it to a registry with
 * `skopeo copy oci-archive:spindle-image.tar docker://…`.
 *
 *   node scripts/build-image.ts [--output spindle-image.tar] [--tag dev]
 */
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { writeImageTar } from "../src/oci/image-tar.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const APP_DIR = "/opt/spindle";
const NODE = "/usr/local/bin/node";
const CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
/** The unprivileged user the image runs as, as distroless images do. */
const USER = "65532";

const { values } = parseArgs({
  options: {
    output: { type: "string", default: "spindle-image.tar" },
    tag: { type: "string", default: "dev" },
  },
});
const output = resolve(values.output);

const stage = mkdtempSync(join(tmpdir(), "spindle-image-root-"));
try {
  copyNode(stage);
  copyRuntime(join(stage, APP_DIR));
  if (existsSync(CA_BUNDLE)) copyInto(stage, CA_BUNDLE, CA_BUNDLE);
  mkdirSync(join(stage, "tmp"));
  chmodSync(join(stage, "tmp"), 0o1777);
  mkdirSync(join(stage, "etc"), { recursive: true });
  writeFileSync(
    join(stage, "etc/passwd"),
    `root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:${USER}:${USER}:nonroot:/tmp:/sbin/nologin\n`,
  );
  writeFileSync(join(stage, "etc/group"), `root:x:0:\nnonroot:x:${USER}:\n`);
  writeImageTar({
    root: stage,
    output,
    refName: values.tag,
    config: {
      Entrypoint: [NODE, `${APP_DIR}/bin/spindle.js`],
      Env: ["PATH=/usr/local/bin", "XDG_CACHE_HOME=/tmp/cache", `SSL_CERT_FILE=${CA_BUNDLE}`],
      User: `${USER}:${USER}`,
      WorkingDir: "/tmp",
      ExposedPorts: { "80/tcp": {} },
    },
  });
  process.stdout.write(
    `Wrote ${output} (${Math.round(statSync(output).size / 2 ** 20)} MiB), image tag ${values.tag}\n`,
  );
} finally {
  rmSync(stage, { recursive: true, force: true });
}

/** The pinned node binary, and every shared library it loads (with the dynamic loader) at its own path. */
function copyNode(root: string): void {
  const node = join(ROOT, "node_modules/node/bin/node");
  copyInto(root, node, NODE);
  const libraries = execFileSync("ldd", [node], { encoding: "utf8" })
    .split("\n")
    .map((line) => /(\/\S+) \(0x/.exec(line)?.[1])
    .filter((path): path is string => path !== undefined);
  for (const library of libraries) copyInto(root, library, library);
}

/** The runtime's sources and templates, and its production dependencies installed from the lock file. */
function copyRuntime(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const file of ["package.json", "package-lock.json"]) copyFileSync(join(ROOT, file), join(dir, file));
  const notTests = (path: string) => !path.endsWith(".test.ts");
  for (const folder of ["bin", "src", "templates"]) {
    cpSync(join(ROOT, folder), join(dir, folder), { recursive: true, filter: notTests });
  }
  execFileSync(
    "npm",
    ["ci", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
    {
      cwd: dir,
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
}

/** Copies `from` to `to` inside `root`, following symbolic links (a library is usually one). */
function copyInto(root: string, from: string, to: string): void {
  const target = join(root, to);
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(from, target);
}
