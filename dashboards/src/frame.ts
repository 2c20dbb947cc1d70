// Coalesced rendering: updates mark work by key, and one animation frame runs each key's latest work once.
// However many quotes arrive between two frames, a row is drawn at most once per frame; a hidden tab runs
// nothing until it is shown again (the work waiting is bounded by the number of keys).

const pending = new Map<string, () => void>();
let requested = false;

export function schedule(key: string, work: () => void): void {
  pending.set(key, work);
  if (!requested) {
    requested = true;
    requestAnimationFrame(flush);
  }
}

function flush(): void {
  requested = false;
  const batch = [...pending.values()];
  pending.clear();
  for (const work of batch) {
    try {
      work();
    } catch (error) {
      console.error("render failed", error);
    }
  }
}
