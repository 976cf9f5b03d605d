package io.cup.access;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The answer of a self-subject rules review ({@code authorization.k8s.io/v1} SelfSubjectRulesReview
 * {@code status}): the resource and non-resource rules that apply to a user in a namespace.
 *
 * @param incomplete true when the authorizer cannot list every rule (AlwaysAllow lists {@code *})
 * @param evaluationError why the list is incomplete, or ""
 */
public record RulesReview(
    List<ResourceRule> resourceRules,
    List<NonResourceRule> nonResourceRules,
    boolean incomplete,
    String evaluationError) {

  public RulesReview {
    resourceRules = List.copyOf(resourceRules);
    nonResourceRules = List.copyOf(nonResourceRules);
    evaluationError = evaluationError == null ? "" : evaluationError;
  }

  /** A rule about resources; empty {@code resourceNames} means every name. */
  public record ResourceRule(
      List<String> verbs,
      List<String> apiGroups,
      List<String> resources,
      List<String> resourceNames) {
    public ResourceRule {
      verbs = List.copyOf(verbs);
      apiGroups = List.copyOf(apiGroups);
      resources = List.copyOf(resources);
      resourceNames = List.copyOf(resourceNames);
    }

    JsonObject toJson() {
      JsonObject json =
          new JsonObject()
              .put("verbs", new JsonArray(verbs))
              .put("apiGroups", new JsonArray(apiGroups))
              .put("resources", new JsonArray(resources));
      if (!resourceNames.isEmpty()) {
        json.put("resourceNames", new JsonArray(resourceNames));
      }
      return json;
    }
  }

  /** A rule about non-resource URLs ({@code /metrics}, {@code /apis/*}). */
  public record NonResourceRule(List<String> verbs, List<String> nonResourceURLs) {
    public NonResourceRule {
      verbs = List.copyOf(verbs);
      nonResourceURLs = List.copyOf(nonResourceURLs);
    }

    JsonObject toJson() {
      return new JsonObject()
          .put("verbs", new JsonArray(verbs))
          .put("nonResourceURLs", new JsonArray(nonResourceURLs));
    }
  }

  /** The review's {@code status} object. */
  public JsonObject toJson() {
    JsonArray resources = new JsonArray();
    resourceRules.forEach(r -> resources.add(r.toJson()));
    JsonArray nonResources = new JsonArray();
    nonResourceRules.forEach(r -> nonResources.add(r.toJson()));
    JsonObject json =
        new JsonObject()
            .put("resourceRules", resources)
            .put("nonResourceRules", nonResources)
            .put("incomplete", incomplete);
    if (!evaluationError.isEmpty()) {
      json.put("evaluationError", evaluationError);
    }
    return json;
  }
}
