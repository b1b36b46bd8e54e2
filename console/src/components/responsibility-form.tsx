// 帮扶责任: who answers for a village or a household (GET/PUT /villages/:code/responsibility, households likewise).
// The phone is shown as the API answers it (masked outside the village's own township).
import { useState } from 'preact/hooks';
import { FieldError, ProblemAlert } from '../problems';
import { dateTime } from '../labels';
import { useApi } from '../use-api';
import { useSession } from '../session';
import type { Role } from '../../../domain/enums';
import { useSubmit } from '../forms/fields';

interface Assignment {
  id: string;
  unit: string;
  personName: string;
  personPhone: string | null;
  from: string;
  to: string | null;
  note: string | null;
}
interface Responsibility {
  current: Assignment | null;
  history: Assignment[];
}

const FIELDS = [
  { path: 'unit', label: '帮扶单位', required: true },
  { path: 'personName', label: '责任人', required: true },
  { path: 'personPhone', label: '责任人电话', required: false },
  { path: 'note', label: '备注', required: false },
] as const;
type Field = (typeof FIELDS)[number]['path'];

/** `subject` is the API path of the village or household, e.g. `/villages/620522101001`. */
/** Who may assign (api/routes/responsibility.ts ASSIGNERS): the township, the county, an administrator. */
const ASSIGNERS: readonly Role[] = ['TOWNSHIP', 'COUNTY', 'ADMIN'];

export function ResponsibilitySection(props: { subject: string }) {
  const mayAssign = ASSIGNERS.includes(useSession().official.role);
  const loaded = useApi<Responsibility>(`${props.subject}/responsibility`);
  const [values, setValues] = useState<Record<Field, string>>({ unit: '', personName: '', personPhone: '', note: '' });
  const [saved, setSaved] = useState(false);
  const { problem, errors, busy, send } = useSubmit();
  const current = loaded.data?.current;

  async function onSubmit(e: Event) {
    e.preventDefault();
    setSaved(false);
    const body = Object.fromEntries(Object.entries(values).filter(([, v]) => v.trim() !== ''));
    if (await send('PUT', `${props.subject}/responsibility`, body)) {
      setSaved(true);
      void loaded.reload();
    }
  }

  return (
    <section aria-labelledby="responsibility-title">
      <h3 id="responsibility-title">帮扶责任</h3>
      <ProblemAlert problem={loaded.problem} />
      {current ? (
        <p data-testid="responsibility-current">
          当前：{current.unit} · {current.personName}
          {current.personPhone ? ` · ${current.personPhone}` : ''}（自 {dateTime(current.from)}）
        </p>
      ) : (
        loaded.data && <p>尚未指定帮扶责任。</p>
      )}
      {mayAssign && (
        <form onSubmit={onSubmit} class="stack">
          {FIELDS.map((f) => (
            <div key={f.path} class="field">
              <label for={`resp-${f.path}`}>{f.label}</label>
              <input
                id={`resp-${f.path}`}
                name={f.path}
                value={values[f.path]}
                required={f.required}
                inputMode={f.path === 'personPhone' ? 'tel' : undefined}
                aria-invalid={errors.has(f.path) || undefined}
                aria-describedby={`resp-${f.path}-error`}
                onInput={(e) => setValues({ ...values, [f.path]: e.currentTarget.value })}
              />
              <FieldError errors={errors} path={f.path} id={`resp-${f.path}-error`} />
            </div>
          ))}
          <button type="submit" disabled={busy}>
            保存帮扶责任
          </button>
          <ProblemAlert problem={problem} />
          {saved && <p role="status">已保存。</p>}
        </form>
      )}
    </section>
  );
}
