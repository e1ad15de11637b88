/**
 * Progress of a local run on a terminal: one line, redrawn as nodes finish, for workflows with
 * enough nodes that waiting silently would be confusing.
 */
import type { EventSink, ExecutionEvent } from "@flyte/engine";

/** Draws `[done/total] running: n3, n4` on `stream` (a TTY), at most every 100 ms. */
export class ProgressLine implements EventSink {
  readonly #stream: NodeJS.WriteStream;
  readonly #total: number;
  readonly #running = new Set<string>();
  #done = 0;
  #failed = 0;
  #lastDraw = 0;

  constructor(stream: NodeJS.WriteStream, totalNodes: number) {
    this.#stream = stream;
    this.#total = totalNodes;
  }

  emit(event: ExecutionEvent): void {
    if (event.kind !== "node" || event.nodeId === "start-node" || event.nodeId === "end-node") return;
    switch (event.phase) {
      case "RUNNING":
        this.#running.add(event.nodeId);
        break;
      case "SUCCEEDED":
      case "SKIPPED":
      case "RECOVERED":
        this.#running.delete(event.nodeId);
        this.#done++;
        break;
      case "FAILED":
      case "TIMED_OUT":
      case "ABORTED":
        this.#running.delete(event.nodeId);
        this.#failed++;
        break;
      default:
        return;
    }
    const now = Date.now();
    if (now - this.#lastDraw >= 100) {
      this.#lastDraw = now;
      this.#draw();
    }
  }

  /** Clears the line. */
  finish(): void {
    this.#stream.write("\r\x1b[K");
  }

  #draw(): void {
    const running = [...this.#running].slice(0, 4).join(", ");
    const more = this.#running.size > 4 ? ` +${this.#running.size - 4}` : "";
    const failed = this.#failed > 0 ? `, ${this.#failed} failed` : "";
    const line = `[${this.#done}/${this.#total} nodes${failed}] ${running ? `running ${running}${more}` : ""}`;
    this.#stream.write(`\r\x1b[K${line.slice(0, (this.#stream.columns || 80) - 1)}`);
  }
}
