/**
 * What the GUI's sign-in page is told of the server's authentication, at {@link UI_AUTH_PATH}. This module
 * uses no Node API, so the browser bundle imports it too.
 */

/** Where the server answers its {@link UiAuth} (public, like the GUI's files). */
export const UI_AUTH_PATH = '/ui/auth.json';

/** The server's authentication, as the sign-in page needs it. */
export interface UiAuth {
  /**
   * `none`: no sign-in; `basic`: Gnocchi's, the identity is the user name of `Authorization: Basic`;
   * `users`: a user name and its password, checked.
   */
  mode: 'basic' | 'none' | 'users';
  /** The user that sees everything (any other sees only what it created); null when there are no users. */
  admin_user: string | null;
  /** Whether the server checks the password (Gnocchi's basic auth ignores it). */
  password_checked: boolean;
}

/** The {@link UiAuth} of an auth mode of the server. */
export function uiAuth(mode: UiAuth['mode']): UiAuth {
  if (mode === 'basic') return { mode, admin_user: 'admin', password_checked: false };
  return { mode, admin_user: null, password_checked: mode === 'users' };
}
