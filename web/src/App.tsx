/**
 * The GUI: hash routing between the overview, the area pages and the Edge dashboard, the area list, and
 * sign-in on 401 (a server without authentication opens straight on the map).
 */
import { useEffect, useState } from 'preact/hooks';
import type { UiAuth } from '../../src/timeseries/api/ui-auth.js';
import { ApiError, listRegions, serverAuth, signedInUser, signIn, signOut } from './api.js';
import { clearCache } from './data.js';
import { EdgePage } from './EdgePage.js';
import { DEFAULT_FIELD, fieldInfo, FIELDS } from './fields.js';
import { Footer } from './Footer.js';
import { Header } from './Header.js';
import { Overview } from './Overview.js';
import { RegionPage } from './RegionPage.js';
import { toRegion, type Region } from './regions.js';
import { formatHash, parseHash, type Route } from './route.js';
import { SignIn } from './SignIn.js';

/** Renders the whole page. */
export function App() {
  const [route, setRoute] = useState<Route>(() => parseHash(location.hash));
  const [regions, setRegions] = useState<Region[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [auth, setAuth] = useState<{ needed: boolean; message?: string }>({ needed: false });
  /** What the server expects at sign-in: asked once a sign-in is needed (null: it does not say). */
  const [expects, setExpects] = useState<UiAuth | null | undefined>(undefined);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    const onHash = (): void => setRoute(parseHash(location.hash));
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  const onApiError = (e: unknown): string => {
    if (e instanceof ApiError && e.status === 401) {
      // Signed in but refused (a wrong password under users auth): say so, as the server words it.
      const user = signedInUser();
      setAuth(user === undefined ? { needed: true } : { needed: true, message: `${user}: ${e.message}` });
      return 'authentication required';
    }
    if (e instanceof ApiError && e.status === 403) {
      setAuth({ needed: true, message: `User ${signedInUser() ?? ''} may not read this data.` });
      return 'forbidden';
    }
    return e instanceof Error ? e.message : String(e);
  };

  useEffect(() => {
    if (!auth.needed || expects !== undefined) return;
    let live = true;
    void serverAuth().then((answer) => live && setExpects(answer ?? null));
    return () => {
      live = false;
    };
  }, [auth.needed]);

  useEffect(() => {
    let live = true;
    setError(null);
    listRegions().then(
      (list) => {
        if (!live) return;
        const areas = list.map(toRegion).filter((r): r is Region => r !== undefined);
        setRegions(areas.sort((a, b) => a.name.localeCompare(b.name)));
      },
      (e: unknown) => live && setError(onApiError(e)),
    );
    return () => {
      live = false;
    };
  }, [generation]);

  const navigate = (next: Route, push = false): void => {
    const hash = formatHash(next);
    if (push) history.pushState(null, '', hash);
    else history.replaceState(null, '', hash);
    setRoute(next);
    if (push) scrollTo(0, 0);
  };
  const reload = (): void => {
    clearCache();
    setRegions(null);
    setGeneration((g) => g + 1);
  };

  const field = fieldInfo(route.field) ?? fieldInfo(DEFAULT_FIELD) ?? FIELDS[0];
  let body;
  if (auth.needed) {
    body = (
      <SignIn
        auth={expects}
        {...(auth.message !== undefined ? { message: auth.message } : {})}
        onSignIn={(user, password) => {
          signIn(user, password);
          setAuth({ needed: false });
          reload();
        }}
      />
    );
  } else if (route.page === 'edge') {
    body = <EdgePage controller={route.controller} onApiError={onApiError} />;
  } else if (error !== null) {
    body = <div class="card message error">Could not list the regions: {error}</div>;
  } else if (regions === null || field === undefined) {
    body = (
      <div class="card message" data-testid="loading">
        Loading regions…
      </div>
    );
  } else if (regions.length === 0) {
    body = (
      <div class="card message" data-testid="no-data">
        No <code>region</code> resources on this server yet: load the data with{' '}
        <code>soe covid produce --endpoint URL</code>.
      </div>
    );
  } else if (route.page === 'region') {
    const region = regions.find((r) => r.key === route.region);
    body =
      region === undefined ? (
        <div class="card message error" data-testid="unknown-region">
          No area <code>{route.region}</code>. <a href={formatHash({ page: 'overview' })}>Back to Italy</a>
        </div>
      ) : (
        <RegionPage
          region={region}
          field={field}
          day={route.day}
          navigate={navigate}
          onApiError={onApiError}
        />
      );
  } else {
    body = (
      <Overview regions={regions} field={field} day={route.day} navigate={navigate} onApiError={onApiError} />
    );
  }

  return (
    <div class="page">
      <Header
        page={route.page === 'edge' ? 'edge' : 'covid'}
        edgeHash={formatHash({
          page: 'edge',
          ...(route.controller !== undefined ? { controller: route.controller } : {}),
        })}
        user={signedInUser()}
        onReload={reload}
        onSignOut={() => {
          signOut();
          reload();
        }}
      />
      <main class="content">{body}</main>
      <Footer />
    </div>
  );
}
