// The types a task can take and return: zod schemas map to Flyte literal types, and every value
// is checked against its schema whenever it crosses a task boundary.
//
//   npx flyte run examples/basics/types.ts describe_order \
//     --order '{"id":"A-1","items":[{"sku":"pen","qty":2}],"priority":"high"}' --placed 2024-05-01T10:00:00Z --json
import { z } from "zod";
import { duration, task, workflow } from "flytekit";

const Item = z.object({ sku: z.string(), qty: z.int().min(1) });
const Order = z.object({
  id: z.string(),
  items: z.array(Item),
  priority: z.enum(["low", "high"]),
  note: z.string().optional(),
});

export const describe_order = task(
  {
    name: "describe_order",
    inputs: { order: Order, placed: z.date(), grace: duration().default(3_600_000) },
    outputs: {
      units: z.int(),
      due: z.date(),
      by_sku: z.record(z.string(), z.int()),
      rush: z.boolean(),
      note: z.string().nullable(),
      code: z.union([z.int(), z.string()]),
    },
  },
  ({ order, placed, grace }) => ({
    units: order.items.reduce((n, item) => n + item.qty, 0),
    due: new Date(placed.getTime() + grace),
    by_sku: Object.fromEntries(order.items.map((item) => [item.sku, item.qty])),
    rush: order.priority === "high",
    note: order.note ?? null,
    code: order.items.length > 1 ? order.id : order.items.length,
  }),
);

export const order_wf = workflow(
  { name: "order_wf", inputs: { order: Order, placed: z.date() }, outputs: z.date() },
  ({ order, placed }) => {
    const { due } = describe_order({ order, placed }); // grace takes its default
    return due;
  },
);

if (import.meta.main) {
  const order = { id: "A-1", items: [{ sku: "pen", qty: 2 }], priority: "high" as const };
  console.log(await describe_order({ order, placed: new Date("2024-05-01T10:00:00Z") }));
}
