/**
 * Type-level mapping from an entity's schemas to what its callers and its body see.
 *
 * Inside a workflow body, calls return output promises; outside, they return a JS Promise of
 * native values. TypeScript cannot know which context a call is in, so a call's static type is
 * both (`Invocation`): destructure it in a body, `await` it outside.
 */
import type { z } from "zod";
import type { NodePromise } from "./promise.ts";
import type { NodeHandleMethods, VoidHandle } from "./handles.ts";
import type { OutputsOption, SchemaShape } from "./signature.ts";
import type { Table } from "apache-arrow";
import type { Readable } from "node:stream";
import type { FlyteFile } from "./data/flyte-file.ts";
import type { FlyteDirectory } from "./data/flyte-directory.ts";
import type { StructuredDataset } from "./data/structured-dataset.ts";

/**
 * What may be given where a data value is expected: a file also as a local path, URI or stream, a
 * directory as a local folder path or URI, a dataframe as an Arrow table (written as Parquet) —
 * also inside lists and records (`z.array(file())` takes a list of paths). Other types are unchanged.
 */
export type DataInput<T> = T extends FlyteFile
  ? T | string | Readable | ReadableStream<Uint8Array>
  : T extends FlyteDirectory
    ? T | string
    : T extends StructuredDataset
      ? T | Table | string
      : T extends readonly (infer E)[]
        ? DataInput<E>[]
        : T extends Date | Uint8Array
          ? T
          : T extends object
            ? { [K in keyof T]: DataInput<T[K]> }
            : T;

/** The native values of an input shape, as a task or dynamic body receives them (defaults applied). */
export type NativeInputs<I extends SchemaShape> = { -readonly [K in keyof I]: z.output<I[K]> };

/** Something that can be bound to an input whose native type is `T`: a constant, a promise, or a list/object mixing both. */
export type Bindable<T> =
  | T
  | NodePromise<T>
  | (T extends Date
      ? never
      : T extends readonly (infer E)[]
        ? readonly Bindable<E>[]
        : T extends object
          ? { readonly [K in keyof T]: Bindable<T[K]> }
          : never);

type OptionalKeys<I extends SchemaShape> = {
  [K in keyof I]: undefined extends z.input<I[K]> ? K : never;
}[keyof I];
type RequiredKeys<I extends SchemaShape> = Exclude<keyof I, OptionalKeys<I>>;

/** The one object of named inputs a call takes; inputs with a default or `.optional()` may be omitted. */
export type CallInputs<I extends SchemaShape> = {
  readonly [K in RequiredKeys<I>]: Bindable<DataInput<z.output<I[K]>>>;
} & {
  readonly [K in OptionalKeys<I>]?: Bindable<DataInput<z.output<I[K]>>> | undefined;
};

/** Native outputs: `undefined`, one value, a tuple, or an object, following the outputs option. */
export type NativeOutputs<O extends OutputsOption> = O extends undefined
  ? void
  : O extends z.ZodType
    ? z.output<O>
    : O extends readonly z.ZodType[]
      ? { -readonly [K in keyof O]: z.output<O[K]> }
      : O extends SchemaShape
        ? { -readonly [K in keyof O]: z.output<O[K]> }
        : never;

/** What a task function may return: native outputs, where tuples and objects may be readonly. */
export type TaskReturn<O extends OutputsOption> = O extends undefined
  ? void
  : O extends z.ZodType
    ? DataInput<z.output<O>>
    : O extends readonly z.ZodType[]
      ? { readonly [K in keyof O]: DataInput<z.output<O[K]>> }
      : O extends SchemaShape
        ? { readonly [K in keyof O]: DataInput<z.output<O[K]>> }
        : never;

/** What a workflow body returns: like the native outputs, but each value may be a promise. */
export type BodyOutputs<O extends OutputsOption> = O extends undefined
  ? void
  : O extends z.ZodType
    ? Bindable<z.output<O>>
    : O extends readonly z.ZodType[]
      ? { readonly [K in keyof O]: Bindable<z.output<O[K]>> }
      : O extends SchemaShape
        ? { readonly [K in keyof O]: Bindable<z.output<O[K]>> }
        : never;

/** The promises a workflow body receives for its inputs. */
export type InputPromises<I extends SchemaShape> = { readonly [K in keyof I]: NodePromise<z.output<I[K]>> };

/** The handle a call returns inside a workflow body. */
export type OutputHandle<O extends OutputsOption> = O extends undefined
  ? VoidHandle
  : O extends z.ZodType
    ? NodePromise<z.output<O>>
    : O extends readonly z.ZodType[]
      ? { readonly [K in keyof O]: NodePromise<z.output<O[K]>> } & NodeHandleMethods
      : O extends SchemaShape
        ? { readonly [K in keyof O]: NodePromise<z.output<O[K]>> } & Iterable<NodePromise<unknown>> & NodeHandleMethods
        : never;

/** The static type of a call: an output handle in a workflow body, a JS Promise of native outputs elsewhere. */
export type Invocation<O extends OutputsOption> = OutputHandle<O> & Promise<NativeOutputs<O>>;
