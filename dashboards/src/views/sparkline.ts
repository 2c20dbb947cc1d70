// A price sparkline on a canvas: cheap to redraw every frame, sharp on high-density wall screens.

export function drawSparkline(canvas: HTMLCanvasElement, values: number[], rising: boolean): void {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  if (width === 0 || height === 0) {
    return;
  }
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  const g = canvas.getContext("2d");
  if (!g) {
    return;
  }
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, width, height);
  if (values.length < 2) {
    return;
  }
  let low = Infinity;
  let high = -Infinity;
  for (const value of values) {
    low = Math.min(low, value);
    high = Math.max(high, value);
  }
  const span = high - low || 1;
  const step = width / (values.length - 1);
  const y = (value: number): number => 2 + (height - 4) * (1 - (value - low) / span);
  g.beginPath();
  values.forEach((value, i) => (i === 0 ? g.moveTo(0, y(value)) : g.lineTo(i * step, y(value))));
  g.lineWidth = 1.5;
  g.strokeStyle = rising ? "#4cc38a" : "#f07178";
  g.stroke();
}
