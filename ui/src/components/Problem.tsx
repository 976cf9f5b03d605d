import { ApiError, ConnectionLost } from '../api';

/** A refused request as a sentence: the server's Status message, never raw JSON. */
export function Problem({ error, title }: { error: unknown; title?: string }) {
  if (!error) {
    return null;
  }
  let message = 'Something went wrong.';
  let detail = '';
  if (error instanceof ApiError) {
    message = error.message;
    if (error.code === 401) {
      detail = 'Sign in to continue.';
    } else if (error.code === 403) {
      detail = 'You are not allowed to do this.';
    } else if (error.code === 409) {
      detail = 'Someone changed it in the meantime: reload and try again.';
    }
  } else if (error instanceof ConnectionLost) {
    message = error.message;
  } else if (error instanceof Error) {
    message = error.message;
  }
  return (
    <div role="alert" className="problem">
      {title && <strong>{title}: </strong>}
      {/[.!?]$/.test(message) || !detail ? message : `${message}.`}
      {detail && <span className="detail"> {detail}</span>}
    </div>
  );
}
