// Files, directories and dataframes on a server, end to end: a real `flyte start` with one pooled
// worker; the CLI uploads a local file, workers stream task data to and from the server's store,
// `get execution --download` brings outputs back, and bad inputs fail naming the input.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { flyteAsync, type ProcessResult } from "./helpers.ts";
import { startServerProcess, type ServerProcess } from "./server-helpers.ts";

const FILE = "tests/testdata/data-remote.ts";

describe("files, directories and dataframes on flyte start", () => {
  let home: string;
  let server: ServerProcess;
  // A small offloading threshold (Flyte's default is 10 MiB) so that modest lists are offloaded.
  const env = (): NodeJS.ProcessEnv => ({
    XDG_DATA_HOME: join(home, "xdg-data"),
    XDG_CACHE_HOME: join(home, "xdg-cache"),
    TMPDIR: join(home, "tmp"),
    FLYTE_OFFLOAD_MIN_BYTES: "100000",
  });
  const flyte = async (...args: string[]): Promise<ProcessResult> => flyteAsync([...args, "--endpoint", server.url], undefined, env());
  const ok = async (...args: string[]): Promise<string> => {
    const res = await flyte(...args);
    assert.equal(res.status, 0, `flyte ${args.join(" ")} failed:\n${res.stderr}`);
    return res.stdout;
  };

  before(async () => {
    home = mkdtempSync(join(tmpdir(), "flyte-data-remote-"));
    mkdirSync(join(home, "tmp"));
    server = await startServerProcess(join(home, "server"), ["--workers", "1"], env());
  });

  after(async () => {
    await server?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  test("a local file given to run --remote is uploaded; outputs print as URIs and --download fetches them", async () => {
    const input = join(home, "in.csv");
    writeFileSync(input, "a,b\n1,2\n3,4\n");
    const run = await ok("run", "--remote", FILE, "files_wf", "--f", input, "--wait", "--json");
    const outputs = JSON.parse(run) as { n: number; shouted: string };
    assert.equal(outputs.n, 3);
    assert.match(outputs.shouted, new RegExp(`^${server.url}/download/flytesnacks/development/raw/[0-9a-f]{2}/.+/shouted\\.csv$`));
    assert.equal(await (await fetch(outputs.shouted)).text(), "A,B\n1,2\n3,4\n", "workers wrote the file to the server's store");

    const { name } = JSON.parse(await ok("run", "--remote", FILE, "files_wf", "--f", input, "--json")) as { name: string };
    const dir = join(home, "downloaded");
    for (let i = 0; ; i++) {
      const res = await flyte("get", "execution", name, "--json");
      if ((JSON.parse(res.stdout) as { phase: string }).phase === "SUCCEEDED") break;
      assert.ok(i < 300, `execution ${name} did not succeed: ${res.stdout}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const got = await flyte("get", "execution", name, "--download", dir);
    assert.equal(got.status, 0, got.stderr);
    assert.equal(readFileSync(join(dir, "shouted", "shouted.csv"), "utf8"), "A,B\n1,2\n3,4\n");
  });

  test("a directory output is uploaded file by file and listed by the next task on a worker", async () => {
    const out = JSON.parse(await ok("run", "--remote", FILE, "folder_wf", "--n", "3", "--wait", "--json")) as { o0: string[] };
    assert.deepEqual(out.o0, ["f1.txt:file 1", "nested/f0.txt:file 0", "nested/f2.txt:file 2"]);
  });

  test("a local folder given to run --remote is uploaded, and a map task reads its images on workers", async () => {
    const out = await ok("run", "--remote", "examples/data/images.ts", "images_wf", "--images", "examples/data/images", "--wait", "--json");
    assert.equal(out, '{"o0":["blue.png 16x16","green.png 8x2","red.png 4x3"],"o1":284}\n');
  });

  test("an Arrow table passes between tasks on workers as Parquet", async () => {
    assert.equal(await ok("run", "--remote", FILE, "frame_wf", "--n", "100", "--wait", "--json"), '{"o0":4950}\n');
  });

  test("bad input: a URI outside the server's store fails the run naming the input", async () => {
    const res = await flyte("run", "--remote", FILE, "count_lines", "--f", "s3://bucket/data.csv", "--wait", "--json");
    assert.notEqual(res.status, 0);
    assert.match(res.stderr, /input 'f': 's3:\/\/bucket\/data\.csv' is outside the stores this run may use/);
  });

  test("bad input: a corrupt Parquet file given to run --remote fails the task naming the input; nothing is recorded as output", async () => {
    const corrupt = join(mkdtempSync(join(home, "corrupt-")), "broken.parquet");
    writeFileSync(corrupt, "not parquet at all");
    const res = await flyte("run", "--remote", FILE, "sum_v", "--df", corrupt, "--wait", "--json");
    assert.notEqual(res.status, 0);
    assert.match(res.stderr, /E_DATA_FORMAT.*input 'df': '.*broken\.parquet' is not a Parquet file/);
    assert.doesNotMatch(res.stdout, /"o0"/);
  });

  test("bad input: a file of the wrong format fails before anything is sent, naming the workflow and input", async () => {
    const wrong = join(mkdtempSync(join(home, "wrong-")), "table.parquet");
    writeFileSync(wrong, "PAR1");
    const res = await flyte("run", "--remote", FILE, "files_wf", "--f", wrong, "--wait");
    assert.notEqual(res.status, 0);
    assert.match(res.stderr, /workflow '[\w.-]*files_wf' input 'f' is declared as a file\("csv"\) but got 'table\.parquet'/);
  });

  test("bad input: a missing local file fails before anything is sent, naming the input", async () => {
    const res = await flyte("run", "--remote", FILE, "count_lines", "--f", join(home, "missing.csv"), "--wait");
    assert.notEqual(res.status, 0);
    assert.match(res.stderr, /input 'f': no file or folder at '.*missing\.csv'/);
  });

  test("large literals are offloaded to the store, outputs and inputs alike, and read back transparently", async () => {
    const offloaded = (): string[] =>
      (existsSync(join(home, "server", "uploads")) ? readdirSync(join(home, "server", "uploads"), { recursive: true }) : [])
        .map(String)
        .filter((p) => p.endsWith("_offloaded_metadata.pb"));
    const before = offloaded().length;
    const out = JSON.parse(await ok("run", "--remote", FILE, "big_wf", "--n", "50000", "--wait", "--json")) as { sum: number; xs: number[] };
    assert.equal(out.sum, 1_249_975_000);
    assert.equal(out.xs.length, 50_000);
    const written = offloaded().slice(before);
    assert.equal(written.length, 1, `the list is written once, by the task that made it: ${written.join(", ")}`);
    assert.match(written[0]!, /\/raw\/.*\/o0_offloaded_metadata\.pb$/);
    const xs = JSON.stringify(Array.from({ length: 15_000 }, (_, i) => i));
    assert.equal(await ok("run", "--remote", FILE, "total", "--xs", xs, "--wait", "--json"), '{"o0":112492500}\n');
    assert.ok(offloaded().some((p) => /\/inputs\/.*\/xs_offloaded_metadata\.pb$/.test(p)), "the CLI offloaded the large input");
  });

  test("a map task runs over an offloaded list: the server reads the list from its store", async () => {
    const out = await ok("run", "--remote", FILE, "map_big_wf", "--n", "5", "--wait", "--json");
    assert.equal(out, '{"o0":[30002,30002,30002,30002,30002]}\n');
    const lists = readdirSync(join(home, "server", "uploads"), { recursive: true }).map(String).filter((p) => p.endsWith("_offloaded_metadata.pb"));
    assert.ok(lists.length > 0, "the mapped list was offloaded");
  });

  test("eager and dynamic tasks on workers: local paths they pass on or return are uploaded to the server's store", async () => {
    const eagerOut = JSON.parse(await ok("run", "--remote", FILE, "eager_files", "--text", "hi", "--wait", "--json")) as { n: number; out: string };
    assert.equal(eagerOut.n, 2, "the called task read the file the eager body wrote");
    assert.match(eagerOut.out, new RegExp(`^${server.url}/download/.*/out\\.csv$`));
    assert.equal(await (await fetch(eagerOut.out)).text(), "HI");
    assert.equal(await ok("run", "--remote", FILE, "dynamic_files", "--text", "hi", "--wait", "--json"), '{"o0":3}\n');
    const made = (JSON.parse(await ok("run", "--remote", FILE, "dynamic_path", "--text", "made", "--wait", "--json")) as { o0: string }).o0;
    assert.match(made, new RegExp(`^${server.url}/download/.*/made\\.txt$`));
    assert.equal(await (await fetch(made)).text(), "made");
  });

  test("files a task downloaded are removed when its attempt ends", async () => {
    const input = join(home, "dl.txt");
    writeFileSync(input, "downloaded");
    const path = (JSON.parse(await ok("run", "--remote", FILE, "download_path", "--f", input, "--wait", "--json")) as { o0: string }).o0;
    assert.ok(path.startsWith(join(home, "tmp", "flyte-downloads-")), `downloaded under the worker's temporary folder: ${path}`);
    assert.equal(existsSync(path), false, "the copy is gone after the attempt");
  });

  test("run --remote --launch-plan takes a local file for a file input: uploaded, then passed", async () => {
    await ok("register", FILE, "--version", "lp-files");
    const input = join(home, "lp.csv");
    writeFileSync(input, "x\ny\n");
    const out = JSON.parse(await ok("run", "--remote", "--launch-plan", "files_lp", "--f", input, "--wait", "--json")) as { n: number; shouted: string };
    assert.equal(out.n, 2);
    assert.equal(await (await fetch(out.shouted)).text(), "X\nY\n");
    const wrong = await flyte("run", "--remote", "--launch-plan", "files_lp", "--f", join(home, "missing.csv"));
    assert.equal(wrong.status, 1);
    assert.match(wrong.stderr, /launch plan 'files_lp' input 'f': no file or folder at '.*missing\.csv'/);
  });

  /** Writes `texts` as files of a fresh folder; returns their paths. */
  const files = (texts: Readonly<Record<string, string>>): string[] => {
    const dir = mkdtempSync(join(home, "files-"));
    return Object.entries(texts).map(([name, text]) => (writeFileSync(join(dir, name), text), join(dir, name)));
  };
  const tags = (out: string): string[] => (JSON.parse(out) as { o0: string[] }).o0;

  test("a cached map task caches each item on the server: the same file under a new path hits, a changed one runs", async () => {
    const first = tags(await ok("run", "--remote", FILE, "cached_map_wf", "--fs", JSON.stringify(files({ "a.txt": "alpha", "b.txt": "beta" })), "--wait", "--json"));
    assert.deepEqual(first.map((t) => t.split(":")[0]), ["alpha", "beta"]);
    const second = tags(await ok("run", "--remote", FILE, "cached_map_wf", "--fs", JSON.stringify(files({ "a.txt": "alpha", "b.txt": "gamma" })), "--wait", "--json"));
    assert.equal(second[0], first[0], "the unchanged item hit the cache (its stored tag came back)");
    assert.match(second[1]!, /^gamma:/);
    assert.notEqual(second[1]!.split(":")[1], first[1]!.split(":")[1], "the changed item ran");
  });

  test("a folder given to run --remote is stored by content: a map over its listed files hits per item on the next run", async () => {
    const folder = (): string => {
      const dir = join(mkdtempSync(join(home, "folder-")), "pics");
      mkdirSync(dir);
      writeFileSync(join(dir, "x.txt"), "ex");
      writeFileSync(join(dir, "y.txt"), "why");
      return dir;
    };
    const first = tags(await ok("run", "--remote", FILE, "cached_folder_wf", "--d", folder(), "--wait", "--json"));
    assert.deepEqual(first.map((t) => t.split(":")[0]), ["ex", "why"]);
    assert.deepEqual(tags(await ok("run", "--remote", FILE, "cached_folder_wf", "--d", folder(), "--wait", "--json")), first, "the same bytes from another folder: every item hit");
  });

  test("a local Parquet dataframe given to run --remote is uploaded", async () => {
    // A local run writes the dataframe into the local data folder; its path is the input.
    const made = await flyteAsync(["run", FILE, "make_frame", "--n", "10", "--json"], undefined, env());
    assert.equal(made.status, 0, made.stderr);
    const local = JSON.parse(made.stdout) as { o0: string };
    assert.match(local.o0, /^file:\/\//);
    assert.equal(await ok("run", "--remote", FILE, "sum_v", "--df", new URL(local.o0).pathname, "--wait", "--json"), '{"o0":45}\n');
  });

  test("get execution --download fetches directory and dataframe outputs, a dataframe given as one Parquet file too", async () => {
    const made = await flyteAsync(["run", FILE, "make_frame", "--n", "10", "--json"], undefined, env());
    assert.equal(made.status, 0, made.stderr);
    const parquet = join(new URL((JSON.parse(made.stdout) as { o0: string }).o0).pathname, "00000");
    const done = async (name: string): Promise<void> => {
      for (let i = 0; ; i++) {
        const phase = (JSON.parse((await flyte("get", "execution", name, "--json")).stdout) as { phase: string }).phase;
        if (phase === "SUCCEEDED") return;
        assert.ok(i < 300 && !["FAILED", "ABORTED"].includes(phase), `execution ${name} ended ${phase}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    const frame = (JSON.parse(await ok("run", "--remote", FILE, "same_frame", "--df", parquet, "--json")) as { name: string }).name;
    const folder = (JSON.parse(await ok("run", "--remote", FILE, "make_folder", "--n", "3", "--json")) as { name: string }).name;
    await done(frame);
    await done(folder);
    const dir = join(home, "downloads-df");
    const got = await flyte("get", "execution", frame, "--download", dir);
    assert.equal(got.status, 0, got.stderr);
    assert.deepEqual(readFileSync(join(dir, "o0", "00000")), readFileSync(parquet), "the one Parquet file came back whole");
    const dirs = join(home, "downloads-dir");
    assert.equal((await flyte("get", "execution", folder, "--download", dirs)).status, 0);
    assert.deepEqual(readdirSync(join(dirs, "o0"), { recursive: true }).map(String).sort(), ["f1.txt", "nested", "nested/f0.txt", "nested/f2.txt"]);
    assert.equal(readFileSync(join(dirs, "o0", "nested", "f2.txt"), "utf8"), "file 2");
  });

  test("run --remote --launch-plan takes lists and maps of local files: each uploaded, then passed", async () => {
    await ok("register", FILE, "--version", "lp-lists");
    const [a, b, c] = files({ "a.txt": "one", "b.txt": "two", "c.txt": "three" });
    const out = JSON.parse(
      await ok("run", "--remote", "--launch-plan", "tagged_files_lp", "--fs", JSON.stringify([a, b]), "--named", JSON.stringify({ x: c }), "--note", c!, "--wait", "--json"),
    ) as { o0: string[]; o1: string[]; o2: string };
    assert.deepEqual(out.o0.map((t) => t.split(":")[0]), ["one", "two"]);
    assert.deepEqual(out.o1, ["x=three"]);
    assert.equal(out.o2, "three", "an optional file takes a local path too");
    const without = JSON.parse(await ok("run", "--remote", "--launch-plan", "tagged_files_lp", "--fs", "[]", "--named", "{}", "--wait", "--json")) as { o2: string };
    assert.equal(without.o2, "no note");
    const missing = await flyte("run", "--remote", "--launch-plan", "tagged_files_lp", "--fs", JSON.stringify([a, join(home, "gone.txt")]), "--named", "{}");
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /launch plan 'tagged_files_lp' input 'fs.*no file or folder at '.*gone\.txt'/);
  });

  test("a dynamic task reads an offloaded input back on a worker, and so does a task its body made", async () => {
    assert.equal(await ok("run", "--remote", FILE, "dynamic_big_wf", "--n", "15000", "--wait", "--json"), '{"o0":15000,"o1":29999}\n');
  });

  test("a file a dynamic body passes on is stored by content: the same bytes hit the cache of the task it feeds", async () => {
    const run = async (text: string): Promise<string> => (JSON.parse(await ok("run", "--remote", FILE, "dynamic_cached", "--text", text, "--wait", "--json")) as { o0: string }).o0;
    const first = await run("same words");
    assert.match(first, /^same words:/);
    assert.equal(await run("same words"), first, "a new temporary file with the same bytes hit the cache");
    assert.notEqual(await run("other words"), first);
  });

  test("an upload cut off halfway leaves nothing in the store", async () => {
    const url = new URL(`${server.url}/upload/flytesnacks/development/cut/half.bin`);
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write(`PUT ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Length: 100000\r\n\r\n`);
        socket.write(Buffer.alloc(50_000, 7), () => setTimeout(() => socket.destroy(), 200));
      });
      socket.on("close", () => resolve());
      socket.on("error", reject);
    });
    const download = `${server.url}/download/flytesnacks/development/cut/half.bin`;
    for (let i = 0; i < 50 && existsSync(join(home, "server", "uploads", "flytesnacks", "development", "cut")); i++) {
      const left = readdirSync(join(home, "server", "uploads", "flytesnacks", "development", "cut"));
      if (left.length === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal((await fetch(download)).status, 404);
    const folder = join(home, "server", "uploads", "flytesnacks", "development", "cut");
    assert.deepEqual(existsSync(folder) ? readdirSync(folder) : [], [], "no partial file is kept");
  });
});
