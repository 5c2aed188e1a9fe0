/**
 * The shell: sign-in gate, header with the instance picker, navigation, and the routed page.
 * Focus moves to the page title on navigation so keyboard and screen-reader users land on it.
 */
import { useEffect } from 'preact/hooks';
import { api } from './api.client';
import type { Instance, List } from './api.types';
import { routes } from './app.routes';
import { href, matchPattern, navigate, route } from './app.router';
import { EmptyState, ErrorNotice, Loading } from './components/states.view';
import { SignInPage } from './pages/sign-in.page';
import { useResource } from './resource.hook';
import { session, signOut } from './session.state';

function InstancePicker({ instances, current }: { instances: Instance[]; current: string }) {
  return (
    <label class="instance-picker">
      <span class="instance-label">Instance</span>
      <select
        value={current}
        onChange={(e) => navigate(href(e.currentTarget.value, ...route.value.segments))}
      >
        {instances.map((i) => (
          <option key={i.name} value={i.name}>
            {i.name}
          </option>
        ))}
      </select>
    </label>
  );
}

function Shell() {
  const instances = useResource(() => api.get<List<Instance>>('/v1/instances'), []);
  const { instance, segments } = route.value;
  const list = instances.data?.value;
  const current = instance ?? list?.[0]?.name ?? null;
  const matched = routes
    .map((r) => ({ r, params: matchPattern(r.pattern, segments) }))
    .find((m) => m.params !== null);
  // Until the list arrives the page renders at once (its own calls run in parallel with the list's).
  const known = list === undefined || current === null || list.some((i) => i.name === current);

  useEffect(() => {
    if (instance === null && current !== null) navigate(href(current));
  }, [instance, current]);
  useEffect(() => {
    document.title = matched
      ? `${matched.r.title(matched.params ?? {})} · Tributary`
      : 'Tributary console';
    document.getElementById('page-title')?.focus({ preventScroll: true });
  }, [instance, segments.join('/')]);

  return (
    <div class="layout">
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <a class="brand" href={current ? href(current) : '#/'}>
          <img src="/favicon.svg" alt="" width="26" height="26" />
          <span>Tributary</span>
        </a>
        <div class="topbar-right">
          {list && current && <InstancePicker instances={list} current={current} />}
          <button type="button" class="button button-small button-quiet" onClick={() => signOut()}>
            Sign out
          </button>
        </div>
      </header>
      {current && (
        <nav class="sidenav" aria-label="Main">
          <ul>
            {routes
              .filter((r) => r.nav)
              .map((r) => {
                const active = matched?.r.section === r.section;
                return (
                  <li key={r.section}>
                    <a
                      href={href(current, ...(r.pattern ? r.pattern.split('/') : []))}
                      aria-current={active ? 'page' : undefined}
                      class={active ? 'is-active' : undefined}
                    >
                      {r.nav}
                    </a>
                  </li>
                );
              })}
          </ul>
        </nav>
      )}
      <main class="content" id="main" tabIndex={-1}>
        {instances.error && <ErrorNotice error={instances.error} onRetry={instances.reload} />}
        {!current && !instances.error && <Loading />}
        {list && current && !known && (
          <EmptyState title={`There is no instance "${current}"`}>
            <a href={href(list[0]?.name ?? 'default')}>Go to {list[0]?.name ?? 'default'}</a>
          </EmptyState>
        )}
        {current && known && !matched && (
          <EmptyState title="This page does not exist">
            <a href={href(current)}>Back to the overview</a>
          </EmptyState>
        )}
        {current && known && matched && (
          <matched.r.view
            key={`${current}/${segments.join('/')}`}
            instance={current}
            params={matched.params ?? {}}
          />
        )}
      </main>
    </div>
  );
}

export function App() {
  return session.value.key === null ? <SignInPage /> : <Shell />;
}
