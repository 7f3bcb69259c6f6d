// The page for a tabular model: the scores of a dropped CSV file's rows (scored by memae/browser's scoreCsv).

/** Shows the scores as a table of rows (first 200). */
export function showScores(el: HTMLElement, scores: Float32Array, threshold: number | null): void {
  const rows = Array.from(scores.slice(0, 200), (s, i) => {
    const verdict = threshold === null ? '-' : s > threshold ? '<span class="anomaly">anomaly</span>' : '<span class="normal">normal</span>';
    return `<tr><td>row ${i + 1}</td><td>${s.toPrecision(5)}</td><td>${verdict}</td></tr>`;
  });
  el.innerHTML = `<table><tr><td>row</td><td>score</td><td></td></tr>${rows.join('')}</table>` + (scores.length > 200 ? `<p>... ${scores.length - 200} more rows</p>` : '');
}
