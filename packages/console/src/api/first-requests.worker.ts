/**
 * Sends an execution page's first two requests off the main thread (first-requests.ts says why):
 * receives `{project, domain, name}`, answers with the execution's bytes as soon as they come
 * (`{execution}`), then the workflow's (`{workflow}`, undefined when the execution names none);
 * a failure is answered as `{failed}` and ends the work.
 */
import { adminUnary, executionRequestBytes, objectRequestBytes, workflowIdBytes } from "./first-requests-wire.ts";

/** What the page asks. */
export interface FirstRequestsAsk {
  readonly project: string;
  readonly domain: string;
  readonly name: string;
}

/** What the worker answers, in this order. */
export type FirstRequestsAnswer = { readonly execution: ArrayBuffer } | { readonly workflow: ArrayBuffer | undefined } | { readonly failed: string };

const scope = self as unknown as { onmessage: ((e: MessageEvent<FirstRequestsAsk>) => void) | null; postMessage(message: FirstRequestsAnswer, transfer?: Transferable[]): void };

scope.onmessage = (e) => {
  const { project, domain, name } = e.data;
  void (async () => {
    try {
      const execution = await adminUnary(location.origin, "GetExecution", executionRequestBytes(project, domain, name));
      // The workflow's request leaves before the execution's bytes are handed over (and gone).
      const id = workflowIdBytes(new Uint8Array(execution));
      const workflow = id === undefined ? Promise.resolve(undefined) : adminUnary(location.origin, "GetWorkflow", objectRequestBytes(id));
      scope.postMessage({ execution }, [execution]);
      const bytes = await workflow;
      scope.postMessage({ workflow: bytes }, bytes === undefined ? [] : [bytes]);
    } catch (error) {
      scope.postMessage({ failed: error instanceof Error ? error.message : String(error) });
    }
  })();
};
