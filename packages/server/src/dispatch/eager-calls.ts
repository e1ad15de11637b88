/**
 * The eager calls of one attempt that a worker runs: the engine's `EagerController` for the
 * attempt, made idempotent by call index. A worker whose `RunEagerChild` connection drops calls
 * again with the same index and joins the child already running (or gets its result), so a flaky
 * network never starts a call twice. The record lives as long as the attempt's runner waits: an
 * attempt that ended takes no more calls.
 */
import type { EagerChildRequest, EagerChildResult, EagerController } from "@flyte/engine";

/** The calls of one eager attempt, by the index the worker gave them. */
export class EagerCalls {
  readonly #controller: EagerController;
  readonly #calls = new Map<number, Promise<EagerChildResult>>();

  constructor(controller: EagerController) {
    this.#controller = controller;
  }

  /** Runs call `index` as a child node, or joins it when that index already ran or runs. */
  run(index: number, child: EagerChildRequest): Promise<EagerChildResult> {
    let call = this.#calls.get(index);
    if (call === undefined) {
      call = this.#controller.run(child);
      this.#calls.set(index, call);
    }
    return call;
  }
}
