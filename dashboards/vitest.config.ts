// Unit tests of the board's logic that needs no browser (the browser tests in tests/Monitor.Board.Tests drive the rest).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: { include: ["test/**/*.test.ts"], environment: "node" },
});
