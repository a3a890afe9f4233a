/** The top bar: title, the signed-in user and a reload of the data. */

/** Props of {@link Header}. */
export interface HeaderProps {
  user: string | undefined;
  onReload: () => void;
  onSignOut: () => void;
}

/** Renders the bar. */
export function Header({ user, onReload, onSignOut }: HeaderProps) {
  return (
    <header class="topbar">
      <a class="brand" href="#/">
        <span class="logo" aria-hidden="true" />
        <span>
          <strong>COVID-19 Italy</strong>
          <span class="brand-sub">Protezione Civile data on the soe timeseries service</span>
        </span>
      </a>
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
