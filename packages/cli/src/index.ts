/**
 * @flyte/cli: the `flyte` command line, as a function for tests and embedding.
 */
export { main } from "./main.ts";
