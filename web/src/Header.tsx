/** The top bar: title, the sections (COVID-19, Edge), the signed-in user and a reload of the data. */

/** Props of {@link Header}. */
export interface HeaderProps {
  /** The section shown: the COVID pages or the Edge dashboard. */
  page: 'covid' | 'edge';
  /** The hash of the Edge dashboard (with the controller's URL once known). */
  edgeHash: string;
  user: string | undefined;
  onReload: () => void;
  onSignOut: () => void;
}

/** Renders the bar. */
export function Header({ page, edgeHash, user, onReload, onSignOut }: HeaderProps) {
  return (
    <header class="topbar">
      <a class="brand" href="#/">
        <span class="logo" aria-hidden="true" />
        <span>
          <strong>{page === 'edge' ? 'Serverless on Edge' : 'COVID-19 Italy'}</strong>
          <span class="brand-sub">
            {page === 'edge'
              ? 'live edge telemetry on the soe timeseries service'
              : 'Protezione Civile data on the soe timeseries service'}
          </span>
        </span>
      </a>
      <nav class="sections">
        <a href="#/" class={page === 'covid' ? 'active' : ''} data-testid="nav-covid">
          COVID-19
        </a>
        <a href={edgeHash} class={page === 'edge' ? 'active' : ''} data-testid="nav-edge">
          Edge
        </a>
      </nav>
      <span class="topbar-actions">
        {user !== undefined && (
          <span class="user">
            {user}{' '}
            <button type="button" class="link" onClick={onSignOut}>
              sign out
            </button>
          </span>
        )}
        <button type="button" onClick={onReload} data-testid="reload">
          Reload data
        </button>
      </span>
    </header>
  );
}
