// The report's video section: the most anomalous clips as image strips (input frames above, error below).
import type { VideoScores } from '../run/run-files.js';

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function videoClipSection(clips: NonNullable<VideoScores['topClips']>, uri: (rel: string) => string): string {
  if (clips.length === 0) return '';
  const rows = clips
    .map((c) => `<figure class="strip"><img src="${uri(c.strip)}" alt="clip ${esc(c.video)} ${c.start}"><figcaption>${esc(c.video)}, frames ${c.start}-${c.start + c.frames - 1}, clip error ${c.score.toPrecision(4)}${c.label === undefined ? '' : c.label ? ', labelled anomalous' : ', labelled normal'}</figcaption></figure>`)
    .join('');
  return `<section><h2>Most anomalous clips</h2><p>The clips with the highest reconstruction errors (no two overlapping), 8 frames of each: the input above, the reconstruction error below (one colour scale for all).</p><div class="strips">${rows}</div></section>`;
}
