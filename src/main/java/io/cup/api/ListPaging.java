package io.cup.api;

import io.cup.controllers.Resources;
import io.cup.status.StatusException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;

/**
 * Kubernetes list paging: {@code limit} caps a page, and the opaque {@code continue} token of a
 * page names the commit it was read at and the last name it held, so the next page reads the same
 * commit and starts after that name, and the list it belongs to (kind, namespace, selector,
 * revision), so it cannot continue another. Items are ordered by {@code metadata.name}. A token
 * that does not decode, or belongs to another list, is 400; one whose commit the repository no
 * longer has is answered 410 by the caller.
 */
final class ListPaging {
  private ListPaging() {}

  /** A list request: {@code limit} 0 means all; {@code after} and {@code commit} from a token. */
  record Query(int limit, String after, String commit) {}

  /** One page: its items, the token for the next page (null on the last) and what remains. */
  record Page(List<JsonObject> items, String continueToken, int remaining) {}

  static Query query(String limit, String continueToken) {
    return query(limit, continueToken, null);
  }

  /** As {@link #query(String, String)}, for the list named {@code scope} (null: any). */
  static Query query(String limit, String continueToken, String scope) {
    int max = 0;
    if (limit != null && !limit.isEmpty()) {
      try {
        max = Integer.parseInt(limit);
      } catch (NumberFormatException e) {
        max = -1;
      }
      if (max < 0) {
        throw StatusException.badRequest("limit must be a non-negative integer");
      }
    }
    if (continueToken == null || continueToken.isEmpty()) {
      return new Query(max, null, null);
    }
    try {
      JsonObject token = decode(continueToken);
      String after = token.getString("after");
      String commit = token.getString("rv");
      if (after == null || commit == null) {
        throw invalidToken();
      }
      if (scope != null && !scope.equals(token.getString("list"))) {
        throw StatusException.badRequest(
            "the continue token belongs to another list (kind, namespace, labelSelector or"
                + " revision differ)");
      }
      return new Query(max, after, commit);
    } catch (ClassCastException e) {
      throw invalidToken();
    }
  }

  /** The JSON object a continue token carries (base64url, no padding); 400 when it is none. */
  static JsonObject decode(String continueToken) {
    try {
      return new JsonObject(
          new String(Base64.getUrlDecoder().decode(continueToken), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException | DecodeException | ClassCastException e) {
      throw invalidToken();
    }
  }

  /** A continue token carrying {@code token}. */
  static String encode(JsonObject token) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(token.encode().getBytes(StandardCharsets.UTF_8));
  }

  static StatusException invalidToken() {
    return StatusException.badRequest("the continue token is not valid");
  }

  static Page page(JsonArray items, String commit, Query query) {
    return page(items, commit, query, null);
  }

  /** As {@link #page(JsonArray, String, Query)}, the token naming the list {@code scope}. */
  static Page page(JsonArray items, String commit, Query query, String scope) {
    return page(items, Comparator.naturalOrder(), commit, query, scope);
  }

  /**
   * As {@link #page(JsonArray, String, Query, String)}, with items ordered by {@code metadata.name}
   * in {@code order} (proposals: newest first, their ids descending).
   */
  static Page page(
      JsonArray items, Comparator<String> order, String commit, Query query, String scope) {
    // each item's name read once, not once per comparison
    List<Named> named = new ArrayList<>(items.size());
    for (Object item : items) {
      JsonObject resource = (JsonObject) item;
      named.add(new Named(name(resource), resource));
    }
    named.sort(Comparator.comparing(Named::name, order));
    List<JsonObject> sorted = new ArrayList<>(named.size());
    for (Named n : named) {
      if (query.after() == null || order.compare(n.name(), query.after()) > 0) {
        sorted.add(n.item());
      }
    }
    if (query.limit() == 0 || sorted.size() <= query.limit()) {
      return new Page(sorted, null, 0);
    }
    List<JsonObject> page = List.copyOf(sorted.subList(0, query.limit()));
    String last = name(page.get(page.size() - 1));
    JsonObject token = new JsonObject().put("rv", commit).put("after", last);
    if (scope != null) {
      token.put("list", scope);
    }
    return new Page(page, encode(token), sorted.size() - page.size());
  }

  private record Named(String name, JsonObject item) {}

  private static String name(JsonObject resource) {
    String name = Resources.metadata(resource, "name");
    return name == null ? "" : name;
  }
}
