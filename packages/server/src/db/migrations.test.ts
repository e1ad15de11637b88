import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { openDatabase } from "./database.ts";
import { migrate } from "./migrations.ts";

describe("migrations", () => {
  test("each migration runs once, in order, per namespace", () => {
    const db = openDatabase(":memory:");
    const ms = [
      { version: 1, name: "create", sql: "CREATE TABLE t (a INTEGER)" },
      { version: 2, name: "add", sql: "ALTER TABLE t ADD COLUMN b TEXT" },
    ];
    assert.equal(migrate(db, "x", ms), 2);
    assert.equal(migrate(db, "x", ms), 0);
    assert.equal(migrate(db, "y", [{ version: 1, name: "other", sql: "CREATE TABLE u (a INTEGER)" }]), 1);
    db.sqlite.prepare("INSERT INTO t (a, b) VALUES (1, 'z')").run();
    db.close();
  });

  test("a failing migration leaves nothing behind", () => {
    const db = openDatabase(":memory:");
    assert.throws(() => migrate(db, "x", [{ version: 1, name: "bad", sql: "CREATE TABLE t (a INTEGER); NOT SQL" }]));
    assert.equal(migrate(db, "x", [{ version: 1, name: "good", sql: "CREATE TABLE t (a INTEGER)" }]), 1);
    db.close();
  });

  test("gaps in version numbers are refused", () => {
    const db = openDatabase(":memory:");
    assert.throws(() => migrate(db, "x", [{ version: 2, name: "two", sql: "SELECT 1" }]), /numbered 1, 2, 3/);
    db.close();
  });
});
