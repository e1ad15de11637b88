/**
 * The type engine: zod schemas to Flyte types, native values to and from Flyte literals.
 */
export { defaultValueOf, isOptionalInput } from "./defaults.ts";
export { describeType } from "./describe.ts";
export { duration } from "./duration.ts";
export { flyteErrorType, isFlyteErrorSchema, type FlyteErrorValue } from "./error.ts";
export { fromLiteralMap, toLiteralMap } from "./literal-map.ts";
export { literalTypeOf, transformerFor } from "./transformer.ts";
export type { SchemaSite, TypeTransformer, ValuePath } from "./transformer.ts";
