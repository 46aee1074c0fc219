/** What every benchmark hands back: Markdown for the README, its goals, and the raw data. */
export interface Goal {
  readonly goal: string;
  readonly measured: string;
  /** undefined: could not be measured in this run. */
  readonly met: boolean | undefined;
  /** Why, in measured terms: printed after the verdict (most useful when missed). */
  readonly cause?: string;
}

export interface Report {
  readonly name: string;
  readonly markdown: string;
  readonly goals: readonly Goal[];
  readonly data: unknown;
}

export function goalLines(goals: readonly Goal[]): string {
  return goals
    .map(
      (g) =>
        `- ${g.met === undefined ? 'NOT MEASURED' : g.met ? 'MET' : 'MISSED'}: ${g.goal}: ${g.measured}${g.cause ? ` (${g.cause})` : ''}`,
    )
    .join('\n');
}
