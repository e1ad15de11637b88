export { SqliteCatalog } from "./sqlite-catalog.ts";
