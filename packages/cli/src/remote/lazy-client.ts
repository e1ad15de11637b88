/**
 * Connect clients that do not need their service's descriptor up front. A generated service file
 * imports the message files of every method: AdminService's pulls in 27 IDL files and builds
 * their descriptors, about half the CPU of `run --remote`'s "remote modules" phase, although a run
 * calls a dozen of its 60 methods. A lazy client answers the methods of a small hand-listed
 * service (`quick`, whose message files the command loads anyway) at once, and imports the
 * generated service on the first call of any other method.
 */
import type { DescMessage, DescMethod, DescService } from "@bufbuild/protobuf";
import { createClient, type Client, type Transport } from "@connectrpc/connect";

/** A unary method of a hand-listed service: its proto name, request and response messages. */
export interface QuickMethod {
  readonly name: string;
  readonly input: DescMessage;
  readonly output: DescMessage;
}

/**
 * A service descriptor holding only `methods` (all unary), as Connect's client reads it:
 * `methods`, and per method its kind, names, messages, idempotency and `parent.typeName`.
 */
export function quickService(typeName: string, methods: Readonly<Record<string, QuickMethod>>): DescService {
  const service = { kind: "service", typeName, name: typeName.slice(typeName.lastIndexOf(".") + 1), methods: [] as DescMethod[], method: {} as Record<string, DescMethod> };
  for (const [localName, m] of Object.entries(methods)) {
    // IDEMPOTENCY_UNKNOWN (0): no Flyte admin method is marked otherwise (checked by lazy-client.test.ts).
    const method = { kind: "rpc", name: m.name, localName, methodKind: "unary", input: m.input, output: m.output, idempotency: 0, parent: service } as unknown as DescMethod;
    service.methods.push(method);
    service.method[localName] = method;
  }
  return service as unknown as DescService;
}

/**
 * A client of `S` whose `quick` methods need only `quick`'s descriptors; any other method loads
 * the full service (`load`) on its first call. Every method of `S` must be unary (callers await
 * a promise).
 */
export function lazyClient<S extends DescService>(transport: Transport, load: () => Promise<S>, quick?: DescService): Client<S> {
  const fast = quick === undefined ? {} : (createClient(quick, transport) as Record<string, unknown>);
  let full: Promise<Record<string, (...args: unknown[]) => Promise<unknown>>> | undefined;
  const methods = new Map<string, unknown>();
  return new Proxy({} as Client<S>, {
    get(_target, property) {
      // Not thenable: a client returned from an async function or awaited must stay a client.
      if (typeof property !== "string" || property === "then") return undefined;
      if (property in fast) return fast[property];
      let method = methods.get(property);
      if (method === undefined) {
        method = async (...args: unknown[]): Promise<unknown> => {
          full ??= load().then((service) => createClient(service, transport) as Record<string, (...a: unknown[]) => Promise<unknown>>);
          const client = await full;
          const call = client[property];
          if (call === undefined) throw new TypeError(`${property} is not a method of the service`);
          return call(...args);
        };
        methods.set(property, method);
      }
      return method;
    },
  });
}
