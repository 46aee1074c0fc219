import type {
  CheckResult,
  InputFormat,
  SummaryMetric,
  ThresholdResult,
  UnevaluatedThreshold,
} from '../k6/model.js';
import type { BlockingStack, BusyLoop, ServerData, SignalKey } from '../server/source.js';
import type { CpuPressure, StallTime } from '../server/stall-causes.js';
import type { GroupStats } from '../stats/client.js';
import type { Analysis } from './verdict.js';
import type { Capacity } from './capacity.js';
import type { Row } from './join.js';
import type { BaselineComparison } from './baseline.js';

/** The analysis of one run: what `--json` writes and every other format renders. */
export interface Report {
  tool: 'loopscope-analyze';
  schemaVersion: 1;
  generatedAt: string;
  input: { file: string; format: InputFormat; bytes: number };
  latencyMetric: string;
  /** The run's time window, ms since the epoch. */
  window: { from: number; to: number } | null;
  /** Width of a timeline bucket in ms; null for summary inputs. */
  resolutionMs: number | null;
  overall: GroupStats & { dropped: number };
  byScenario: GroupStats[];
  byName: GroupStats[];
  thresholds: ThresholdResult[];
  /** All thresholds passed (k6's own verdict for machine-readable summaries); null when none are known. */
  thresholdsPassed: boolean | null;
  /** Thresholds the input cannot carry, by name (not counted in thresholdsPassed). */
  thresholdsUnevaluated: UnevaluatedThreshold[];
  checks: CheckResult[];
  metrics: SummaryMetric[];
  timeline: Row[];
  server:
    | (Omit<
        ServerData,
        | 'signals'
        | 'blockingStacks'
        | 'busyLoops'
        | 'warnings'
        | 'stallsCounted'
        | 'stallTime'
        | 'cpuPressure'
      > & {
        /** Stalls the agent counted (all of them); null when the source does not keep the counter. */
        stallsCounted: number | null;
        /** Stall time by cause over the run (ms), and whether from the agent's counter or the captured stalls; null when unknown. */
        stallTime: StallTime | null;
        /** Run-queue wait and cgroup throttling over the run; null when the source has none. */
        cpuPressure: CpuPressure | null;
        peaks: Record<SignalKey, number | null>;
      })
    | null;
  analysis: Analysis;
  /** A ramping run's break point and what gave out first; null for other runs. */
  capacity: Capacity | null;
  blockingStacks: BlockingStack[];
  /** What kept the loop busy without a stall over the threshold (collector source); empty when nothing or unknown. Absent in reports written before it existed. */
  busyLoops?: BusyLoop[];
  baseline: BaselineComparison | null;
  warnings: string[];
}

export function isReport(doc: unknown): doc is Report {
  return (
    typeof doc === 'object' &&
    doc !== null &&
    (doc as { tool?: unknown }).tool === 'loopscope-analyze'
  );
}
