package io.cup.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Who asked for a proposal, a merge or a close: the authenticated user's name and groups, and the
 * e-mail address a commit is authored with ({@code null}: {@code <username>@<domain>}). Proposal
 * records keep the name and groups only.
 */
public record Requester(String username, List<String> groups, String email) implements BusMessage {
  public Requester {
    Objects.requireNonNull(username, "username");
    groups = groups == null ? List.of() : List.copyOf(groups);
  }

  /** The same person without the e-mail address, as records keep them. */
  public Requester withoutEmail() {
    return email == null ? this : new Requester(username, groups, null);
  }

  @Override
  public JsonObject toJson() {
    JsonObject json =
        new JsonObject()
            .put("username", username)
            .put("groups", new JsonArray(new ArrayList<>(groups)));
    if (email != null) {
      json.put("email", email);
    }
    return json;
  }

  /** The requester of {@code json}, or null when there is none. */
  public static Requester fromJson(JsonObject json) {
    if (json == null || json.getString("username") == null) {
      return null;
    }
    List<String> groups = new ArrayList<>();
    json.getJsonArray("groups", new JsonArray()).forEach(g -> groups.add(String.valueOf(g)));
    return new Requester(json.getString("username"), groups, json.getString("email"));
  }
}
