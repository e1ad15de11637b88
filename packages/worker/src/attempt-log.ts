/**
 * The log of one running attempt on the worker: what the task prints, kept (up to
 * MAX_LOG_CHARS, dropping the start beyond it) and streamed to the server in chunks every
 * `flushMs` with `AppendLog`, so the log is readable while the attempt runs. `Complete` then
 * sends it whole. An attempt that ends without `Complete` (timed out, terminated) keeps what was
 * flushed, plus its last chunk ({@link AttemptLog.close}).
 */

/** Most of a log kept per attempt; beyond it the start is dropped and marked. */
export const MAX_LOG_CHARS = 1_000_000;

/** Sends `text`, which starts at `offset` of the log. */
export type SendLogChunk = (offset: number, text: string) => Promise<void>;

/** One attempt's log (see the module comment). */
export class AttemptLog {
  readonly #send: SendLogChunk;
  readonly #flushMs: number;
  #text = "";
  #dropped = false;
  /** How much of #text the server has (offsets stop being valid once the start is dropped). */
  #sent = 0;
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(send: SendLogChunk, flushMs: number) {
    this.#send = send;
    this.#flushMs = flushMs;
  }

  /** Adds printed text. */
  append(text: string): void {
    if (this.#closed) return;
    this.#text += text;
    if (this.#text.length > MAX_LOG_CHARS) {
      this.#text = this.#text.slice(this.#text.length - MAX_LOG_CHARS);
      this.#dropped = true;
    }
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, this.#flushMs);
  }

  /** The whole log as `Complete` sends it. */
  text(): string {
    return this.#dropped ? `[earlier output dropped]\n${this.#text}` : this.#text;
  }

  /** Sends what the server does not have yet. Never rejects. */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(async () => {
      if (this.#dropped) {
        // Offsets no longer line up with the server's copy: replace it whole.
        if (this.#sent === -1) return;
        await this.#send(0, this.text()).catch(() => {});
        this.#sent = -1;
        return;
      }
      const end = this.#text.length;
      if (end === this.#sent) return;
      const chunk = this.#text.slice(this.#sent, end);
      try {
        await this.#send(this.#sent, chunk);
        this.#sent = end;
      } catch {
        // The server is unreachable: the chunk goes with the next flush or in Complete.
      }
    });
    return this.#flushing;
  }

  /** Ends the log with `lastLine` (when given), sends the rest, and stops streaming. */
  async close(lastLine?: string): Promise<void> {
    if (lastLine !== undefined) this.append(lastLine.endsWith("\n") ? lastLine : `${lastLine}\n`);
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#dropped) this.#sent = 0;
    await this.flush();
  }

  /** Resolves once no chunk is on its way (so none lands after `Complete`'s whole log). */
  settled(): Promise<void> {
    return this.#flushing;
  }

  /** Ends the log with `lastLine` without sending it (`Complete` carries the whole log). */
  seal(lastLine?: string): void {
    if (lastLine !== undefined) this.append(lastLine.endsWith("\n") ? lastLine : `${lastLine}\n`);
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
