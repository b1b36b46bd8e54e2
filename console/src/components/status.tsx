// What a page shows while it reads, or when the read was refused.
import { ProblemAlert, type Problem } from '../problems';

export function LoadStatus(props: { loading: boolean; problem: Problem | null }) {
  if (props.problem) return <ProblemAlert problem={props.problem} />;
  if (props.loading) return <p aria-live="polite">正在加载…</p>;
  return null;
}
