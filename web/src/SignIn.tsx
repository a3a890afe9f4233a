/**
 * The sign-in form shown when the server asks for authentication, saying what to enter as the server
 * describes itself (`/ui/auth.json`): under Gnocchi's basic auth, the user name `admin` and no password.
 */
import { useState } from 'preact/hooks';
import type { UiAuth } from '../../src/timeseries/api/ui-auth.js';

/** Props of {@link SignIn}. */
export interface SignInProps {
  onSignIn: (user: string, password: string) => void;
  /** What the server expects; undefined while it is asked, null if it does not say. */
  auth: UiAuth | null | undefined;
  /** Why the form is shown again (e.g. the last user was refused). */
  message?: string;
}

/** What to enter, in words, for the server's authentication. */
function hint(auth: UiAuth | null | undefined) {
  if (auth === undefined) return null;
  if (auth === null || auth.mode !== 'basic' || auth.admin_user === null)
    return <>This server asks for a user name and a password.</>;
  const admin = <code>{auth.admin_user}</code>;
  return (
    <>
      This server uses basic authentication, as Gnocchi does. Enter the user name {admin} to see all the data
      (the COVID producer loads it as {admin} unless given another <code>--user</code>); any other name sees
      only what it created.{' '}
      {auth.password_checked ? 'Enter its password too.' : 'The password is not checked: leave it empty.'}
    </>
  );
}

/** Renders the form. */
export function SignIn({ onSignIn, auth, message }: SignInProps) {
  const [user, setUser] = useState('admin');
  const [password, setPassword] = useState('');
  const passwordChecked = auth?.password_checked !== false;
  return (
    <form
      class="card sign-in"
      data-testid="sign-in"
      onSubmit={(e) => {
        e.preventDefault();
        if (user.trim() !== '') onSignIn(user.trim(), password);
      }}
    >
      <h2>Sign in</h2>
      <p data-testid="sign-in-hint">{hint(auth)}</p>
      {message !== undefined && <p class="error">{message}</p>}
      <label>
        User
        <input
          data-testid="sign-in-user"
          value={user}
          onInput={(e) => setUser(e.currentTarget.value)}
          autoFocus
        />
      </label>
      <label>
        Password {!passwordChecked && <span class="muted">(not checked by the server)</span>}
        <input
          data-testid="sign-in-password"
          type="password"
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
      </label>
      <button type="submit" class="primary" data-testid="sign-in-submit">
        Sign in
      </button>
    </form>
  );
}
