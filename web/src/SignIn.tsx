/** The sign-in form shown when the server asks for basic authentication (Gnocchi ignores the password). */
import { useState } from 'preact/hooks';

/** Props of {@link SignIn}. */
export interface SignInProps {
  onSignIn: (user: string, password: string) => void;
  /** Why the form is shown again (e.g. the last user was refused). */
  message?: string;
}

/** Renders the form. */
export function SignIn({ onSignIn, message }: SignInProps) {
  const [user, setUser] = useState('admin');
  const [password, setPassword] = useState('');
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
      <p>
        This server uses basic authentication. Each user sees the resources it created; <code>admin</code>{' '}
        sees everything.
      </p>
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
        Password <span class="muted">(not checked by the server)</span>
        <input type="password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
      </label>
      <button type="submit" class="primary" data-testid="sign-in-submit">
        Sign in
      </button>
    </form>
  );
}
