package io.cup.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cup proposals [list|get|diff|merge|close] [id]}: the proposals under {@code
 * /apis/cup.flipt.io/v1alpha1/proposals}. Alone, it lists them.
 */
@Command(
    name = "proposals",
    aliases = "proposal",
    mixinStandardHelpOptions = true,
    description = "List proposals; or get, diff, merge or close one.")
final class ProposalsCommand extends ClientVerb {
  static final String PATH = "/apis/cup.flipt.io/v1alpha1/proposals";
  static final String[] FORMATS = {"table", "wide", "json", "yaml", "name"};

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "table (default), wide, json, yaml or name.")
  String output;

  ProposalsCommand(ClientEnvironment environment) {
    super(environment);
  }

  @Override
  int run(Session session) throws ClientException {
    return list(session, environment.output(output, "proposals", FORMATS));
  }

  static int list(Session session, String format) throws ClientException {
    JsonNode list = session.client().call("GET", PATH).send().json();
    List<JsonNode> items = new ArrayList<>();
    list.path("items").forEach(items::add);
    if (items.isEmpty() && (format.equals("table") || format.equals("wide"))) {
      session.err().println("No proposals found.");
      return 0;
    }
    print(items, format, session.out());
    return 0;
  }

  static void print(List<JsonNode> proposals, String format, PrintWriter out) {
    switch (format) {
      case "json" -> proposals.forEach(p -> out.print(Documents.prettyJson(p)));
      case "yaml" -> {
        for (int i = 0; i < proposals.size(); i++) {
          if (i > 0) {
            out.println("---");
          }
          out.print(Documents.yaml(proposals.get(i)));
        }
      }
      case "name" -> proposals.forEach(p -> out.println("proposal/" + id(p)));
      default -> {
        boolean wide = format.equals("wide");
        Table table =
            wide
                ? new Table("ID", "STATE", "CREATED", "RESOURCES", "BRANCH", "URL")
                : new Table("ID", "STATE", "CREATED", "RESOURCES");
        for (JsonNode p : proposals) {
          String created = field(p, "metadata.creationTimestamp", "createdAt");
          if (wide) {
            table.row(
                id(p),
                state(p),
                created,
                resources(p),
                field(p, "spec.branch", "branch"),
                field(p, "status.url", "url"));
          } else {
            table.row(id(p), state(p), created, resources(p));
          }
        }
        table.print(out);
      }
    }
    out.flush();
  }

  /** The proposal's id: {@code metadata.name} of a Proposal object, or a flat {@code id}. */
  static String id(JsonNode proposal) {
    return field(proposal, "metadata.name", "id");
  }

  static String state(JsonNode proposal) {
    return field(proposal, "status.state", "state");
  }

  private static String field(JsonNode proposal, String nested, String flat) {
    String value = Documents.text(proposal, nested);
    return value != null ? value : Documents.text(proposal, flat);
  }

  /** {@code put service/web,delete service/api}. */
  private static String resources(JsonNode proposal) {
    JsonNode refs = proposal.path("spec").path("resources");
    if (!refs.isArray()) {
      refs = proposal.path("resources");
    }
    List<String> names = new ArrayList<>();
    for (JsonNode ref : refs) {
      String action = Documents.text(ref, "action");
      names.add(
          (action == null ? "" : action + " ")
              + ref.path("kind").asText("").toLowerCase(Locale.ROOT)
              + "/"
              + ref.path("name").asText(""));
    }
    return String.join(",", names);
  }

  static String path(String id) {
    return PATH + "/" + CupClient.segment(id);
  }

  /** {@code cup proposals list}. */
  @Command(
      name = "list",
      aliases = "ls",
      mixinStandardHelpOptions = true,
      description = "List proposals, newest first.")
  static final class ListProposals extends ClientVerb {
    @Option(
        names = {"-o", "--output"},
        paramLabel = "FORMAT",
        description = "table (default), wide, json, yaml or name.")
    String output;

    ListProposals(ClientEnvironment environment) {
      super(environment);
    }

    @Override
    int run(Session session) throws ClientException {
      return list(session, environment.output(output, "proposals list", FORMATS));
    }
  }

  /** {@code cup proposals get ID}. */
  @Command(name = "get", mixinStandardHelpOptions = true, description = "Show one proposal.")
  static final class GetProposal extends ClientVerb {
    @Parameters(index = "0", paramLabel = "ID", description = "The proposal id.")
    String id;

    @Option(
        names = {"-o", "--output"},
        paramLabel = "FORMAT",
        description = "table (default), wide, json (with the diff), yaml or name.")
    String output;

    GetProposal(ClientEnvironment environment) {
      super(environment);
    }

    @Override
    int run(Session session) throws ClientException {
      String format = environment.output(output, "proposals get", FORMATS);
      JsonNode proposal = session.client().call("GET", path(id)).send().json();
      print(List.of(proposal), format, session.out());
      return 0;
    }
  }

  /** {@code cup proposals diff ID}. */
  @Command(
      name = "diff",
      mixinStandardHelpOptions = true,
      description = "Print a proposal's change as a unified diff.")
  static final class DiffProposal extends ClientVerb {
    @Parameters(index = "0", paramLabel = "ID", description = "The proposal id.")
    String id;

    DiffProposal(ClientEnvironment environment) {
      super(environment);
    }

    @Override
    int run(Session session) throws ClientException {
      String diff = session.client().call("GET", path(id)).accept(CupClient.DIFF).send().text();
      session.out().print(diff.isEmpty() || diff.endsWith("\n") ? diff : diff + "\n");
      session.out().flush();
      return 0;
    }
  }

  /** {@code cup proposals merge ID} and {@code cup proposals close ID}. */
  @Command(mixinStandardHelpOptions = true)
  static final class Transition extends ClientVerb {
    @Parameters(index = "0", paramLabel = "ID", description = "The proposal id.")
    String id;

    @Option(
        names = {"-o", "--output"},
        paramLabel = "FORMAT",
        description = "table (default: one line), json, yaml or name.")
    String output;

    private final String action;

    Transition(ClientEnvironment environment, String action) {
      super(environment);
      this.action = action;
    }

    @Override
    int run(Session session) throws ClientException {
      String format = environment.output(output, "proposals " + action, FORMATS);
      JsonNode proposal = session.client().call("POST", path(id) + "/" + action).send().json();
      if (format.equals("table") || format.equals("wide")) {
        session.out().println("proposal/" + id + " " + state(proposal));
        session.out().flush();
      } else {
        print(List.of(proposal), format, session.out());
      }
      return 0;
    }
  }
}
