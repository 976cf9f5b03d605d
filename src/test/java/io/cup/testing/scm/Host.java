package io.cup.testing.scm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What differs between the SCMs a {@link ScmStandIn} plays: the description, how a token is sent,
 * how errors look, and what each operation does to the {@link PullStore}. Called under the
 * stand-in's lock.
 */
interface Host {
  ObjectMapper JSON = new ObjectMapper();

  /** An answer: status, extra headers, and a JSON body (or none). */
  record Reply(int status, Map<String, String> headers, JsonNode body) {
    public Reply {
      headers = Map.copyOf(headers);
    }

    static Reply of(int status, JsonNode body) {
      return new Reply(status, Map.of(), body);
    }

    static Reply empty(int status) {
      return new Reply(status, Map.of(), null);
    }
  }

  /** A checked request that matched an operation of this host's own repository. */
  record Call(
      String operationId,
      Map<String, String> path,
      Map<String, List<String>> query,
      JsonNode body) {
    /** The first value of a query parameter, or the fallback if absent. */
    String query(String name, String fallback) {
      List<String> values = query.get(name);
      return values == null || values.isEmpty() ? fallback : values.get(0);
    }

    int queryInt(String name, int fallback) {
      return Integer.parseInt(query(name, Integer.toString(fallback)));
    }

    int pathInt(String name) {
      return Integer.parseInt(path.get(name));
    }

    /** A text field of the JSON body, or null. */
    String text(String field) {
      JsonNode value = body == null ? null : body.get(field);
      return value == null || value.isNull() ? null : value.asText();
    }
  }

  ApiDescription description();

  /**
   * A request for an operation the host serves though its description lacks it, checked by the host
   * itself; empty for everything else (which then is an unknown operation).
   */
  default Optional<ApiDescription.Result> undescribed(ApiDescription.Request request) {
    return Optional.empty();
  }

  /** Whether the request carries the token the way this SCM expects it. */
  boolean authorized(ApiDescription.Request request, String token);

  /** The SCM's answer to a missing or wrong token. */
  Reply unauthorized();

  /** The SCM's answer to a request that departs from its description. */
  Reply rejected(ApiDescription.Problem problem, String message);

  /** Whether the path names the stand-in's repository (or project). */
  boolean ownsRepository(Map<String, String> pathParameters);

  /** The SCM's answer for another repository, or a pull that does not exist. */
  Reply notFound();

  /** The body of an injected failure with that status. */
  JsonNode failureBody(int status);

  /** Performs an operation on the store; the request has passed every check. */
  Reply handle(Call call, PullStore store);

  static ObjectNode object() {
    return JSON.createObjectNode();
  }

  static ObjectNode message(String message) {
    return object().put("message", message);
  }
}
