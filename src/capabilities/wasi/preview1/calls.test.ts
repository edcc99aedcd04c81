// Errno-level tests of the individual preview 1 calls. A tiny guest calls back into the test while it runs,
// so the test can invoke host functions directly with pointers into the guest's real memory.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import wabtInit from "wabt";
import { Errno, EventType, Filetype, Rights, type Preview1FunctionName } from "./abi.ts";
import { createPreview1Host, type Preview1Options } from "./host.ts";

const wabt = await wabtInit();
const parsed = wabt.parseWat(
  "harness.wat",
  `(module (import "test" "body" (func $body)) (memory (export "memory") 1) (func (export "_start") (call $body)))`,
);
const harness = new WebAssembly.Module(new Uint8Array(parsed.toBinary({}).buffer));
parsed.destroy();

const encoder = new TextEncoder();
const decoder = new TextDecoder();

interface Guest {
  call(name: Preview1FunctionName, ...args: (number | bigint)[]): number;
  readonly view: DataView;
  readonly bytes: Uint8Array;
  /** Writes `text` at `ptr`; returns its byte length. */
  put(ptr: number, text: string): number;
  /** Opens `path` under fd 3 for reading; returns the new fd. */
  open(path: string): number;
}

/** Runs the harness with a host built from `options`, calling `body` while the guest is running. */
function during(options: Preview1Options, body: (guest: Guest) => void): void {
  const host = createPreview1Host(options);
  const functions = host.imports["wasi_snapshot_preview1"] as Record<
    string,
    (...args: (number | bigint)[]) => number
  >;
  // Only read while the guest runs, by which time `instance` exists.
  const memory = (): WebAssembly.Memory => instance.exports.memory as WebAssembly.Memory;
  const guest: Guest = {
    call: (name, ...args) => (functions[name] as (...a: (number | bigint)[]) => number)(...args),
    get view() {
      return new DataView(memory().buffer);
    },
    get bytes() {
      return new Uint8Array(memory().buffer);
    },
    put(ptr, text) {
      const bytes = encoder.encode(text);
      this.bytes.set(bytes, ptr);
      return bytes.length;
    },
    open(path) {
      const len = this.put(4096, path);
      assert.equal(
        this.call("path_open", 3, 0, 4096, len, 0, Rights.FD_READ, 0n, 0, 64),
        Errno.SUCCESS,
        path,
      );
      return this.view.getUint32(64, true);
    },
  };
  const instance = new WebAssembly.Instance(harness, { ...host.imports, test: { body: () => body(guest) } });
  assert.equal(host.run(instance), 0);
}

/** Reads into one iovec (buffer at 1024) from `fd`; returns the bytes read as text. */
function readText(guest: Guest, fd: number, max: number, offset?: bigint): string {
  guest.view.setUint32(32, 1024, true);
  guest.view.setUint32(36, max, true);
  const errno =
    offset === undefined
      ? guest.call("fd_read", fd, 32, 1, 40)
      : guest.call("fd_pread", fd, 32, 1, offset, 40);
  assert.equal(errno, Errno.SUCCESS);
  return decoder.decode(guest.bytes.subarray(1024, 1024 + guest.view.getUint32(40, true)));
}

const dir = mkdtempSync(join(tmpdir(), "spindle-preview1-calls-"));
after(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, "a.txt"), "alpha file\n");
const files = new Map([
  ["/static/a.txt", join(dir, "a.txt")],
  ["/b.txt", join(dir, "a.txt")],
]);

void describe("fd I/O", () => {
  void it("seeks, tells and reads a file at its own position; pread leaves the position alone", () => {
    during({ files }, (g) => {
      const fd = g.open("static/a.txt");
      assert.equal(g.call("fd_seek", fd, 0n, 2, 80), Errno.SUCCESS);
      assert.equal(g.view.getBigUint64(80, true), 11n, "END is the file size");
      assert.equal(g.call("fd_seek", fd, 2n, 0, 80), Errno.SUCCESS);
      assert.equal(readText(g, fd, 3), "pha");
      assert.equal(g.call("fd_seek", fd, -2n, 1, 80), Errno.SUCCESS);
      assert.equal(g.view.getBigUint64(80, true), 3n, "CUR moves back");
      assert.equal(readText(g, fd, 5, 0n), "alpha");
      assert.equal(g.call("fd_tell", fd, 88), Errno.SUCCESS);
      assert.equal(g.view.getBigUint64(88, true), 3n);
      assert.equal(readText(g, fd, 100), "ha file\n");
    });
  });

  void it("rejects seeks before the start and unknown whence values", () => {
    during({ files }, (g) => {
      const fd = g.open("static/a.txt");
      assert.equal(g.call("fd_seek", fd, -1n, 0, 80), Errno.INVAL);
      assert.equal(g.call("fd_seek", fd, 0n, 9, 80), Errno.INVAL);
    });
  });

  void it("treats stdio as pipes and refuses writes to read-only descriptors", () => {
    during({ files, stdin: encoder.encode("body") }, (g) => {
      const fd = g.open("static/a.txt");
      assert.equal(g.call("fd_seek", 0, 0n, 0, 80), Errno.SPIPE);
      assert.equal(g.call("fd_tell", 1, 80), Errno.SPIPE);
      assert.equal(g.call("fd_pwrite", 1, 32, 0, 0n, 40), Errno.SPIPE);
      assert.equal(g.call("fd_write", 0, 32, 0, 40), Errno.BADF);
      assert.equal(g.call("fd_write", fd, 32, 0, 40), Errno.BADF);
      assert.equal(g.call("fd_read", 1, 32, 0, 40), Errno.BADF);
      assert.equal(g.call("fd_read", 3, 32, 0, 40), Errno.ISDIR);
      assert.equal(g.call("fd_pread", 0, 32, 0, 0n, 40), Errno.SPIPE);
      assert.equal(g.call("fd_seek", 42, 0n, 0, 80), Errno.BADF);
      assert.equal(readText(g, 0, 10), "body");
    });
  });
});

void describe("fd metadata", () => {
  void it("reports file types and rights: stdio pipes, a read-only file, a directory that lends all rights", () => {
    during({ files }, (g) => {
      const fd = g.open("static/a.txt");
      const stat = (n: number) => {
        assert.equal(g.call("fd_fdstat_get", n, 128), Errno.SUCCESS);
        return [
          g.view.getUint8(128),
          g.view.getBigUint64(136, true),
          g.view.getBigUint64(144, true),
        ] as const;
      };
      const [outType, outRights] = stat(1);
      assert.equal(outType, Filetype.UNKNOWN);
      assert.notEqual(outRights & Rights.FD_WRITE, 0n);
      const [fileType, fileRights] = stat(fd);
      assert.equal(fileType, Filetype.REGULAR_FILE);
      assert.equal(fileRights & Rights.FD_WRITE, 0n);
      assert.notEqual(fileRights & Rights.FD_READ, 0n);
      const [dirType, , dirInheriting] = stat(3);
      assert.equal(dirType, Filetype.DIRECTORY);
      assert.equal(dirInheriting, Rights.ALL);
    });
  });

  void it("stats files with their host size and directories with size 0", () => {
    during({ files }, (g) => {
      const fd = g.open("static/a.txt");
      assert.equal(g.call("fd_filestat_get", fd, 256), Errno.SUCCESS);
      assert.equal(g.view.getUint8(256 + 16), Filetype.REGULAR_FILE);
      assert.equal(g.view.getBigUint64(256 + 32, true), 11n);
      assert.ok(g.view.getBigUint64(256 + 48, true) > 0n, "mtime");
      assert.equal(g.call("fd_filestat_get", 3, 256), Errno.SUCCESS);
      assert.equal(g.view.getUint8(256 + 16), Filetype.DIRECTORY);
      assert.equal(g.view.getBigUint64(256 + 32, true), 0n);
    });
  });

  void it("closes a descriptor once and renumbers onto an open one", () => {
    during({ files }, (g) => {
      const fd = g.open("static/a.txt");
      assert.equal(g.call("fd_renumber", fd, 0), Errno.SUCCESS);
      assert.equal(readText(g, 0, 5), "alpha", "fd 0 now reads the file");
      assert.equal(g.call("fd_close", fd), Errno.BADF, "the old number is gone");
      assert.equal(g.call("fd_renumber", 0, 77), Errno.BADF, "the target must be open");
      assert.equal(g.call("fd_close", 0), Errno.SUCCESS);
      assert.equal(g.call("fd_close", 0), Errno.BADF);
    });
  });

  void it("refuses changes to a read-only file, accepts sync and advice", () => {
    during({ files }, (g) => {
      const fd = g.open("static/a.txt");
      assert.equal(g.call("fd_fdstat_set_flags", fd, 1), Errno.PERM, "append");
      assert.equal(g.call("fd_fdstat_set_flags", 1, 4), Errno.SUCCESS, "non-blocking stdout");
      assert.equal(g.call("fd_fdstat_get", 1, 128), Errno.SUCCESS);
      assert.equal(g.view.getUint16(130, true), 4);
      assert.equal(g.call("fd_filestat_set_size", fd, 0n), Errno.BADF);
      assert.equal(g.call("fd_allocate", fd, 0n, 10n), Errno.BADF);
      assert.equal(g.call("fd_filestat_set_times", fd, 0n, 0n, 0), Errno.PERM);
      assert.equal(g.call("fd_fdstat_set_rights", fd, 0n, 0n), Errno.NOTSUP);
      assert.equal(g.call("fd_sync", fd), Errno.SUCCESS);
      assert.equal(g.call("fd_datasync", 1), Errno.SUCCESS);
      assert.equal(g.call("fd_advise", fd, 0n, 0n, 0), Errno.SUCCESS);
      assert.equal(g.call("fd_advise", 0, 0n, 0n, 0), Errno.SPIPE);
      assert.equal(g.call("fd_sync", 99), Errno.BADF);
    });
  });
});

void describe("preopens and directory listings", () => {
  void it("describes fd 3 as the preopen '/' and nothing else as a preopen", () => {
    during({ files }, (g) => {
      assert.equal(g.call("fd_prestat_get", 3, 200), Errno.SUCCESS);
      assert.deepEqual([g.view.getUint8(200), g.view.getUint32(204, true)], [0, 1]);
      assert.equal(g.call("fd_prestat_dir_name", 3, 300, 1), Errno.SUCCESS);
      assert.equal(decoder.decode(g.bytes.subarray(300, 301)), "/");
      assert.equal(g.call("fd_prestat_dir_name", 3, 300, 0), Errno.NAMETOOLONG);
      assert.equal(g.call("fd_prestat_get", 4, 200), Errno.BADF);
      assert.equal(g.call("fd_prestat_get", 1, 200), Errno.BADF);
      const len = g.put(400, "static");
      assert.equal(g.call("path_open", 3, 0, 400, len, 2, Rights.FD_READDIR, 0n, 0, 64), Errno.SUCCESS);
      assert.equal(g.call("fd_prestat_get", g.view.getUint32(64, true), 200), Errno.BADF);
    });
  });

  function listing(g: Guest, fd: number, bufLen: number, cookie = 0n): { names: string[]; used: number } {
    assert.equal(g.call("fd_readdir", fd, 1024, bufLen, cookie, 40), Errno.SUCCESS);
    const used = g.view.getUint32(40, true);
    const names: string[] = [];
    for (let at = 1024; at + 24 <= 1024 + used;) {
      const namlen = g.view.getUint32(at + 16, true);
      if (at + 24 + namlen > 1024 + used) break;
      names.push(
        `${decoder.decode(g.bytes.subarray(at + 24, at + 24 + namlen))}:${g.view.getUint8(at + 20)}`,
      );
      at += 24 + namlen;
    }
    return { names, used };
  }

  void it("lists '.', '..' and the children in name order", () => {
    during({ files }, (g) => {
      assert.deepEqual(listing(g, 3, 4096).names, [".:3", "..:3", "b.txt:4", "static:3"]);
    });
  });

  void it("fills a short buffer completely and resumes from a cookie", () => {
    during({ files }, (g) => {
      const first = listing(g, 3, 60);
      assert.equal(first.used, 60, "a full buffer tells the guest there is more");
      assert.deepEqual(first.names, [".:3", "..:3"]);
      assert.deepEqual(listing(g, 3, 4096, 2n).names, ["b.txt:4", "static:3"]);
      assert.equal(listing(g, 3, 4096, 9n).used, 0);
    });
  });

  void it("refuses to list a file", () => {
    during({ files }, (g) =>
      assert.equal(g.call("fd_readdir", g.open("b.txt"), 1024, 100, 0n, 40), Errno.NOTDIR),
    );
  });
});

void describe("path lookups", () => {
  void it("stats paths and reports that nothing is a symbolic link", () => {
    during({ files }, (g) => {
      let len = g.put(400, "static/a.txt");
      assert.equal(g.call("path_filestat_get", 3, 0, 400, len, 256), Errno.SUCCESS);
      assert.equal(g.view.getBigUint64(256 + 32, true), 11n);
      assert.equal(g.call("path_readlink", 3, 400, len, 600, 100, 40), Errno.INVAL);
      len = g.put(400, "static");
      assert.equal(g.call("path_filestat_get", 3, 0, 400, len, 256), Errno.SUCCESS);
      assert.equal(g.view.getUint8(256 + 16), Filetype.DIRECTORY);
      len = g.put(400, "nope");
      assert.equal(g.call("path_readlink", 3, 400, len, 600, 100, 40), Errno.NOENT);
      assert.equal(g.call("path_filestat_get", 1, 0, 400, len, 256), Errno.NOTDIR);
      g.bytes.set([0xff, 0xfe], 400);
      assert.equal(g.call("path_filestat_get", 3, 0, 400, 2, 256), Errno.INVAL, "path is not UTF-8");
    });
  });

  void it("refuses every change to the tree, checking the descriptor first", () => {
    during({ files }, (g) => {
      const len = g.put(400, "static/x");
      assert.equal(g.call("path_create_directory", 3, 400, len), Errno.PERM);
      assert.equal(g.call("path_unlink_file", 3, 400, len), Errno.PERM);
      assert.equal(g.call("path_remove_directory", 3, 400, len), Errno.PERM);
      assert.equal(g.call("path_rename", 3, 400, len, 3, 400, len), Errno.PERM);
      assert.equal(g.call("path_link", 3, 0, 400, len, 3, 400, len), Errno.PERM);
      assert.equal(g.call("path_symlink", 400, len, 3, 400, len), Errno.PERM);
      assert.equal(g.call("path_filestat_set_times", 3, 0, 400, len, 0n, 0n, 0), Errno.PERM);
      assert.equal(g.call("path_unlink_file", 1, 400, len), Errno.NOTDIR);
      assert.equal(g.call("path_unlink_file", 9, 400, len), Errno.BADF);
    });
  });
});

void describe("process calls", () => {
  void it("tells wall-clock and monotonic time and refuses CPU-time clocks", () => {
    during({}, (g) => {
      assert.equal(g.call("clock_time_get", 0, 1n, 8), Errno.SUCCESS);
      const wall = Number(g.view.getBigUint64(8, true) / 1_000_000n);
      assert.ok(Math.abs(wall - Date.now()) < 1000, `realtime ${wall} vs ${Date.now()}`);
      assert.equal(g.call("clock_time_get", 1, 1n, 8), Errno.SUCCESS);
      const first = g.view.getBigUint64(8, true);
      assert.equal(g.call("clock_time_get", 1, 1n, 8), Errno.SUCCESS);
      assert.ok(g.view.getBigUint64(8, true) >= first);
      assert.equal(g.call("clock_time_get", 2, 1n, 8), Errno.INVAL);
      assert.equal(g.call("clock_res_get", 1, 8), Errno.SUCCESS);
      assert.equal(g.view.getBigUint64(8, true), 1n);
      assert.equal(g.call("clock_res_get", 3, 8), Errno.INVAL);
    });
  });

  void it("fills random bytes, different on every call", () => {
    during({}, (g) => {
      assert.equal(g.call("random_get", 100, 32), Errno.SUCCESS);
      const first = g.bytes.slice(100, 132);
      assert.equal(g.call("random_get", 100, 32), Errno.SUCCESS);
      assert.notDeepEqual(g.bytes.slice(100, 132), first);
      assert.ok(first.some((b) => b !== 0));
    });
  });

  void it("yields, and answers signals and sockets with errors", () => {
    during({}, (g) => {
      assert.equal(g.call("sched_yield"), Errno.SUCCESS);
      assert.equal(g.call("proc_raise", 9), Errno.NOSYS);
      assert.equal(g.call("sock_accept", 0, 0, 8), Errno.NOTSOCK);
      assert.equal(g.call("sock_shutdown", 9, 0), Errno.BADF);
    });
  });
});

void describe("poll_oneoff", () => {
  /** Writes a clock subscription at slot `i` of the array at 512. */
  function clock(g: Guest, i: number, userdata: bigint, timeoutNs: bigint, flags = 0): void {
    const at = 512 + i * 48;
    g.bytes.fill(0, at, at + 48);
    g.view.setBigUint64(at, userdata, true);
    g.view.setUint8(at + 8, EventType.CLOCK);
    g.view.setUint32(at + 16, 1, true);
    g.view.setBigUint64(at + 24, timeoutNs, true);
    g.view.setUint16(at + 40, flags, true);
  }

  void it("sleeps until the earliest clock and reports only the clocks due", () => {
    during({}, (g) => {
      clock(g, 0, 11n, 2_000_000n);
      clock(g, 1, 22n, 10_000_000_000n);
      const started = performance.now();
      assert.equal(g.call("poll_oneoff", 512, 2048, 2, 40), Errno.SUCCESS);
      const elapsed = performance.now() - started;
      assert.ok(elapsed >= 1.9 && elapsed < 1000, `slept ${elapsed} ms`);
      assert.equal(g.view.getUint32(40, true), 1);
      assert.equal(g.view.getBigUint64(2048, true), 11n);
      assert.deepEqual([g.view.getUint16(2056, true), g.view.getUint8(2058)], [0, EventType.CLOCK]);
    });
  });

  void it("returns at once for an absolute time already past", () => {
    during({}, (g) => {
      clock(g, 0, 5n, 1n, 1);
      const started = performance.now();
      assert.equal(g.call("poll_oneoff", 512, 2048, 1, 40), Errno.SUCCESS);
      assert.ok(performance.now() - started < 50);
      assert.equal(g.view.getUint32(40, true), 1);
    });
  });

  void it("reports descriptors ready at once, with stdin's remaining byte count, and skips the clocks", () => {
    during({ stdin: encoder.encode("12345") }, (g) => {
      clock(g, 0, 1n, 10_000_000_000n);
      g.bytes.fill(0, 560, 608);
      g.view.setBigUint64(560, 2n, true);
      g.view.setUint8(568, EventType.FD_READ);
      g.view.setUint32(576, 0, true);
      assert.equal(g.call("poll_oneoff", 512, 2048, 2, 40), Errno.SUCCESS);
      assert.equal(g.view.getUint32(40, true), 1);
      assert.equal(g.view.getBigUint64(2048, true), 2n);
      assert.equal(g.view.getBigUint64(2048 + 16, true), 5n);
    });
  });

  void it("rejects an empty subscription list", () => {
    during({}, (g) => assert.equal(g.call("poll_oneoff", 512, 2048, 0, 40), Errno.INVAL));
  });
});
