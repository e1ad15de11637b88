/**
 * FlyteAdmin's HTTP routes, read from the `google.api.http` annotations that the generated
 * service descriptors carry (scripts/gen-idl.ts keeps them): one route per binding — the rule's
 * pattern and each of its `additional_bindings` — with its verb, its path template compiled to
 * segments, and where the request body goes.
 */
import { getOption, type DescMethod, type DescService } from "@bufbuild/protobuf";
import { http } from "@flyte/idl/gen/google/api/annotations_pb.js";
import type { HttpRule } from "@flyte/idl/gen/google/api/http_pb.js";

/** One segment of a path template: a literal, or a variable bound to a (dotted) field path. */
export type Segment = { readonly literal: string } | { readonly field: string };

/** One HTTP binding of an RPC. */
export interface Route {
  readonly verb: "GET" | "POST" | "PUT" | "DELETE" | "PATCH";
  /** The template as written, e.g. `/api/v1/executions/{id.project}/{id.domain}/{id.name}`. */
  readonly template: string;
  readonly segments: readonly Segment[];
  readonly service: DescService;
  readonly method: DescMethod;
  /** `*` (the whole request is the body), a field name, or `""` (no body: query parameters). */
  readonly body: string;
}

/** The routes of `services`' unary methods, most specific first (literals before variables). */
export function routeTable(services: readonly DescService[]): Route[] {
  const routes: Route[] = [];
  for (const service of services) {
    for (const method of service.methods) {
      if (method.methodKind !== "unary") continue;
      const rule = getOption(method, http);
      for (const binding of [rule, ...rule.additionalBindings]) {
        const route = routeOf(binding, service, method);
        if (route !== undefined) routes.push(route);
      }
    }
  }
  return routes.sort(bySpecificity);
}

function routeOf(rule: HttpRule, service: DescService, method: DescMethod): Route | undefined {
  const p = rule.pattern;
  if (p.case === undefined || p.case === "custom") return undefined;
  const verb = p.case.toUpperCase() as Route["verb"];
  return { verb, template: p.value, segments: parseTemplate(p.value), service, method, body: rule.body };
}

/** `/a/{x.y}/b` → literal `a`, field `x.y`, literal `b`. */
export function parseTemplate(template: string): Segment[] {
  return template
    .split("/")
    .filter((s) => s !== "")
    .map((s) => {
      const m = /^\{([A-Za-z0-9_.]+)(?:=\*)?\}$/.exec(s);
      return m?.[1] !== undefined ? { field: m[1] } : { literal: s };
    });
}

/** At the first segment where two routes differ in kind, the literal wins. */
function bySpecificity(a: Route, b: Route): number {
  const n = Math.min(a.segments.length, b.segments.length);
  for (let i = 0; i < n; i++) {
    const la = "literal" in (a.segments[i] ?? {});
    const lb = "literal" in (b.segments[i] ?? {});
    if (la !== lb) return la ? -1 : 1;
  }
  return 0;
}

/** A matched route and its path variables (percent-decoded), by field path. */
export interface RouteMatch {
  readonly route: Route;
  readonly params: ReadonlyMap<string, string>;
}

/**
 * The route `verb path` takes, or why none does: `undefined` when no template has the path,
 * `"method"` when templates have it but for other verbs (405).
 */
export function matchRoute(routes: readonly Route[], verb: string, path: string): RouteMatch | "method" | undefined {
  const parts = path.split("/").filter((s) => s !== "");
  let otherVerb = false;
  for (const route of routes) {
    if (route.segments.length !== parts.length) continue;
    const params = new Map<string, string>();
    const fits = route.segments.every((segment, i) => {
      const part = parts[i] ?? "";
      if ("literal" in segment) return segment.literal === part;
      params.set(segment.field, safeDecode(part));
      return part !== "";
    });
    if (!fits) continue;
    if (route.verb !== verb) {
      otherVerb = true;
      continue;
    }
    return { route, params };
  }
  return otherVerb ? "method" : undefined;
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
