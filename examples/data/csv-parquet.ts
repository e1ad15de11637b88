// A CSV → Parquet → aggregate pipeline: the CSV file is read once and written as a Parquet
// dataframe; the aggregate reads only the two columns it needs.
//
//   npx flyte run examples/data/csv-parquet.ts sales_wf --csv examples/data/sales.csv --json
//   # {"o0":{"east":2525,"north":2425,"south":2475,"west":2575},"o1":"file:///.../totals.csv"}
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tableFromArrays } from "apache-arrow";
import { z } from "zod";
import { dataFrame, file, task, workflow } from "flytekit";

/** The dataframe type: a reader may declare a subset of these columns. */
const sales = dataFrame({ columns: { region: z.string(), product: z.string(), amount: z.number() } });

/** Parses the CSV (header line, comma-separated) into an Arrow table, written as Parquet. */
export const csv_to_parquet = task({ inputs: { csv: file("csv") }, outputs: sales }, async ({ csv }) => {
  const [header, ...rows] = (await csv.text()).trim().split("\n").map((line) => line.split(","));
  const col = (name: string): number => header?.indexOf(name) ?? -1;
  return tableFromArrays({
    region: rows.map((r) => r[col("region")] ?? ""),
    product: rows.map((r) => r[col("product")] ?? ""),
    amount: Float64Array.from(rows, (r) => Number(r[col("amount")])),
  });
});

/** Total amount per region, reading only the `region` and `amount` columns. */
export const totals_by_region = task(
  { inputs: { df: dataFrame({ columns: { region: z.string(), amount: z.number() } }) }, outputs: z.record(z.string(), z.number()) },
  async ({ df }) => {
    const table = await df.toArrow({ columns: ["region", "amount"] });
    const regions = [...(table.getChild("region") ?? [])] as string[];
    const amounts = [...(table.getChild("amount") ?? [])] as number[];
    const totals: Record<string, number> = {};
    regions.forEach((r, i) => (totals[r] = (totals[r] ?? 0) + (amounts[i] ?? 0)));
    return Object.fromEntries(Object.entries(totals).sort(([a], [b]) => a.localeCompare(b)));
  },
);

/** The totals as a CSV report: a local file returned from a task is uploaded. */
export const write_report = task({ inputs: { totals: z.record(z.string(), z.number()) }, outputs: file("csv") }, ({ totals }) => {
  const path = join(mkdtempSync(join(tmpdir(), "report-")), "totals.csv");
  writeFileSync(path, ["region,total", ...Object.entries(totals).map(([r, t]) => `${r},${t}`)].join("\n") + "\n");
  return path;
});

export const sales_wf = workflow({ inputs: { csv: file("csv") }, outputs: [z.record(z.string(), z.number()), file("csv")] }, ({ csv }) => {
  const totals = totals_by_region({ df: csv_to_parquet({ csv }) });
  return [totals, write_report({ totals })];
});

if (import.meta.main) {
  const [totals, report] = await sales_wf({ csv: join(import.meta.dirname, "sales.csv") });
  console.log(totals, await report.text());
}
