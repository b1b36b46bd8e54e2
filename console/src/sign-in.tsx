// Sign-in with the official's token: sent once (POST /session); the API answers with an HttpOnly cookie this
// script cannot read, and the session's CSRF token for writes.
import { useState } from 'preact/hooks';
import { call } from './api';
import type { Session } from './session';

export function SignIn(props: { onSignedIn: (s: Session) => void }) {
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const input = (e.currentTarget as HTMLFormElement).elements.namedItem('token') as HTMLInputElement;
    const token = input.value;
    setBusy(true);
    const { status, data } = await call<Session>('POST', '/session', { token });
    setBusy(false);
    input.value = '';
    if (status === 201) {
      setError('');
      return props.onSignedIn(data);
    }
    setError(status === 429 ? '尝试次数过多，请稍后再试。' : '令牌无效或已停用。');
  };
  return (
    <section id="sign-in" aria-labelledby="sign-in-title">
      <h2 id="sign-in-title">登录</h2>
      <form id="sign-in-form" onSubmit={submit}>
        <label for="token">工作人员令牌</label>
        <input id="token" name="token" type="password" autocomplete="off" required />
        <button type="submit" disabled={busy}>
          登录
        </button>
        <p id="sign-in-error" role="alert">
          {error}
        </p>
      </form>
      <p class="hint">令牌只在登录时发送一次；登录后浏览器凭会话继续办理，页面脚本看不到令牌。</p>
    </section>
  );
}
