// The console's frame: sign-in when there is no session; otherwise the header (who is signed in, the pages the
// role may use, sign-out) and the page the hash names.
import { useEffect, useState } from 'preact/hooks';
import { call, setCsrfToken, whenUnauthenticated } from './api';
import { label, ROLE_LABELS } from './labels';
import { matchPattern, useHashPath } from './router';
import { routes, type Route } from './routes';
import { SessionContext, type Session } from './session';
import { SignIn } from './sign-in';

type State = { kind: 'loading' } | { kind: 'signed-out' } | { kind: 'signed-in'; session: Session };

const mayUse = (r: Route, s: Session) => !r.roles || r.roles.includes(s.official.role);

function Page(props: { session: Session; path: string }) {
  for (const r of routes) {
    const params = matchPattern(r.pattern, props.path);
    if (!params) continue;
    if (!mayUse(r, props.session)) break;
    const Component = r.component;
    return <Component key={props.path} params={params} />;
  }
  return (
    <section aria-labelledby="not-found-title">
      <h2 id="not-found-title">页面不存在</h2>
      <p>
        <a href="#/">返回待办事项</a>
      </p>
    </section>
  );
}

function Nav(props: { session: Session; path: string }) {
  const items = routes.filter((r) => r.nav !== false && mayUse(r, props.session));
  return (
    <nav aria-label="主导航">
      <ul>
        {items.map((r) => (
          <li key={r.pattern}>
            <a href={`#${r.pattern}`} aria-current={props.path === r.pattern ? 'page' : undefined}>
              {r.title}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export function App() {
  const [state, setState] = useState<State>({ kind: 'loading' });
  const path = useHashPath();
  const signedIn = (session: Session) => {
    setCsrfToken(session.csrfToken);
    setState({ kind: 'signed-in', session });
  };
  const signedOut = () => {
    setCsrfToken(null);
    setState({ kind: 'signed-out' });
  };
  useEffect(() => {
    whenUnauthenticated(signedOut);
    void call<Session>('GET', '/session').then(({ status, data }) => (status === 200 ? signedIn(data) : signedOut()));
  }, []);
  const signOut = async () => {
    await call('POST', '/session/sign-out');
    signedOut();
  };
  const session = state.kind === 'signed-in' ? state.session : null;
  return (
    <SessionContext.Provider value={session}>
      <header>
        <h1>精准识别工作台</h1>
        {session && (
          <>
            <p id="who">
              {session.official.name}（{label(ROLE_LABELS, session.official.role)} {session.official.scopeCode}）
            </p>
            <button id="sign-out" type="button" onClick={signOut}>
              退出登录
            </button>
          </>
        )}
      </header>
      {session && <Nav session={session} path={path} />}
      <main>
        {state.kind === 'loading' && <p>正在加载…</p>}
        {state.kind === 'signed-out' && <SignIn onSignedIn={signedIn} />}
        {session && <Page session={session} path={path} />}
      </main>
    </SessionContext.Provider>
  );
}
