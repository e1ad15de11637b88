// Fixture: two different tasks with one explicit name.
import { task } from "flytekit";

export const first = task({ name: "dup.same" }, () => undefined);
export const second = task({ name: "dup.same" }, () => undefined);
