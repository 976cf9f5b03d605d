package io.cup.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cup auth can-i} and {@code cup auth whoami}: kubectl's, against the server's
 * SelfSubjectAccessReview and SelfSubjectReview endpoints, with Kubernetes' request and answer
 * shapes.
 */
@Command(
    name = "auth",
    mixinStandardHelpOptions = true,
    description = "Inspect authorization: can-i (may I do this?) and whoami (who am I to it?).")
final class AuthCommand implements Callable<Integer> {
  static final String ACCESS_REVIEWS = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";
  static final String SELF_REVIEWS = "/apis/authentication.k8s.io/v1/selfsubjectreviews";

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getErr().println("cup auth: missing subcommand (can-i or whoami)");
    spec.commandLine().usage(spec.commandLine().getErr());
    return ClientException.USAGE;
  }

  /** {@code cup auth can-i VERB TYPE[/NAME] [NAME] | VERB /PATH}. */
  @Command(
      name = "can-i",
      mixinStandardHelpOptions = true,
      description = {
        "Check whether an action is allowed. Prints yes (exit 0) or no (exit 1), as",
        "kubectl; a reason the server gives follows the no (no - reason).",
        "",
        "VERB: get, list, watch, update, patch, delete; merge and close for",
        "  proposals; * for all.",
        "TYPE: a kind as the other commands take it (flags, flag, Flag,",
        "  flags.flipt.io, proposals), or * for all. TYPE/NAME or a third argument",
        "  names one resource. Proposals are cluster-scoped: -n does not apply.",
        "  A type the server does not serve is sent as typed, with a warning.",
        "NONRESOURCEURL: a path starting with / (such as /healthz or /metrics).",
        "",
        "Examples:",
        "  cup auth can-i list flags",
        "  cup auth can-i update flags.flipt.io/new-checkout -n staging",
        "  cup auth can-i merge proposals",
        "  cup auth can-i get /metrics"
      })
  static final class CanI extends ClientVerb {
    @Parameters(index = "0", paramLabel = "VERB", description = "The verb.")
    String verb;

    @Parameters(
        index = "1",
        paramLabel = "TYPE[/NAME]|NONRESOURCEURL",
        description = "What the verb acts on.")
    String what;

    @Parameters(
        index = "2",
        arity = "0..1",
        paramLabel = "NAME",
        description = "The name of one resource.")
    String name;

    @Option(
        names = {"-A", "--all-namespaces"},
        description = "Ask about every namespace rather than the current one.")
    boolean allNamespaces;

    @Option(
        names = "--subresource",
        paramLabel = "SUBRESOURCE",
        description = "A subresource of TYPE.")
    String subresource;

    @Option(
        names = {"-q", "--quiet"},
        description = "Print nothing; only the exit code answers.")
    boolean quiet;

    CanI(ClientEnvironment environment) {
      super(environment);
    }

    @Override
    int run(Session session) throws ClientException {
      ObjectNode review = Documents.JSON.createObjectNode();
      review.put("apiVersion", "authorization.k8s.io/v1");
      review.put("kind", "SelfSubjectAccessReview");
      ObjectNode spec = review.putObject("spec");
      if (what.startsWith("/")) {
        if (name != null || subresource != null) {
          throw new ClientException(
              "error: a non-resource URL takes no NAME and no --subresource",
              ClientException.USAGE);
        }
        ObjectNode attributes = spec.putObject("nonResourceAttributes");
        attributes.put("path", what);
        attributes.put("verb", verb);
      } else {
        resourceAttributes(session, spec.putObject("resourceAttributes"));
      }
      JsonNode answer =
          session
              .client()
              .call("POST", ACCESS_REVIEWS)
              .body(CupClient.JSON, Documents.json(review))
              .send()
              .json();
      JsonNode status = answer.path("status");
      if (!status.path("allowed").isBoolean()) {
        throw new ClientException(
            "error: the server's SelfSubjectAccessReview has no status.allowed");
      }
      boolean allowed = status.path("allowed").booleanValue();
      if (!quiet) {
        PrintWriter out = session.out();
        if (allowed) {
          out.println("yes");
        } else {
          StringBuilder line = new StringBuilder("no");
          for (String field : new String[] {"reason", "evaluationError"}) {
            String text = status.path(field).asText("");
            if (!text.isEmpty()) {
              line.append(" - ").append(text);
            }
          }
          out.println(line);
        }
      }
      return allowed ? 0 : ClientException.FAILED;
    }

    private void resourceAttributes(Session session, ObjectNode attributes) throws ClientException {
      String type = what;
      String resourceName = name;
      Optional<Kind> kind = Optional.empty();
      if (!type.equals("*")) {
        Kinds kinds = served(session);
        kind = kinds.find(type);
        int slash = type.indexOf('/');
        if (kind.isEmpty() && slash > 0 && resourceName == null) {
          // kubectl's TYPE/NAME (after Cup's own group/kind forms, which also hold a slash)
          resourceName = type.substring(slash + 1);
          type = type.substring(0, slash);
          kind = type.equals("*") ? Optional.empty() : kinds.find(type);
        } else if (kind.isEmpty() && slash > 0) {
          throw new ClientException(
              "error: NAME is given twice: as TYPE/NAME and as the third argument",
              ClientException.USAGE);
        }
      }
      String namespace = allNamespaces ? null : session.namespace();
      attributes.put("verb", verb);
      if (kind.isPresent()) {
        Kind resolved = kind.get();
        if (resolved.namespaced() && namespace != null) {
          attributes.put("namespace", namespace);
        }
        attributes.put("group", resolved.group());
        attributes.put("version", resolved.version());
        attributes.put("resource", resolved.plural());
      } else {
        if (namespace != null) {
          attributes.put("namespace", namespace);
        }
        int dot = type.indexOf('.');
        if (!type.equals("*")) {
          session
              .err()
              .println(
                  "Warning: the server doesn't have a resource type '"
                      + (dot < 0 ? type : type.substring(0, dot))
                      + "'"
                      + (dot < 0 ? "" : " in group '" + type.substring(dot + 1) + "'"));
          session.err().flush();
        }
        if (dot > 0) {
          attributes.put("group", type.substring(dot + 1));
          attributes.put("resource", type.substring(0, dot));
        } else {
          attributes.put("resource", type);
        }
      }
      if (subresource != null) {
        attributes.put("subresource", subresource);
      }
      if (resourceName != null) {
        attributes.put("name", resourceName);
      }
    }

    /**
     * The kinds to resolve against: the served ones and the built-in proposals. A user whom the
     * server forbids reading {@code /apis} may still ask: the types are then sent as typed.
     */
    private static Kinds served(Session session) throws ClientException {
      try {
        return session.kinds().withProposals();
      } catch (ClientException e) {
        if (e.httpCode() != 403) {
          throw e; // 401 and the rest: the review would fail the same way
        }
        session
            .err()
            .println(
                "Warning: cannot read the served kinds ("
                    + e.getMessage()
                    + "); only proposals are resolved");
        session.err().flush();
        return new Kinds(List.of()).withProposals();
      }
    }
  }

  /** {@code cup auth whoami}. */
  @Command(
      name = "whoami",
      mixinStandardHelpOptions = true,
      description = {
        "Show who the server takes you for: user name, UID, groups and extra attributes,",
        "from a SelfSubjectReview (authentication.k8s.io/v1), as kubectl auth whoami."
      })
  static final class WhoAmI extends ClientVerb {
    @Option(
        names = {"-o", "--output"},
        paramLabel = "FORMAT",
        description = "table (default), json or yaml: json and yaml print the whole review.")
    String output;

    WhoAmI(ClientEnvironment environment) {
      super(environment);
    }

    @Override
    int run(Session session) throws ClientException {
      String format = environment.output(output, "auth whoami", "table", "json", "yaml");
      ObjectNode review = Documents.JSON.createObjectNode();
      review.put("apiVersion", "authentication.k8s.io/v1");
      review.put("kind", "SelfSubjectReview");
      JsonNode answer;
      try {
        answer =
            session
                .client()
                .call("POST", SELF_REVIEWS)
                .body(CupClient.JSON, Documents.json(review))
                .send()
                .json();
      } catch (ClientException e) {
        if (e.httpCode() == 404) {
          throw new ClientException(
              e.getMessage()
                  + "\nerror: the server does not serve selfsubjectreviews"
                  + " (authentication.k8s.io/v1); is it a Cup without authentication?");
        }
        throw e;
      }
      PrintWriter out = session.out();
      switch (format) {
        case "json" -> out.print(Documents.prettyJson(answer));
        case "yaml" -> out.print(Documents.yaml(answer));
        default -> table(answer.path("status").path("userInfo")).print(out);
      }
      return 0;
    }

    /** kubectl's table: rows only for what is set, extra attributes sorted by key. */
    static Table table(JsonNode user) {
      Table table = new Table("ATTRIBUTE", "VALUE");
      String username = user.path("username").asText("");
      if (!username.isEmpty()) {
        table.row("Username", username);
      }
      String uid = user.path("uid").asText("");
      if (!uid.isEmpty()) {
        table.row("UID", uid);
      }
      if (user.path("groups").size() > 0) {
        table.row("Groups", list(user.path("groups")));
      }
      TreeMap<String, JsonNode> extra = new TreeMap<>();
      user.path("extra").fields().forEachRemaining(e -> extra.put(e.getKey(), e.getValue()));
      extra.forEach((key, values) -> table.row("Extra: " + key, list(values)));
      return table;
    }

    /** A list as Go's {@code %v} prints a {@code []string}: {@code [a b]}. */
    private static String list(JsonNode values) {
      List<String> texts = new ArrayList<>();
      if (values.isArray()) {
        values.forEach(v -> texts.add(v.asText()));
      } else {
        texts.add(values.asText());
      }
      return "[" + String.join(" ", texts) + "]";
    }
  }
}
