/**
 * The shim's command line as containerd writes it, in Go's `flag` syntax: `-name value`, `-name=value`
 * (one or two dashes), boolean flags without a value, then an optional action (`start` or `delete`; none
 * means serve). Flags after the action are not read, as Go's parser stops at the first argument that is
 * not a flag. Unknown flags are an error, so a containerd that passes something new is noticed.
 */
import { SpindleError } from "../../errors.ts";

export interface ShimArgs {
  readonly namespace: string;
  readonly id: string;
  readonly address: string;
  readonly publishBinary: string;
  readonly bundle: string;
  readonly socket: string;
  readonly debug: boolean;
  readonly version: boolean;
  readonly info: boolean;
  readonly action: "start" | "delete" | "serve";
}

const STRING_FLAGS = {
  namespace: "namespace",
  id: "id",
  address: "address",
  "publish-binary": "publishBinary",
  bundle: "bundle",
  socket: "socket",
} as const;
const BOOL_FLAGS = { debug: "debug", v: "version", version: "version", info: "info" } as const;

type Mutable = { -readonly [K in keyof ShimArgs]: ShimArgs[K] };

export function parseShimArgs(argv: readonly string[]): ShimArgs {
  const out: Mutable = {
    namespace: "",
    id: "",
    address: "",
    publishBinary: "",
    bundle: "",
    socket: "",
    debug: false,
    version: false,
    info: false,
    action: "serve",
  };
  let i = 0;
  for (; i < argv.length && isFlag(argv[i]!); i++) {
    const [name, inline] = splitFlag(argv[i]!);
    if (name in BOOL_FLAGS) {
      out[BOOL_FLAGS[name as keyof typeof BOOL_FLAGS]] = inline === undefined || inline === "true";
    } else if (name in STRING_FLAGS) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new SpindleError(`flag needs an argument: -${name}`);
      out[STRING_FLAGS[name as keyof typeof STRING_FLAGS]] = value;
    } else {
      throw new SpindleError(`flag provided but not defined: -${name}`);
    }
  }
  out.action = action(argv[i]);
  return out;
}

function isFlag(arg: string): boolean {
  return arg.startsWith("-") && arg !== "-" && arg !== "--";
}

function splitFlag(arg: string): [string, string | undefined] {
  const body = arg.replace(/^--?/, "");
  const eq = body.indexOf("=");
  return eq < 0 ? [body, undefined] : [body.slice(0, eq), body.slice(eq + 1)];
}

function action(arg: string | undefined): ShimArgs["action"] {
  if (arg === undefined) return "serve";
  if (arg === "start" || arg === "delete") return arg;
  throw new SpindleError(`unknown action "${arg}": expected start or delete`);
}
