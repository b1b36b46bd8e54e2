// What every decision form shares: sending it (a refusal keeps the form as typed and names the fields), and
// labelled fields that show the refusal's message for their path next to them.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { call, type Method } from '../api';
import { fieldErrors, FieldError, isProblem, messageFor, ProblemAlert, type Problem } from '../problems';

export interface Submitter {
  busy: boolean;
  problem: Problem | null;
  errors: Map<string, string>;
  /** Sends the body; true when the API accepted it (2xx). A refusal is kept for the form to show. */
  send: (method: Method, path: string, body: unknown) => Promise<boolean>;
  /** As `send`, with the accepted answer's data (e.g. the id of what was started); null when refused. */
  sendFor: <T>(method: Method, path: string, body: unknown) => Promise<{ data: T } | null>;
}

export function useSubmit(): Submitter {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const sendFor = async <T,>(method: Method, path: string, body: unknown) => {
    setBusy(true);
    try {
      const reply = await call<T>(method, path, body);
      if (reply.status >= 200 && reply.status < 300) {
        setProblem(null);
        return { data: reply.data };
      }
      setProblem(
        isProblem(reply.data)
          ? reply.data
          : { status: reply.status, code: 'INTERNAL_ERROR', detail: String(reply.status) },
      );
      return null;
    } finally {
      setBusy(false);
    }
  };
  const send = async (method: Method, path: string, body: unknown) => (await sendFor(method, path, body)) !== null;
  return { busy, problem, errors: fieldErrors(problem), send, sendFor };
}

/** The refusal at the top of a form (its code's message); the fields it names show theirs next to them. */
export function FormProblem(props: { submit: Submitter }) {
  return <ProblemAlert problem={props.submit.problem} />;
}

let nextId = 0;
/** A stable id for a field (label `for`, error `aria-describedby`). */
export function useFieldId(prefix: string): string {
  const [id] = useState(() => `${prefix}-${++nextId}`);
  return id;
}

interface FieldProps {
  label: string;
  path: string;
  errors: Map<string, string>;
  hint?: string;
}

function Field(props: FieldProps & { id: string; children: ComponentChildren; inline?: boolean }) {
  const errorId = `${props.id}-error`;
  return (
    <div class={props.inline ? 'field inline' : 'field'}>
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.hint && <span class="hint">{props.hint}</span>}
      <FieldError errors={props.errors} path={props.path} id={errorId} />
    </div>
  );
}

const described = (errors: Map<string, string>, path: string, id: string) =>
  messageFor(errors, path) ? { 'aria-describedby': `${id}-error`, 'aria-invalid': true } : {};

export function TextInput(
  props: FieldProps & {
    value: string;
    onInput: (v: string) => void;
    type?: string;
    required?: boolean;
    multiline?: boolean;
  },
) {
  const id = useFieldId('f');
  const common = {
    id,
    name: props.path,
    value: props.value,
    required: props.required,
    onInput: (e: Event) => props.onInput((e.currentTarget as HTMLInputElement).value),
    ...described(props.errors, props.path, id),
  };
  return (
    <Field {...props} id={id}>
      {props.multiline ? <textarea {...common} /> : <input type={props.type ?? 'text'} {...common} />}
    </Field>
  );
}

export function NumberInput(
  props: FieldProps & { value: number | ''; onInput: (v: number | '') => void; min?: number },
) {
  const id = useFieldId('n');
  return (
    <Field {...props} id={id}>
      <input
        id={id}
        name={props.path}
        type="number"
        inputMode="numeric"
        min={props.min ?? 0}
        value={props.value}
        onInput={(e) => {
          const v = (e.currentTarget as HTMLInputElement).value;
          props.onInput(v === '' ? '' : Number(v));
        }}
        {...described(props.errors, props.path, id)}
      />
    </Field>
  );
}

export function Select<T extends string>(
  props: FieldProps & {
    value: T | '';
    options: Partial<Record<T, string>>;
    onChange: (v: T | '') => void;
    empty?: string;
  },
) {
  const id = useFieldId('s');
  return (
    <Field {...props} id={id}>
      <select
        id={id}
        name={props.path}
        value={props.value}
        onChange={(e) => props.onChange((e.currentTarget as HTMLSelectElement).value as T | '')}
        {...described(props.errors, props.path, id)}
      >
        <option value="">{props.empty ?? '（请选择）'}</option>
        {(Object.keys(props.options) as T[]).map((k) => (
          <option key={k} value={k}>
            {props.options[k]}
          </option>
        ))}
      </select>
    </Field>
  );
}

export function Checkbox(props: { label: string; checked: boolean; onChange: (v: boolean) => void; name: string }) {
  const id = useFieldId('c');
  return (
    <div class="field inline">
      <input
        id={id}
        name={props.name}
        type="checkbox"
        checked={props.checked}
        onChange={(e) => props.onChange((e.currentTarget as HTMLInputElement).checked)}
      />
      <label for={id}>{props.label}</label>
    </div>
  );
}

/** Today's date (YYYY-MM-DD, Beijing time), the default of a meeting or visit date. */
export function today(): string {
  return new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
}

/** Drops empty strings and undefined from an object (a field left blank is not sent). */
export function compact<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== '' && v !== undefined)) as Partial<T>;
}

/** A decision form: its heading, the refusal, the fields, and the submit button (disabled while sending). */
export function DecisionForm(props: {
  id: string;
  title: string;
  submit: Submitter;
  submitLabel: string;
  onSubmit: () => Promise<void>;
  heading?: 'h3' | 'h4';
  primary?: boolean;
  children: ComponentChildren;
}) {
  const Heading = props.heading ?? 'h3';
  return (
    <form
      class="decision"
      aria-labelledby={`${props.id}-title`}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void props.onSubmit();
      }}
    >
      <Heading id={`${props.id}-title`}>{props.title}</Heading>
      <FormProblem submit={props.submit} />
      {props.children}
      <div class="actions">
        <button type="submit" class={props.primary === false ? undefined : 'primary'} disabled={props.submit.busy}>
          {props.submitLabel}
        </button>
      </div>
    </form>
  );
}
