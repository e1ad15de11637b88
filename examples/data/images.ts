// A folder of images processed by a map task: one task lists the folder, a map task reads each
// image's size from its PNG header, and a last task sums the pixels.
//
//   npx flyte run examples/data/images.ts images_wf --images examples/data/images --json
//   # {"o0":["blue.png 16x16","green.png 8x2","red.png 4x3"],"o1":284}
import { z } from "zod";
import { directory, file, mapTask, task, workflow } from "flytekit";

export const list_images = task({ inputs: { images: directory("png") }, outputs: z.array(file("png")) }, async ({ images }) => images.list());

/** Width and height from the PNG header (bytes 16–23 of the IHDR chunk). */
export const image_size = task({ inputs: { image: file("png") }, outputs: z.object({ name: z.string(), width: z.int(), height: z.int() }) }, async ({ image }) => {
  const chunks: Buffer[] = [];
  for await (const chunk of image.open()) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  if (bytes.subarray(1, 4).toString("latin1") !== "PNG") throw new Error(`${image.uri} is not a PNG file`);
  return { name: decodeURIComponent(image.uri.split("/").pop() ?? ""), width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
});

export const summarize = task(
  { inputs: { sizes: z.array(z.object({ name: z.string(), width: z.int(), height: z.int() })) }, outputs: [z.array(z.string()), z.int()] },
  ({ sizes }) => [sizes.map((s) => `${s.name} ${s.width}x${s.height}`), sizes.reduce((n, s) => n + s.width * s.height, 0)],
);

export const images_wf = workflow({ inputs: { images: directory("png") }, outputs: [z.array(z.string()), z.int()] }, ({ images }) =>
  summarize({ sizes: mapTask(image_size, { concurrency: 4 })({ image: list_images({ images }) }) }),
);

if (import.meta.main) console.log(await images_wf({ images: `${import.meta.dirname}/images` }));
