// Problem responses in Chinese (problem-messages.ts) and the components that show them: <FieldError> next to the
// field a refusal names, <ProblemAlert> at the top of a form.
import { h, type ComponentChildren } from 'preact';
import { messageFor, problemMessage, type Problem } from './problem-messages';

export * from './problem-messages';

/** A message next to a field when the refusal names it (or, unless `exact`, a path under it); nothing otherwise. */
export function FieldError(props: { errors: Map<string, string>; path: string; id?: string; exact?: boolean }) {
  const text = props.exact ? props.errors.get(props.path) : messageFor(props.errors, props.path);
  if (!text) return null;
  return h('p', { class: 'field-error', role: 'alert', id: props.id, 'data-path': props.path }, text);
}

/** The problem's message at the top of a form (its code's words; field messages are next to their fields). */
export function ProblemAlert(props: { problem: Problem | null; children?: ComponentChildren }) {
  if (!props.problem) return null;
  return h('div', { class: 'problem', role: 'alert' }, problemMessage(props.problem), props.children);
}
