// What every page gets: the live connection, the market and alert state, and what the viewer's key may do.
import type { AlertBook } from "./alerts";
import type { Live } from "./live";
import type { Market } from "./market";
import type { Session } from "./types";

export interface Context {
  live: Live;
  market: Market;
  alerts: AlertBook;
  session: Session;
}

/** Acknowledging needs a key with the read role: without a key the board is read-only (README, The board). */
export const canAcknowledge = (context: Context): boolean => context.session.name !== null && context.session.roles.includes("read");
export const canAdmin = (context: Context): boolean => context.session.roles.includes("admin");

/** A page draws into its element and returns what to undo when the viewer leaves it. */
export type Page = (context: Context, root: HTMLElement) => () => void;
