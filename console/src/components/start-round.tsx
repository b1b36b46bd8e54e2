// Start a village's round (POST /rounds): the county for any village of the county, the township for its own.
import { useState } from 'preact/hooks';
import { FieldError, ProblemAlert } from '../problems';
import { useSubmit } from '../forms/fields';

export function StartRoundForm(props: { villages?: { code: string; name: string }[] }) {
  const [villageCode, setVillageCode] = useState('');
  const [started, setStarted] = useState<string | null>(null);
  const { problem, errors, busy, sendFor } = useSubmit();

  async function onSubmit(e: Event) {
    e.preventDefault();
    const r = await sendFor<{ roundId: string }>('POST', '/rounds', { villageCode: villageCode.trim() });
    setStarted(r ? r.data.roundId : null);
  }

  return (
    <form onSubmit={onSubmit} aria-labelledby="start-round-title">
      <h3 id="start-round-title">开始一个村的识别轮次</h3>
      <label for="start-round-village">村代码</label>
      <input
        id="start-round-village"
        name="villageCode"
        list={props.villages ? 'start-round-villages' : undefined}
        value={villageCode}
        onInput={(e) => setVillageCode(e.currentTarget.value)}
        inputMode="numeric"
        aria-describedby="start-round-village-error"
        required
      />
      {props.villages && (
        <datalist id="start-round-villages">
          {props.villages.map((v) => (
            <option key={v.code} value={v.code}>
              {v.name}
            </option>
          ))}
        </datalist>
      )}
      <FieldError errors={errors} path="villageCode" id="start-round-village-error" />
      <button type="submit" disabled={busy}>
        开始轮次
      </button>
      <ProblemAlert problem={problem}>
        {problem?.roundId && <a href={`#/rounds/${problem.roundId}`}> 查看进行中的轮次</a>}
      </ProblemAlert>
      {started && (
        <p role="status">
          已开始：<a href={`#/rounds/${started}`}>{started}</a>
        </p>
      )}
    </form>
  );
}
