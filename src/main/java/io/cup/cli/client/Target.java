package io.cup.cli.client;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where a resource from a file goes: its kind (from {@code apiVersion} and {@code kind}), namespace
 * ({@code metadata.namespace}, else the session's, which it then gets) and name.
 */
record Target(Kind kind, String namespace, String name, ObjectNode body) {
  static Target of(Session session, ObjectNode resource, String origin) throws ClientException {
    String apiVersion = Documents.text(resource, "apiVersion");
    String kindName = Documents.text(resource, "kind");
    String name = Documents.text(resource, "metadata.name");
    if (apiVersion == null || kindName == null || name == null) {
      throw new ClientException(
          "error: "
              + origin
              + ": a resource needs apiVersion, kind and metadata.name"
              + (name == null ? "" : " (" + name + ")"));
    }
    Kind kind = session.kinds().forResource(apiVersion, kindName);
    String namespace = Documents.text(resource, "metadata.namespace");
    if (namespace == null) {
      namespace = session.namespace();
      ObjectNode metadata = (ObjectNode) resource.get("metadata");
      metadata.put("namespace", namespace);
    } else if (session.namespaceGiven() && !namespace.equals(session.namespace())) {
      throw new ClientException(
          "error: the namespace of "
              + kind.nameOf(name)
              + " (\""
              + namespace
              + "\") does not match the namespace \""
              + session.namespace()
              + "\" given with -n");
    }
    return new Target(kind, namespace, name, resource);
  }

  String path() {
    return kind.resourcePath(namespace, name);
  }

  String displayName() {
    return kind.nameOf(name);
  }
}
