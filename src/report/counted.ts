/** Writes a count with its noun, singular for 1 and plural otherwise: `1 epoch`, `2 epochs`. */
export const counted = (count: number, singular: string, plural = `${singular}s`): string =>
  `${count} ${count === 1 ? singular : plural}`;
