import { useEffect, useState } from 'react';
import { getJson } from '../api';
import { ago, LAST_CHANGED_BY } from '../model';

// A resource's last change, for the list's Changed / Changed by cells. Resources whose controller
// names their file carry it in annotations; for the others (WASM controllers) it is the newest
// entry of their history, asked for a few at a time and only for the rows on screen.

const QUEUE: (() => Promise<void>)[] = [];
let running = 0;
const MAX_RUNNING = 4;

function schedule(task: () => Promise<void>) {
  QUEUE.push(task);
  pump();
}

function pump() {
  while (running < MAX_RUNNING && QUEUE.length) {
    const task = QUEUE.shift()!;
    running++;
    task().finally(() => {
      running--;
      pump();
    });
  }
}

interface Change {
  time?: string;
  author?: string;
}

const cache = new Map<string, Promise<Change>>();

function newest(path: string, version: string): Promise<Change> {
  const key = `${path}@${version}`;
  let found = cache.get(key);
  if (!found) {
    found = new Promise<Change>((resolve) =>
      schedule(() =>
        getJson(`${path}/history?limit=1`, { retries: 0 }).then(
          (h) => resolve({ time: h.items?.[0]?.time, author: h.items?.[0]?.author?.name }),
          () => resolve({}),
        ),
      ),
    );
    cache.set(key, found);
  }
  return found;
}

export function useLastChange(object: any, path: string): Change {
  const md = object?.metadata ?? {};
  const known = md.annotations?.[LAST_CHANGED_BY];
  const [change, setChange] = useState<Change>(known ? { time: md.creationTimestamp, author: known } : {});
  useEffect(() => {
    if (known) {
      setChange({ time: md.creationTimestamp, author: known });
      return;
    }
    let live = true;
    newest(path, md.resourceVersion ?? '').then((c) => live && setChange(c));
    return () => {
      live = false;
    };
  }, [path, known, md.creationTimestamp, md.resourceVersion]);
  return change;
}

export function LastChangeCells({ object, path }: { object: any; path: string }) {
  const change = useLastChange(object, path);
  return (
    <>
      <td title={change.time}>{ago(change.time)}</td>
      <td className="wide">{change.author ?? ''}</td>
    </>
  );
}
