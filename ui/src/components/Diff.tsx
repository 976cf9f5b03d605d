import { html } from 'diff2html';
import 'diff2html/bundles/css/diff2html.min.css';
import { useEffect, useMemo, useState } from 'react';

function narrow() {
  return window.matchMedia('(max-width: 760px)').matches;
}

/** A unified diff rendered side by side (line by line on a phone), or a note when it is empty. */
export function Diff({ diff, label }: { diff: string; label: string }) {
  const [small, setSmall] = useState(narrow());
  useEffect(() => {
    const media = window.matchMedia('(max-width: 760px)');
    const listener = () => setSmall(media.matches);
    media.addEventListener('change', listener);
    return () => media.removeEventListener('change', listener);
  }, []);
  const rendered = useMemo(
    () =>
      diff.trim()
        ? html(diff, {
            outputFormat: small ? 'line-by-line' : 'side-by-side',
            drawFileList: false,
            matching: 'lines',
          })
        : '',
    [diff, small],
  );
  if (!rendered) {
    return <p className="note">Nothing would change.</p>;
  }
  return (
    <section className="diff" aria-label={label} tabIndex={0} dangerouslySetInnerHTML={{ __html: rendered }} />
  );
}
