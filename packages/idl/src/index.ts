/**
 * `@flyte/idl`: Flyte's IDL (flyteidl) messages for TypeScript.
 *
 * The messages themselves are generated with protobuf-es from the `.proto` files shipped in
 * `@flyteorg/flyteidl` and are imported by path, one module per proto file, e.g.
 * `import { LiteralSchema } from "@flyte/idl/gen/flyteidl/core/literals_pb.js"`, then encoded
 * with `create` / `toBinary` / `fromBinary` from `@bufbuild/protobuf`. They are not re-exported
 * here: a barrel of every generated module would load all of flyteidl for one message.
 * `round-trip.test.ts` proves the generated code is wire compatible with Flyte's own.
 */

/**
 * Version of the `@flyteorg/flyteidl` package the messages in `gen/` were generated from
 * (`npm run gen:idl`). A test fails when it differs from the installed package's version, so a
 * dependency bump cannot go unnoticed here (bump this and regenerate together).
 */
export const FLYTEIDL_VERSION = "1.16.5";
