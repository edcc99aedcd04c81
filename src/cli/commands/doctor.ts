/**
 * `spindle doctor`: a readable health report of this machine for Spindle — runtime, toolchain, cache
 * directory and, with `--admin URL`, a running Spindle's admin endpoint. Exits 1 when a check failed.
 */
import { cacheDir } from "../cache-dir.ts";
import { stringOption, type Command, type ParsedOptions } from "../command.ts";
import {
  checkAdmin,
  checkCacheDir,
  checkJspi,
  checkNode,
  checkSqlite,
  checkToolchain,
} from "../doctor/checks.ts";
import { formatReport } from "../doctor/report.ts";

export const doctorCommand: Command = {
  name: "doctor",
  usage: `Usage: spindle doctor [options]

Options:
      --admin <URL>           also check a running spindle's admin endpoint (its --admin-listen address),
                              sending the token in SPINDLE_ADMIN_TOKEN when set
`,
  options: { admin: { type: "string" } },
  run: doctor,
};

async function doctor(options: ParsedOptions): Promise<number> {
  const results = [
    checkNode(),
    checkJspi(),
    await checkSqlite(),
    await checkToolchain(),
    checkCacheDir(cacheDir()),
    await checkAdmin(adminUrl(stringOption(options, "admin")), process.env["SPINDLE_ADMIN_TOKEN"]),
  ];
  process.stdout.write(formatReport(results));
  return results.some((r) => r.status === "fail") ? 1 : 0;
}

/** Accepts `HOST:PORT` as well as a URL. */
function adminUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return /^https?:\/\//.test(value) ? value : `http://${value}`;
}
