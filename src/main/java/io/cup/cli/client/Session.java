package io.cup.cli.client;

import java.io.PrintWriter;

/** One command's connection: the client, the namespace, where to print, the kinds served. */
final class Session {
  private final CupClient client;
  private final String namespace;
  private final boolean namespaceGiven;
  private final PrintWriter out;
  private final PrintWriter err;
  private Kinds kinds;

  Session(
      CupClient client,
      String namespace,
      boolean namespaceGiven,
      PrintWriter out,
      PrintWriter err) {
    this.client = client;
    this.namespace = namespace;
    this.namespaceGiven = namespaceGiven;
    this.out = out;
    this.err = err;
  }

  CupClient client() {
    return client;
  }

  /** The namespace from {@code -n}, else the context's, else {@code default}. */
  String namespace() {
    return namespace;
  }

  /** Whether {@code -n} was given (then a file's resource in another namespace is an error). */
  boolean namespaceGiven() {
    return namespaceGiven;
  }

  PrintWriter out() {
    return out;
  }

  PrintWriter err() {
    return err;
  }

  /** The served kinds, from {@code GET /apis}, fetched once. */
  Kinds kinds() throws ClientException {
    if (kinds == null) {
      kinds = Kinds.fetch(client);
    }
    return kinds;
  }
}
