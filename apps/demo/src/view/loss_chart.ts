/** The training loss per step as a line on a canvas, redrawn after each step. */
export function drawLossChart(canvas: HTMLCanvasElement, losses: readonly number[], totalSteps: number): void {
  const context = canvas.getContext('2d');
  if (context === null) return;
  const { width, height } = canvas;
  const pad = 28;
  context.clearRect(0, 0, width, height);
  context.fillStyle = '#fff';
  context.fillRect(0, 0, width, height);
  context.strokeStyle = '#999';
  context.beginPath();
  context.moveTo(pad, 6);
  context.lineTo(pad, height - pad);
  context.lineTo(width - 6, height - pad);
  context.stroke();
  const finite = losses.filter(Number.isFinite);
  if (finite.length === 0) return;
  const top = Math.max(...finite) * 1.05;
  context.fillStyle = '#333';
  context.font = '11px sans-serif';
  context.fillText(top.toFixed(2), 2, 14);
  context.fillText('0', pad - 10, height - pad + 4);
  context.fillText(`step ${losses.length} of ${totalSteps}`, width - 110, height - 8);
  context.strokeStyle = '#d2401f';
  context.lineWidth = 2;
  context.beginPath();
  losses.forEach((loss, step) => {
    const x = pad + ((width - pad - 6) * (step + 1)) / Math.max(totalSteps, 1);
    const y = height - pad - ((height - pad - 6) * loss) / top;
    if (step === 0) context.moveTo(x, y);
    else context.lineTo(x, y);
  });
  context.stroke();
  context.lineWidth = 1;
}
